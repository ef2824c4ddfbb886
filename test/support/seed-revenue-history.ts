import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { openLedger, type Ledger } from '../../src/ledger.ts';
import { suiteCliStore } from './cli-store.ts';
import { CUSTOMERS, LATE_EVENT_RECORDED_AT, revenueHistory, type Customer } from './revenue-history.ts';

export interface SeededHistory {
  readonly tenantIds: Record<Customer, string>;
  /** An instant after every event but the late one was recorded, and before it was. */
  readonly beforeLateEvent: Date;
}

/**
 * The revenue history in a real ledger's log, each customer a tenant: every event recorded now
 * (so all of them after their month), the late one last, after `beforeLateEvent`.
 */
export async function seedRevenueHistory(ledger: Pick<Ledger, 'tenants' | 'store'>): Promise<SeededHistory> {
  const tenantIds = {} as Record<Customer, string>;
  for (const customer of CUSTOMERS) tenantIds[customer] = (await ledger.tenants.create(`Customer ${customer}`)).tenant.id;
  const history = revenueHistory(tenantIds);
  const late = history.filter((e) => e.recordedAt === LATE_EVENT_RECORDED_AT);
  const append = async (events: typeof history) => {
    for (const e of events) await ledger.store.append(`tenant-${tenantIds[e.customer]}`, [{ id: randomUUID(), type: e.type, data: e.data }]);
  };
  await append(history.filter((e) => !late.includes(e)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const beforeLateEvent = new Date();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await append(late);
  return { tenantIds, beforeLateEvent };
}

/**
 * Mocha hooks giving the suite a store for `ledger` child processes (see suiteCliStore) with the
 * revenue history in its log. Returns the environment and the seeded ids, once `before` has run.
 */
export function suiteCliStoreWithRevenueHistory(prefix: string): () => { env: NodeJS.ProcessEnv; seeded: SeededHistory } {
  const store = suiteCliStore(prefix, { STRIPE_WEBHOOK_SIGNING_SECRET: 'whsec_revenue_history_cli', LOG_LEVEL: 'warn' });
  let seeded: SeededHistory | undefined;
  before(async () => {
    const ledger = await openLedger(loadConfig(store()), { command: 'test setup' });
    try {
      seeded = await seedRevenueHistory(ledger);
    } finally {
      await ledger.close();
    }
  });
  return () => {
    if (!seeded) throw new Error('the history is seeded in a before hook: use it in a test or a later hook');
    return { env: store(), seeded };
  };
}
