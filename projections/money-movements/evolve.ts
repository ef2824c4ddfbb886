import type { DomainEvent, DomainEventOf } from '../../domain/events/catalogue.ts';
import type { DisputeSnapshot } from '../../domain/events/dispute-events.ts';
import { uuidV5 } from '../../domain/ids.ts';
import { BatchRows } from '../batch-rows.ts';
import { fromUnixSeconds } from '../time.ts';
import type { MoneyMovementRow, MovementKind, PaymentFactRow } from './rows.ts';

const MOVEMENT_ROW_NAMESPACE = '5d7f2c1a-9b3e-5f40-8a61-3c2e9d4b7a18';

export const MONEY_MOVEMENT_EVENT_TYPES = [
  'InvoicePaid',
  'InvoicePaymentSucceeded',
  'InvoicePaymentPaid',
  'PaymentIntentSucceeded',
  'PaymentIntentPaymentFailed',
  'ChargeRefunded',
  'ChargeDisputeCreated',
  'ChargeDisputeUpdated',
  'ChargeDisputeClosed',
  'CreditNoteCreated',
  'CreditNoteVoided',
] as const;

export function movementRowId(movementKey: string): string {
  return uuidV5(movementKey, MOVEMENT_ROW_NAMESPACE);
}

/** Both tables as a batch sees them: movements by movement_key, payment facts by stripe_id. */
export interface MovementRows {
  readonly movements: BatchRows<MoneyMovementRow>;
  readonly facts: BatchRows<PaymentFactRow>;
}

export function movementRows(read: { movements?: MoneyMovementRow[]; facts?: PaymentFactRow[] } = {}): MovementRows {
  return {
    movements: new BatchRows((row) => row.movement_key, read.movements),
    facts: new BatchRows((row) => row.stripe_id, read.facts),
  };
}

/** Stripe ids through which events reach rows: invoices, payment intents, charges, and disputes or credit notes. */
export interface MovementIds {
  readonly invoice: Set<string>;
  readonly paymentIntent: Set<string>;
  readonly charge: Set<string>;
  readonly object: Set<string>;
}

export function emptyMovementIds(): MovementIds {
  return { invoice: new Set(), paymentIntent: new Set(), charge: new Set(), object: new Set() };
}

type IdColumns = Pick<MoneyMovementRow, 'stripe_invoice_id' | 'stripe_payment_intent_id' | 'stripe_charge_id'>;

export function addMovementIds(ids: MovementIds, row: IdColumns & { stripe_object_id?: string | null }): void {
  const add = (set: Set<string>, id: string | null | undefined) => id && set.add(id);
  add(ids.invoice, row.stripe_invoice_id);
  add(ids.paymentIntent, row.stripe_payment_intent_id);
  add(ids.charge, row.stripe_charge_id);
  add(ids.object, row.stripe_object_id);
}

export function movementIdsOf(events: readonly DomainEvent[]): MovementIds {
  const ids = emptyMovementIds();
  for (const event of events) {
    switch (event.type) {
      case 'InvoicePaid':
      case 'InvoicePaymentSucceeded': {
        const { invoice } = event.data;
        addMovementIds(ids, { stripe_invoice_id: invoice.id, stripe_payment_intent_id: invoice.paymentIntentId, stripe_charge_id: invoice.chargeId });
        break;
      }
      case 'InvoicePaymentPaid': {
        const p = event.data.invoicePayment;
        addMovementIds(ids, { stripe_invoice_id: p.invoiceId, stripe_payment_intent_id: p.paymentIntentId, stripe_charge_id: p.chargeId });
        break;
      }
      case 'PaymentIntentSucceeded':
      case 'PaymentIntentPaymentFailed': {
        const pi = event.data.paymentIntent;
        addMovementIds(ids, { stripe_invoice_id: pi.invoiceId, stripe_payment_intent_id: pi.id, stripe_charge_id: pi.chargeId });
        break;
      }
      case 'ChargeRefunded': {
        const { charge } = event.data;
        addMovementIds(ids, { stripe_invoice_id: charge.invoiceId, stripe_payment_intent_id: charge.paymentIntentId, stripe_charge_id: charge.id });
        break;
      }
      case 'ChargeDisputeCreated':
      case 'ChargeDisputeUpdated':
      case 'ChargeDisputeClosed': {
        const { dispute } = event.data;
        addMovementIds(ids, { stripe_invoice_id: null, stripe_payment_intent_id: dispute.paymentIntentId, stripe_charge_id: dispute.chargeId, stripe_object_id: dispute.id });
        break;
      }
      case 'CreditNoteCreated':
      case 'CreditNoteVoided': {
        const note = event.data.creditNote;
        addMovementIds(ids, { stripe_invoice_id: note.invoiceId, stripe_payment_intent_id: null, stripe_charge_id: null, stripe_object_id: note.id });
        break;
      }
    }
  }
  return ids;
}

/**
 * Folds a batch's events, in log order, over the rows it read, then settles what depends on more
 * than one event (refund sizes, a payment's fee and ids, links to the paid invoice). Settling is
 * a function of the rows alone, so any delivery order, and any redelivery, ends in the same rows.
 */
export function foldMoneyMovements(rows: MovementRows, events: readonly DomainEvent[]): void {
  for (const event of events) {
    if (event.data.tenantId === null) continue;
    applyEvent(rows, event);
  }
  settle(rows);
}

type Stripe = DomainEventOf<'InvoicePaid'>['data']['stripe'];

interface MovementFacts {
  kind: MovementKind;
  status: string;
  amount: bigint;
  net: bigint;
  currency: string;
  occurredAt: Date;
  ids: IdColumns;
  objectId?: string | null;
  fee?: bigint | null;
  reason?: string | null;
  failureMessage?: string | null;
}

/** A row for `key` with `facts`, keeping its tenant and any id an earlier event already knew. */
function movement(current: MoneyMovementRow | undefined, key: string, tenantId: string, customerId: string | null, stripe: Stripe, facts: MovementFacts): MoneyMovementRow {
  return {
    id: movementRowId(key),
    movement_key: key,
    // A row never moves to another tenant, whatever a later event's metadata says.
    tenant_id: current?.tenant_id ?? tenantId,
    kind: facts.kind,
    status: facts.status,
    amount_minor: facts.amount,
    net_minor: facts.net,
    currency: facts.currency,
    fee_minor: facts.fee ?? current?.fee_minor ?? null,
    application_fee_minor: current?.application_fee_minor ?? null,
    livemode: stripe.livemode,
    occurred_at: facts.occurredAt,
    stripe_customer_id: customerId ?? current?.stripe_customer_id ?? null,
    stripe_invoice_id: facts.ids.stripe_invoice_id ?? current?.stripe_invoice_id ?? null,
    stripe_payment_intent_id: facts.ids.stripe_payment_intent_id ?? current?.stripe_payment_intent_id ?? null,
    stripe_charge_id: facts.ids.stripe_charge_id ?? current?.stripe_charge_id ?? null,
    stripe_object_id: facts.objectId ?? current?.stripe_object_id ?? null,
    reason: facts.reason ?? null,
    failure_message: facts.failureMessage ?? null,
    stripe_event_id: stripe.eventId,
    last_event_created: fromUnixSeconds(stripe.created),
  };
}

/** Stripe delivers out of order: an event older than the one that wrote a row does not overwrite it. */
function isOlder(current: MoneyMovementRow | undefined, stripe: Stripe): boolean {
  return current !== undefined && stripe.created * 1000 < current.last_event_created.getTime();
}

function applyEvent(rows: MovementRows, event: DomainEvent): void {
  const set = (key: string, tenantId: string, customerId: string | null, stripe: Stripe, facts: MovementFacts) => {
    const current = rows.movements.get(key);
    if (!isOlder(current, stripe)) rows.movements.set(movement(current, key, tenantId, customerId, stripe, facts));
  };
  switch (event.type) {
    case 'InvoicePaid':
    case 'InvoicePaymentSucceeded': {
      const { invoice, stripe, tenantId, customerId } = event.data;
      // A $0 invoice (a trial, a fully credited period) moves no money.
      if (invoice.amountPaid === 0) return;
      const amount = BigInt(invoice.amountPaid);
      set(`payment:${invoice.id}`, tenantId!, customerId, stripe, {
        kind: 'payment',
        status: 'succeeded',
        amount,
        net: amount,
        currency: invoice.currency,
        occurredAt: fromUnixSeconds(invoice.paidAt ?? stripe.created),
        ids: { stripe_invoice_id: invoice.id, stripe_payment_intent_id: invoice.paymentIntentId, stripe_charge_id: invoice.chargeId },
      });
      return;
    }
    case 'InvoicePaymentPaid': {
      const p = event.data.invoicePayment;
      mergeFact(rows, { stripe_id: p.invoiceId, tenant_id: event.data.tenantId!, stripe_invoice_id: p.invoiceId, stripe_payment_intent_id: p.paymentIntentId, stripe_charge_id: p.chargeId, fee_minor: null, application_fee_minor: null });
      return;
    }
    case 'PaymentIntentSucceeded': {
      const pi = event.data.paymentIntent;
      mergeFact(rows, {
        stripe_id: pi.id,
        tenant_id: event.data.tenantId!,
        stripe_invoice_id: pi.invoiceId,
        stripe_payment_intent_id: pi.id,
        stripe_charge_id: pi.chargeId,
        fee_minor: pi.stripeFee === null ? null : BigInt(pi.stripeFee),
        application_fee_minor: pi.applicationFee === null ? null : BigInt(pi.applicationFee),
      });
      return;
    }
    case 'PaymentIntentPaymentFailed': {
      const { paymentIntent: pi, stripe, tenantId, customerId } = event.data;
      // One row per attempt: its charge, or without one the intent at the time it failed.
      set(`failed_payment:${pi.chargeId ?? `${pi.id}@${stripe.created}`}`, tenantId!, customerId, stripe, {
        kind: 'failed_payment',
        status: 'failed',
        amount: BigInt(pi.amount),
        net: 0n,
        currency: pi.currency,
        occurredAt: fromUnixSeconds(stripe.created),
        ids: { stripe_invoice_id: pi.invoiceId, stripe_payment_intent_id: pi.id, stripe_charge_id: pi.chargeId },
        reason: pi.declineCode ?? pi.failureCode,
        failureMessage: pi.failureMessage,
      });
      return;
    }
    case 'ChargeRefunded': {
      const { charge, stripe, tenantId, customerId } = event.data;
      if (charge.amountRefunded === 0) return;
      // amount_refunded is cumulative: each total the charge reached is one refund; settle() sizes it.
      setEarliest(rows, `refund:${charge.id}:${charge.amountRefunded}`, tenantId!, customerId, stripe, {
        kind: 'refund',
        status: 'succeeded',
        amount: BigInt(charge.amountRefunded),
        net: -BigInt(charge.amountRefunded),
        currency: charge.currency,
        occurredAt: fromUnixSeconds(stripe.created),
        ids: { stripe_invoice_id: charge.invoiceId, stripe_payment_intent_id: charge.paymentIntentId, stripe_charge_id: charge.id },
      });
      return;
    }
    case 'ChargeDisputeCreated':
    case 'ChargeDisputeUpdated':
    case 'ChargeDisputeClosed':
      applyDispute(rows, event.data.dispute, event.data.tenantId!, event.data.customerId, event.data.stripe);
      return;
    case 'CreditNoteCreated':
    case 'CreditNoteVoided': {
      const { creditNote: note, stripe, tenantId, customerId } = event.data;
      const key = `credit_note:${note.id}`;
      const current = rows.movements.get(key);
      // A voided credit note stays void, whichever delivery comes last.
      const status = current?.status === 'void' || event.type === 'CreditNoteVoided' ? 'void' : note.status;
      rows.movements.set(
        movement(current, key, tenantId!, customerId, stripe, {
          kind: 'credit_note',
          status,
          amount: BigInt(note.total),
          net: 0n,
          currency: note.currency,
          occurredAt: fromUnixSeconds(note.created),
          ids: { stripe_invoice_id: note.invoiceId, stripe_payment_intent_id: null, stripe_charge_id: null },
          objectId: note.id,
          reason: note.reason,
        }),
      );
      return;
    }
  }
}

const DISPUTE_OUTCOMES: Record<string, MovementKind> = { won: 'dispute_won', lost: 'dispute_lost' };
const CLOSED_DISPUTE_STATUSES = new Set(['won', 'lost', 'warning_closed', 'prevented']);

/**
 * A dispute's opening row follows its latest status (a closed status is never reopened by an
 * older delivery); its outcome, once Stripe reports one, is a row of its own dated when first seen.
 */
function applyDispute(rows: MovementRows, dispute: DisputeSnapshot, tenantId: string, customerId: string | null, stripe: Stripe): void {
  const ids = { stripe_invoice_id: null, stripe_payment_intent_id: dispute.paymentIntentId, stripe_charge_id: dispute.chargeId };
  const amount = BigInt(dispute.amount);
  const fee = dispute.fee === null ? null : BigInt(dispute.fee);
  const key = `dispute:${dispute.id}`;
  const current = rows.movements.get(key);
  const closedBefore = current !== undefined && CLOSED_DISPUTE_STATUSES.has(current.status);
  const reopens = closedBefore && !CLOSED_DISPUTE_STATUSES.has(dispute.status);
  if (!reopens && !(isOlder(current, stripe) && (closedBefore || !CLOSED_DISPUTE_STATUSES.has(dispute.status)))) {
    rows.movements.set(
      movement(current, key, tenantId, customerId, stripe, {
        kind: 'dispute_opened',
        status: dispute.status,
        amount,
        net: 0n,
        currency: dispute.currency,
        occurredAt: fromUnixSeconds(dispute.created),
        ids,
        objectId: dispute.id,
        fee,
        reason: dispute.reason,
      }),
    );
  }
  const outcome = DISPUTE_OUTCOMES[dispute.status];
  if (!outcome) return;
  setEarliest(rows, `${outcome}:${dispute.id}`, tenantId, customerId, stripe, {
    kind: outcome,
    status: dispute.status,
    amount,
    // A won dispute gives back what the opening held; a lost one keeps it from the tenant.
    net: outcome === 'dispute_lost' ? -amount : 0n,
    currency: dispute.currency,
    occurredAt: fromUnixSeconds(stripe.created),
    ids,
    objectId: dispute.id,
    reason: dispute.reason,
  });
}

/**
 * For a fact that happened once (a refund, a dispute's outcome) and may be reported by several
 * deliveries: the earliest report dates it; later ones only add ids it did not name.
 */
function setEarliest(rows: MovementRows, key: string, tenantId: string, customerId: string | null, stripe: Stripe, facts: MovementFacts): void {
  const current = rows.movements.get(key);
  if (current && current.last_event_created.getTime() <= stripe.created * 1000) {
    const filled = { ...current, stripe_invoice_id: current.stripe_invoice_id ?? facts.ids.stripe_invoice_id, stripe_payment_intent_id: current.stripe_payment_intent_id ?? facts.ids.stripe_payment_intent_id };
    if (!sameRow(current, filled)) rows.movements.set(filled);
    return;
  }
  rows.movements.set(movement(current, key, tenantId, customerId, stripe, facts));
}

/** What a fact says keeps what an earlier one said where it says nothing. */
function mergeFact(rows: MovementRows, fact: PaymentFactRow): void {
  const known = rows.facts.get(fact.stripe_id);
  if (!known) return rows.facts.set(fact);
  const merged: PaymentFactRow = {
    ...known,
    stripe_invoice_id: fact.stripe_invoice_id ?? known.stripe_invoice_id,
    stripe_payment_intent_id: fact.stripe_payment_intent_id ?? known.stripe_payment_intent_id,
    stripe_charge_id: fact.stripe_charge_id ?? known.stripe_charge_id,
    fee_minor: fact.fee_minor ?? known.fee_minor,
    application_fee_minor: fact.application_fee_minor ?? known.application_fee_minor,
  };
  if (!sameRow(known, merged)) rows.facts.set(merged);
}

function settle(rows: MovementRows): void {
  const all = rows.movements.all();
  const facts = rows.facts.all();
  const update = (row: MoneyMovementRow, next: MoneyMovementRow) => {
    if (!sameRow(row, next)) rows.movements.set(next);
  };
  // A payment takes its intent and charge from the invoice_payment, its fee from the intent.
  for (const payment of all.filter((row) => row.kind === 'payment')) {
    const sameTenant = facts.filter((fact) => sameUuid(fact.tenant_id, payment.tenant_id));
    const byInvoice = sameTenant.find((fact) => fact.stripe_id === payment.stripe_invoice_id);
    const intentId = payment.stripe_payment_intent_id ?? byInvoice?.stripe_payment_intent_id ?? sameTenant.find((f) => f.stripe_invoice_id === payment.stripe_invoice_id && f.stripe_id === f.stripe_payment_intent_id)?.stripe_id ?? null;
    const intent = intentId ? sameTenant.find((fact) => fact.stripe_id === intentId) : undefined;
    update(payment, {
      ...payment,
      stripe_payment_intent_id: intentId,
      stripe_charge_id: payment.stripe_charge_id ?? byInvoice?.stripe_charge_id ?? intent?.stripe_charge_id ?? null,
      fee_minor: intent?.fee_minor ?? payment.fee_minor,
      application_fee_minor: intent?.application_fee_minor ?? payment.application_fee_minor,
    });
  }
  const settled = rows.movements.all();
  const payments = settled.filter((row) => row.kind === 'payment');
  // Each refund is the step from the charge's previous refunded total to its own.
  const refundsByCharge = new Map<string, MoneyMovementRow[]>();
  for (const refund of settled.filter((row) => row.kind === 'refund')) {
    const charge = `${refund.tenant_id.toLowerCase()} ${refund.stripe_charge_id}`;
    refundsByCharge.set(charge, [...(refundsByCharge.get(charge) ?? []), refund]);
  }
  for (const refunds of refundsByCharge.values()) {
    let previous = 0n;
    for (const refund of refunds.sort((a, b) => (refundedTotal(a) < refundedTotal(b) ? -1 : 1))) {
      const total = refundedTotal(refund);
      update(refund, { ...refund, amount_minor: total - previous, net_minor: previous - total });
      previous = total;
    }
  }
  // Refunds, disputes and failures name a charge or intent; the payment sharing it names the invoice.
  for (const row of rows.movements.all()) {
    if (row.kind === 'payment' || row.kind === 'credit_note' || row.stripe_invoice_id !== null) continue;
    const paid = payments.find((p) => sameUuid(p.tenant_id, row.tenant_id) && sharesId(p, row));
    if (paid) update(row, { ...row, stripe_invoice_id: paid.stripe_invoice_id, stripe_payment_intent_id: row.stripe_payment_intent_id ?? paid.stripe_payment_intent_id });
  }
}

function refundedTotal(refund: MoneyMovementRow): bigint {
  return BigInt(refund.movement_key.slice(refund.movement_key.lastIndexOf(':') + 1));
}

function sharesId(a: IdColumns, b: IdColumns): boolean {
  const same = (x: string | null, y: string | null) => x !== null && x === y;
  return same(a.stripe_charge_id, b.stripe_charge_id) || same(a.stripe_payment_intent_id, b.stripe_payment_intent_id);
}

/** Postgres compares uuid values, not their spelling. */
function sameUuid(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameRow<T extends object>(a: T, b: T): boolean {
  return Object.keys(b).every((key) => {
    const x = a[key as keyof T];
    const y = b[key as keyof T];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}
