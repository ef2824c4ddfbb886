import { expect } from 'chai';
import { invoiceEvent } from '../support/invoice-events.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

describe('alerts from webhooks (payment failure rate, failed deliveries)', function () {
  this.timeout(60_000);
  let t: TestLedger;
  let tenant: string;
  let n = 0;

  before(async () => {
    t = await startTestLedger({ ALERT_PAYMENT_FAILURE_MIN_ATTEMPTS: '4', ALERT_PAYMENT_FAILURE_RATE: '0.25', ALERT_WEBHOOK_FAILURES: '3' });
    tenant = (await t.ledger.tenants.create('Alerting Co')).tenant.id;
  });
  after(() => t.close());

  const invoice = (type: 'invoice.paid' | 'invoice.payment_failed') => {
    const id = `${Date.now()}_${n++}`;
    const paid = type === 'invoice.paid';
    return invoiceEvent('current', type, {
      evt: `evt_alert_${id}`, invoice: `in_alert_${id}`, tenant, status: paid ? 'paid' : 'open',
      amountDue: 2500, amountPaid: paid ? 2500 : 0, currency: 'eur', created: Math.floor(Date.now() / 1000),
    });
  };
  const metrics = async () => (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const alertLines = (alert: string) => t.logs.filter((l) => l.alert === alert);

  it('counts refused deliveries by reason and logs one error line once they reach the threshold', async () => {
    expect((await t.deliver(invoice('invoice.paid'), { secret: 'whsec_not_ours' })).status).to.equal(400);
    expect((await t.deliver({ hello: 'world' })).status).to.equal(400);
    expect(alertLines('webhook_failures')).to.deep.equal([]);
    expect((await t.deliver(invoice('invoice.paid'), { secret: 'whsec_not_ours' })).status).to.equal(400);
    expect((await t.deliver(invoice('invoice.paid'), { secret: 'whsec_not_ours' })).status).to.equal(400);
    const text = await metrics();
    expect(text).to.include('ledger_webhook_failures_total{reason="invalid_signature"} 3');
    expect(text).to.include('ledger_webhook_failures_total{reason="invalid_payload"} 1');
    expect(text).to.include('ledger_alert_firing{alert="webhook_failures"} 1');
    expect(alertLines('webhook_failures').map((l) => [l.level, l.msg])).to.deep.equal([[50, 'alert: webhook deliveries failing']]);
  });

  it('logs one error line when the failure rate of ingested payments crosses the threshold, and not for redeliveries', async () => {
    for (const type of ['invoice.paid', 'invoice.paid', 'invoice.paid', 'invoice.payment_failed'] as const) {
      expect((await t.deliver(invoice(type))).status).to.equal(200);
    }
    expect(alertLines('payment_failure_rate')).to.deep.equal([]); // 1 in 4: not above 25%
    const failure = invoice('invoice.payment_failed');
    await t.deliver(failure);
    await t.deliver(failure); // a redelivery is no new attempt
    await t.deliver(invoice('invoice.payment_failed'));
    expect(alertLines('payment_failure_rate').map((l) => [l.level, l.failed, l.attempts])).to.deep.equal([[50, 2, 5]]);
    const text = await metrics();
    expect(text).to.include('ledger_payment_failure_rate 0.5');
    expect(text).to.include('ledger_payment_attempts_total{outcome="failed"} 3');
    expect(text).to.include('ledger_payment_attempts_total{outcome="succeeded"} 3');
    expect(text).to.include('ledger_alert_firing{alert="payment_failure_rate"} 1');
  });
});
