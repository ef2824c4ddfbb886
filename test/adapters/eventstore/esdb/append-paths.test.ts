import { expect } from 'chai';
import type { EventStore } from '../../../../domain/ports/event-store.ts';
import { WRITE_TIMEOUT_MS } from '../../../../scripts/esdb-double/batch-append.ts';
import { startEsdbDouble, type EsdbDouble } from '../../../../scripts/esdb-double/server.ts';
import { newEvent, rejection, sleep, uniqueName } from '../../../contract/event-store-helpers.ts';
import { APPEND_PATHS } from '../../../scripts/esdb-double/double-client.ts';
import { openEsdbTestDatabase, type EsdbTestDatabase } from './esdb-test-store.ts';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/*
 * The client library appends over Streams.BatchAppend when the server lists it (24.10 does) and
 * over Streams.Append otherwise; the adapter must behave the same over both. These are the cases
 * where the two paths differ on the wire: an event the server refuses, and a server that hangs
 * (BatchAppend has no timer of its own in the library).
 */
for (const path of APPEND_PATHS) {
  describe(`esdb event store: appends ${path.title}`, function () {
    this.timeout(60_000);
    let double: EsdbDouble;
    let db: EsdbTestDatabase;
    let store: EventStore;

    beforeEach(async () => {
      double = await startEsdbDouble(path.options);
      db = await openEsdbTestDatabase();
      store = db.store(double.connectionString, { appendDeadlineMs: 1_000, claimInDoubtMs: 3_000 });
    });

    afterEach(async () => {
      await db?.close();
      await double?.stop();
    });

    it('refuses an event whose id is the nil UUID, and the connection goes on appending', async () => {
      const stream = uniqueName('nil-');
      const refused = await rejection(store.append(stream, [{ ...newEvent('invoice.paid'), id: NIL_UUID }]));
      // Past the server's write timeout, when a server that had been sent the event answers it again.
      await sleep(WRITE_TIMEOUT_MS + 500);

      const next = newEvent('invoice.paid');
      expect((await store.append(stream, [next])).appended).to.deep.equal([next.id]);
      expect((await store.readStream(stream)).map((event) => event.id)).to.deep.equal([next.id]);
      expect(double.appendCalls[path.rpc]).to.be.greaterThan(0);
      expect(refused).to.be.instanceOf(TypeError);
      expect(refused.message).to.equal(`append to ${stream}: event id ${NIL_UUID} (the nil UUID) is refused by EventStoreDB`);
    });

    it('gives up an append the server never answers within its deadline, its outcome unknown (the claim stays pending)', async () => {
      double.stallAppends();
      const stream = uniqueName('hung-');
      const event = newEvent('invoice.paid');
      const error = await rejection(store.append(stream, [event]));

      expect(error).to.be.instanceOf(Error);
      expect(double.stalledAppends).to.equal(1);
      expect((await db.claims(event.id)).map((claim) => claim.state)).to.deep.equal(['pending']);
      expect(double.state.lastRevision(stream)).to.equal(-1n);
    });
  });
}
