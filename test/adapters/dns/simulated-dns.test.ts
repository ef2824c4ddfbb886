import { expect } from 'chai';
import { createSimulatedDns } from '../../../adapters/dns/simulated-dns.ts';
import { capturingLogger } from '../../support/log-capture.ts';
import { suiteMigratedDatabase } from '../../support/migrated-database.ts';

describe('simulated DNS provider', function () {
  this.timeout(60_000);
  const database = suiteMigratedDatabase();


  it('upserts one A record per host name and says it is simulated', async () => {
    const { logger, lines } = capturingLogger();
    const dns = createSimulatedDns({ db: database().db, logger });
    expect(dns.simulated).to.equal(true);
    await dns.upsertARecord({ hostname: 'T1.Example.com', ip: '192.0.2.10' });
    await dns.upsertARecord({ hostname: 't1.example.com', ip: '192.0.2.10' });
    expect(await dns.lookup('t1.example.com')).to.equal('192.0.2.10');
    await dns.upsertARecord({ hostname: 't1.example.com', ip: '192.0.2.11' });
    expect(await createSimulatedDns({ db: database().db, logger }).lookup('t1.example.com')).to.equal('192.0.2.11');
    expect(await dns.lookup('other.example.com')).to.equal(null);
    expect(lines).to.have.length(3);
    expect(lines.every((line) => line.simulated === true && line.msg === 'simulated DNS A record set')).to.equal(true);
  });

  it('refuses a bad address or host name and records nothing', async () => {
    const dns = createSimulatedDns({ db: database().db, logger: capturingLogger().logger });
    for (const request of [{ hostname: 'bad.example.com', ip: '300.1.1.1' }, { hostname: 'bad_host', ip: '192.0.2.1' }]) {
      let error: unknown;
      await dns.upsertARecord(request).catch((e: unknown) => (error = e));
      expect(error, JSON.stringify(request)).to.be.instanceOf(Error);
    }
    expect(await dns.lookup('bad.example.com')).to.equal(null);
  });
});
