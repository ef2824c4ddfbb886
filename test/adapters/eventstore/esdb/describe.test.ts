import { expect } from 'chai';
import { describeEventStore } from '../../../../adapters/eventstore/esdb/describe.ts';

describe('describeEventStore', () => {
  it('names the scheme and hosts, never the credentials or the settings', () => {
    expect(describeEventStore('esdb://admin:changeit@es.internal:2113?tls=true')).to.equal('esdb://es.internal:2113');
    expect(describeEventStore('esdb+discover://u:p@a:2113,b:2113,c:2113')).to.equal('esdb+discover://a:2113,b:2113,c:2113');
    expect(describeEventStore('esdb://127.0.0.1:2113?tls=false')).to.equal('esdb://127.0.0.1:2113');
    expect(describeEventStore('nonsense')).not.to.include('nonsense');
  });
});
