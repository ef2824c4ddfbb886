import { expect } from 'chai';
import { CLAIM_TAKEOVER_SECONDS } from '../../../../domain/dunning/due.ts';
import { dunningStream } from '../../../../domain/dunning/planned-event.ts';
import type { Mailer } from '../../../../domain/ports/provisioning.ts';
import { testStoreKind } from '../../../support/database.ts';
import { invoiceEvent } from '../../../support/invoice-events.ts';
import { DAY_MS, EMAIL, startHarness, T, webhooks, type Harness } from './harness.ts';

const subjects = async (h: Harness) => (await h.outbox()).map((m) => m.subject);

describe(`dunning process (${testStoreKind} store, test clock)`, function () {
  // Each test starts its own ledger: the embedded store takes most of a minute to open on a loaded machine.
  this.timeout(120_000);
  let h: Harness;

  afterEach(async () => {
    await h?.close();
  });

  it('runs the whole schedule: notices on days 0, 3 and 5 in the outbox, suspended on day 7', async () => {
    h = await startHarness();
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    expect(await h.runDue()).to.deep.equal(new Date(h.clock.now().getTime() + 3 * DAY_MS));
    const [first] = await h.outbox();
    expect(first?.to).to.equal(EMAIL);
    expect(first?.subject).to.equal('Payment failed for invoice ACME-in_1');
    expect(first?.text).to.include('https://invoice.stripe.com/i/in_1').and.include('149.00 USD').and.include('2026-11-08');

    h.advanceDays(3);
    await h.runDue();
    h.advanceDays(2);
    await h.runDue();
    expect(await subjects(h)).to.deep.equal(['Payment failed for invoice ACME-in_1', 'Reminder: invoice ACME-in_1 is unpaid', 'Final warning: invoice ACME-in_1 is unpaid']);

    h.clock.advance(2 * DAY_MS - 1000);
    await h.runDue();
    expect(await h.dunningTypes()).not.to.include('AccessSuspended');
    h.clock.advance(1000);
    expect(await h.runDue()).to.equal(null);
    const events = await h.t.ledger.store.readStream(dunningStream(h.tenantId));
    const suspended = events.find((e) => e.type === 'AccessSuspended');
    expect(suspended?.data).to.deep.include({ tenantId: h.tenantId, invoiceId: 'in_1', at: T + 7 * 86_400 });
    for (const event of events) expect(event.metadata).to.have.keys('correlationId', 'causationId');
    expect(await h.outbox()).to.have.length(3);
  });

  it('paid on day 4: no more notices, no suspension', async () => {
    h = await startHarness();
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    await h.runDue();
    h.advanceDays(3);
    await h.runDue();
    h.advanceDays(1);
    await h.deliver(webhooks.paid(h.tenantId, 'in_1', { after: 4 * 86_400 }));
    expect(await h.runDue()).to.equal(null);
    h.advanceDays(10);
    await h.runDue();
    expect(await h.outbox()).to.have.length(2);
    const types = await h.dunningTypes();
    expect(types).to.include('DunningResolved');
    expect(types).not.to.include('AccessSuspended');
  });

  it('paid after the suspension: access restored', async () => {
    h = await startHarness();
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    for (const day of [0, 3, 2, 2]) {
      h.advanceDays(day);
      await h.runDue();
    }
    expect(await h.dunningTypes()).to.include('AccessSuspended');
    h.advanceDays(1);
    await h.deliver(webhooks.paid(h.tenantId, 'in_1', { after: 8 * 86_400 }));
    const types = await h.dunningTypes();
    expect(types.slice(-2)).to.deep.equal(['DunningResolved', 'AccessRestored']);
  });

  it('a deleted subscription: access revoked at the period end Stripe reports, not before', async () => {
    h = await startHarness();
    const periodEnd = T + 12 * 86_400;
    await h.deliver(webhooks.subscription(h.tenantId, 'deleted', { status: 'canceled', periodEnd }));
    expect(await h.runDue()).to.deep.equal(new Date(periodEnd * 1000));
    h.clock.set(new Date((periodEnd - 1) * 1000));
    await h.runDue();
    expect(await h.dunningTypes()).to.deep.equal(['AccessRevocationScheduled']);
    h.clock.advance(1000);
    expect(await h.runDue()).to.equal(null);
    expect(await h.dunningTypes()).to.deep.equal(['AccessRevocationScheduled', 'AccessRevoked']);
  });

  it('a restart in the middle repeats nothing and skips nothing', async () => {
    h = await startHarness();
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    await h.runDue();
    await h.restart();
    await h.runDue();
    h.advanceDays(4);
    await h.restart();
    await h.feed();
    await h.runDue();
    h.advanceDays(4);
    await h.restart();
    await h.runDue();
    await h.runDue();
    expect(await h.outbox()).to.have.length(3);
    expect(await h.dunningTypes()).to.deep.equal([
      'DunningStarted',
      ...['DunningNoticeSending', 'DunningNoticeSent'],
      ...['DunningNoticeSending', 'DunningNoticeSent'],
      ...['DunningNoticeSending', 'DunningNoticeSent'],
      'AccessSuspended',
    ]);
  });

  it('a send that fails is tried again by the same instance a minute later, under the claim it holds', async () => {
    let failing = true;
    h = await startHarness({
      mailer: (outbox): Mailer => ({ kind: outbox.kind, send: (message) => (failing ? Promise.reject(new Error('SMTP unreachable')) : outbox.send(message)) }),
    });
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    expect(await h.runDue()).to.deep.equal(new Date(h.clock.now().getTime() + 60_000));
    failing = false;
    h.clock.advance(60_000);
    await h.runDue();
    expect(await h.outbox()).to.have.length(1);
    expect(await h.dunningTypes()).to.deep.equal(['DunningStarted', 'DunningNoticeSending', 'DunningNoticeSent']);
  });

  for (const crash of ['before sending', 'after sending'] as const) {
    it(`a crash ${crash} the notice: the next instance leaves the claim to its holder for a while, then takes it over and sends once`, async () => {
      let crashing = true;
      h = await startHarness({
        mailer: (outbox): Mailer => ({
          kind: outbox.kind,
          async send(message) {
            if (crashing && crash === 'before sending') throw new Error('crashed before sending');
            const sent = await outbox.send(message);
            if (crashing) throw new Error('crashed after sending');
            return sent;
          },
        }),
      });
      await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
      const claimedAt = h.clock.now().getTime();
      await h.runDue();
      expect(await h.dunningTypes()).to.deep.equal(['DunningStarted', 'DunningNoticeSending']);
      expect(await h.outbox()).to.have.length(crash === 'after sending' ? 1 : 0);
      crashing = false;
      await h.restart();
      // The claim may belong to an instance still sending: the new one waits for the takeover.
      expect(await h.runDue()).to.deep.equal(new Date(claimedAt + CLAIM_TAKEOVER_SECONDS * 1000));
      expect(await h.dunningTypes()).to.deep.equal(['DunningStarted', 'DunningNoticeSending']);
      h.clock.set(new Date(claimedAt + CLAIM_TAKEOVER_SECONDS * 1000));
      await h.runDue();
      expect(await h.outbox()).to.have.length(1);
      expect(await h.dunningTypes()).to.deep.equal(['DunningStarted', 'DunningNoticeSending', 'DunningNoticeSending', 'DunningNoticeSent']);
    });
  }

  it('two instances at once: a notice the other instance is sending is not sent again', async () => {
    let sends = 0;
    let inMailer!: () => void;
    const entered = new Promise<void>((resolve) => (inMailer = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    h = await startHarness({
      mailer: (outbox): Mailer => ({
        kind: outbox.kind,
        async send(message) {
          if (++sends === 1) {
            inMailer();
            await released;
          }
          return outbox.send(message);
        },
      }),
    });
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    const first = h.process;
    await h.restart();
    const firstRun = first.runDue(h.context);
    await entered;
    // The first instance has claimed the notice and is in the mailer; the second looks now.
    await h.runDue();
    expect(sends, 'the second instance left the claimed notice to the first').to.equal(1);
    release();
    await firstRun;
    h.clock.advance(CLAIM_TAKEOVER_SECONDS * 1000);
    await Promise.all([h.runDue(), first.runDue(h.context)]);
    expect(sends).to.equal(1);
    expect(await h.outbox()).to.have.length(1);
    expect(await h.dunningTypes()).to.deep.equal(['DunningStarted', 'DunningNoticeSending', 'DunningNoticeSent']);
  });

  it('two instances at once: each notice is claimed and sent by one of them', async () => {
    let sends = 0;
    h = await startHarness({ mailer: (outbox): Mailer => ({ kind: outbox.kind, send: (message) => (sends++, outbox.send(message)) }) });
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    const other = h.process;
    await h.restart();
    await Promise.all([h.runDue(), other.runDue(h.context)]);
    await Promise.all([h.runDue(), other.runDue(h.context)]);
    expect(sends, 'the mailer is called by the instance whose claim landed, only').to.equal(1);
    expect(await h.outbox()).to.have.length(1);
    expect(await h.dunningTypes()).to.deep.equal(['DunningStarted', 'DunningNoticeSending', 'DunningNoticeSent']);
  });

  it('duplicate and out-of-order webhooks: a redelivery or a second failure does not restart; a payment delivered first stops the start', async () => {
    h = await startHarness();
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    await h.runDue();
    h.advanceDays(1);
    // Stripe's retry of the same invoice fails again a day later, and the first delivery comes again.
    await h.deliver(webhooks.failed(h.tenantId, 'in_1'), webhooks.failed(h.tenantId, 'in_1', { evt: 'evt_failed_in_1_retry', after: 86_400 }));
    await h.runDue();
    expect(await h.outbox()).to.have.length(1);
    expect((await h.dunningTypes()).filter((t) => t === 'DunningStarted')).to.have.length(1);

    // Another invoice: its payment arrives before the failure it settles.
    await h.deliver(webhooks.paid(h.tenantId, 'in_1', { after: 2 * 86_400 }));
    await h.deliver(webhooks.paid(h.tenantId, 'in_2', { after: 40 * 86_400 }), webhooks.failed(h.tenantId, 'in_2', { after: 40 * 86_400 - 60 }));
    h.advanceDays(10);
    await h.runDue();
    const types = await h.dunningTypes();
    expect(types.filter((t) => t === 'DunningStarted')).to.have.length(1);
    expect(await h.outbox()).to.have.length(1);
  });

  it('an invoice that fails while another is dunned gets its own notices once that one is paid', async () => {
    h = await startHarness();
    await h.deliver(webhooks.customer(h.tenantId), webhooks.failed(h.tenantId, 'in_1'));
    await h.runDue();
    h.advanceDays(1);
    // The next period's invoice fails too, while in_1's run is open.
    const next = { evt: 'evt_failed_in_2', invoice: 'in_2', tenant: h.tenantId, status: 'open', amountDue: 14_900, amountPaid: 0, currency: 'usd' };
    await h.deliver(invoiceEvent('2023-10', 'invoice.payment_failed', { ...next, created: T + 86_400, invoiceCreated: T + 3600, number: 'ACME-in_2' }));
    await h.runDue();
    expect(await subjects(h)).to.deep.equal(['Payment failed for invoice ACME-in_1']);
    h.advanceDays(1);
    await h.deliver(webhooks.paid(h.tenantId, 'in_1', { after: 2 * 86_400 }));
    await h.runDue();
    expect(await subjects(h)).to.deep.equal(['Payment failed for invoice ACME-in_1', 'Payment failed for invoice ACME-in_2']);
    expect((await h.dunningTypes()).filter((t) => t === 'DunningStarted' || t === 'DunningResolved')).to.deep.equal(['DunningStarted', 'DunningResolved', 'DunningStarted']);
  });

  it('a subscription that becomes active: one confirmation email', async () => {
    h = await startHarness();
    const periodEnd = T + 30 * 86_400;
    await h.deliver(
      webhooks.customer(h.tenantId),
      webhooks.subscription(h.tenantId, 'created', { status: 'incomplete', periodEnd }),
      webhooks.subscription(h.tenantId, 'updated', { status: 'active', periodEnd, after: 10 }),
    );
    await h.runDue();
    await h.deliver(webhooks.subscription(h.tenantId, 'updated', { status: 'active', periodEnd, after: 20 }));
    await h.restart();
    await h.runDue();
    const outbox = await h.outbox();
    expect(outbox.map((m) => [m.to, m.subject])).to.deep.equal([[EMAIL, 'Your subscription is active']]);
    expect(await h.dunningTypes()).to.deep.equal(['ActivationConfirmationRequested', 'ActivationConfirmationSending', 'ActivationConfirmed']);
  });
});
