import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createOutboxMailer, listOutbox } from '../../../adapters/email/outbox-mailer.ts';
import { suiteMigratedDatabase } from '../../support/migrated-database.ts';

describe('outbox mailer', function () {
  this.timeout(60_000);
  const database = suiteMigratedDatabase();


  it('keeps one message per idempotency key: a repeat send answers the first id and stores nothing', async () => {
    const mailer = createOutboxMailer(database().db);
    const tenantId = randomUUID();
    const message = { to: 'ops@tenant.example', subject: 'Your servers are ready', text: 'ssh admin@192.0.2.1', idempotencyKey: `provisioning-${tenantId}-ready`, tenantId };
    const first = await mailer.send(message);
    expect(first.messageId).to.match(/^<[0-9a-f]{40}@outbox\.billing-ledger\.invalid>$/);
    expect(await mailer.send({ ...message, subject: 'changed' })).to.deep.equal(first);
    const listed = await listOutbox(database().db, { tenantId });
    expect(listed).to.have.length(1);
    expect(listed[0]).to.include({ messageId: first.messageId, tenantId, to: 'ops@tenant.example', subject: 'Your servers are ready', text: 'ssh admin@192.0.2.1' });
  });

  it("lists a tenant's mail apart from others', oldest first", async () => {
    const mailer = createOutboxMailer(database().db);
    const [a, b] = [randomUUID(), randomUUID()];
    await mailer.send({ to: 'a@x.example', subject: 'one', text: '1', idempotencyKey: `${a}-1`, tenantId: a });
    await mailer.send({ to: 'b@x.example', subject: 'two', text: '2', idempotencyKey: `${b}-1`, tenantId: b });
    await mailer.send({ to: 'a@x.example', subject: 'three', text: '3', idempotencyKey: `${a}-2`, tenantId: a });
    expect((await listOutbox(database().db, { tenantId: a })).map((m) => m.subject)).to.deep.equal(['one', 'three']);
    expect((await listOutbox(database().db)).map((m) => m.subject)).to.include.members(['one', 'two', 'three']);
  });

  it('refuses a malformed message and stores nothing', async () => {
    const mailer = createOutboxMailer(database().db);
    const before = (await listOutbox(database().db)).length;
    for (const bad of [
      { to: 'not-an-address', subject: 's', text: 't', idempotencyKey: 'k1' },
      { to: 'a@x.example', subject: 'two\nlines', text: 't', idempotencyKey: 'k2' },
      { to: 'a@x.example', subject: 's', text: 't', idempotencyKey: ' ' },
    ]) {
      let error: unknown;
      await mailer.send(bad).catch((e: unknown) => (error = e));
      expect(String(error), JSON.stringify(bad)).to.include('Invalid email');
    }
    expect(await listOutbox(database().db)).to.have.length(before);
  });
});
