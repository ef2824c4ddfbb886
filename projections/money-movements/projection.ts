import { TENANT_STREAM_PREFIX } from '../../domain/routing/streams.ts';
import type { Projection, ProjectionDb } from '../projection.ts';
import { selectRowsMatching, upsertRows } from '../row-queries.ts';
import { addMovementIds, foldMoneyMovements, MONEY_MOVEMENT_EVENT_TYPES, movementIdsOf, movementRows, type MovementIds, type MovementRows } from './evolve.ts';
import type { MoneyMovementRow, PaymentFactRow } from './rows.ts';
import { createMoneyMovementIndexes, createMoneyMovementTables } from './tables.ts';

/** One row per money movement of every tenant: payments, refunds, disputes, failed attempts, credit notes. */
export const moneyMovementsProjection: Projection = {
  name: 'money_movements',
  version: 1,
  streamPrefixes: [TENANT_STREAM_PREFIX],
  tables: ['money_movements', 'money_movement_payment_facts'],
  eventTypes: new Set(MONEY_MOVEMENT_EVENT_TYPES),
  createTables: createMoneyMovementTables,
  createIndexes: createMoneyMovementIndexes,

  async applyBatch(db, events) {
    const domainEvents = events.map(({ event }) => event);
    const rows = await readRows(db, movementIdsOf(domainEvents));
    foldMoneyMovements(rows, domainEvents);
    await upsertRows(db, 'money_movement_payment_facts', 'stripe_id', rows.facts.written());
    await upsertRows(db, 'money_movements', 'id', rows.movements.written());
  },
};

/**
 * Every row settling the batch can read. A payment reaches its refunds and disputes through its
 * intent and charge, which current API versions name only in the invoice_payment or intent facts,
 * so the ids found in a first read widen a second one.
 */
async function readRows(db: ProjectionDb, ids: MovementIds): Promise<MovementRows> {
  let facts: PaymentFactRow[] = [];
  let movements: MoneyMovementRow[] = [];
  for (let round = 0; round < 2; round++) {
    facts = await selectRowsMatching<PaymentFactRow>(db, 'money_movement_payment_facts', {
      stripe_id: [...ids.invoice, ...ids.paymentIntent],
      stripe_invoice_id: ids.invoice,
      stripe_payment_intent_id: ids.paymentIntent,
    });
    for (const fact of facts) addMovementIds(ids, fact);
    movements = await selectRowsMatching<MoneyMovementRow>(db, 'money_movements', {
      stripe_invoice_id: ids.invoice,
      stripe_payment_intent_id: ids.paymentIntent,
      stripe_charge_id: ids.charge,
      stripe_object_id: ids.object,
    });
    for (const movement of movements) addMovementIds(ids, movement);
  }
  return movementRows({ movements, facts });
}
