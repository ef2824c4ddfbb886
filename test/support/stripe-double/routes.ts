import { checkParams, invalid, missing, type DoubleSubscription, type StripeObject } from './resources.ts';

const DAY = 86_400;

/** What the double holds; tests read it to assert what Stripe would have. */
export interface StripeDoubleState {
  readonly customers: Map<string, StripeObject>;
  readonly checkoutSessions: Map<string, StripeObject>;
  readonly portalSessions: Map<string, StripeObject>;
  readonly subscriptions: Map<string, DoubleSubscription>;
  readonly schedules: Map<string, StripeObject & { subscription: string; phases: { start_date: number; end_date: number | null; items: unknown[] }[] }>;
}

export function emptyState(): StripeDoubleState {
  return { customers: new Map(), checkoutSessions: new Map(), portalSessions: new Map(), subscriptions: new Map(), schedules: new Map() };
}

let counter = 0;
const newId = (prefix: string) => `${prefix}_double${(++counter).toString(36).padStart(6, '0')}`;
const now = () => Math.floor(Date.now() / 1000);

/** A subscription as a completed checkout would leave it, for tests to start from. */
export function seedSubscription(state: StripeDoubleState, fields: { customer: string; priceId: string; tenantId: string; periodStart?: number }): DoubleSubscription {
  const start = fields.periodStart ?? now();
  const subscription: DoubleSubscription = {
    id: newId('sub'),
    object: 'subscription',
    customer: fields.customer,
    status: 'active',
    cancel_at_period_end: false,
    cancel_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    metadata: { tenant_id: fields.tenantId },
    schedule: null,
    items: { object: 'list', data: [{ id: newId('si'), object: 'subscription_item', price: { id: fields.priceId, object: 'price' }, quantity: 1, current_period_start: start, current_period_end: start + 30 * DAY }] },
  };
  state.subscriptions.set(subscription.id, subscription);
  return subscription;
}

type Handler = (state: StripeDoubleState, params: Record<string, unknown>, id: string | undefined) => unknown;

const isUrl = (value: unknown) => typeof value === 'string' && URL.canParse(value);

const routes: Record<string, Handler> = {
  'POST /v1/customers': (state, params) => {
    checkParams(params, ['name', 'email', 'metadata']);
    const customer = { id: newId('cus'), object: 'customer', name: params.name ?? null, email: params.email ?? null, metadata: params.metadata ?? {} };
    state.customers.set(customer.id, customer);
    return customer;
  },

  'POST /v1/checkout/sessions': (state, params) => {
    checkParams(
      params,
      ['mode', 'customer', 'client_reference_id', 'line_items', 'subscription_data', 'metadata', 'allow_promotion_codes', 'billing_address_collection', 'success_url', 'cancel_url', 'automatic_tax', 'customer_update'],
      ['mode', 'line_items', 'success_url'],
    );
    if (!['payment', 'setup', 'subscription'].includes(params.mode as string)) throw invalid(`Invalid mode: ${String(params.mode)}`, 'mode');
    if (!isUrl(params.success_url)) throw invalid('Not a valid URL', 'success_url', 'url_invalid');
    if (params.cancel_url !== undefined && !isUrl(params.cancel_url)) throw invalid('Not a valid URL', 'cancel_url', 'url_invalid');
    if (params.customer !== undefined && !state.customers.has(params.customer as string)) throw missing(params.customer as string, 'customer');
    const items = params.line_items as { price?: string; quantity?: string }[];
    if (!Array.isArray(items) || !items.every((item) => item.price && item.quantity)) throw invalid('Each line item needs a price and a quantity', 'line_items');
    const session = { id: newId('cs_test'), object: 'checkout.session', ...params, url: '' };
    session.url = `https://checkout.stripe.test/c/pay/${session.id}`;
    state.checkoutSessions.set(session.id, session);
    return session;
  },

  'POST /v1/billing_portal/sessions': (state, params) => {
    checkParams(params, ['customer', 'return_url', 'configuration', 'locale'], ['customer']);
    if (!state.customers.has(params.customer as string)) throw missing(params.customer as string, 'customer');
    if (params.return_url !== undefined && !isUrl(params.return_url)) throw invalid('Not a valid URL', 'return_url', 'url_invalid');
    const session = { id: newId('bps'), object: 'billing_portal.session', customer: params.customer, return_url: params.return_url ?? null, url: '' };
    session.url = `https://billing.stripe.test/p/session/${session.id}`;
    state.portalSessions.set(session.id, session);
    return session;
  },

  'GET /v1/subscriptions/:id': (state, params, id) => {
    checkParams(params, ['expand']);
    return subscription(state, id!);
  },

  'POST /v1/subscriptions/:id': (state, params, id) => {
    checkParams(params, ['cancel_at_period_end', 'cancellation_details', 'items', 'proration_behavior', 'metadata']);
    const sub = subscription(state, id!);
    if (params.cancel_at_period_end !== undefined) {
      if (!['true', 'false'].includes(params.cancel_at_period_end as string)) throw invalid('Invalid boolean', 'cancel_at_period_end');
      sub.cancel_at_period_end = params.cancel_at_period_end === 'true';
      sub.cancel_at = sub.cancel_at_period_end ? sub.items.data[0]!.current_period_end : null;
    }
    const details = params.cancellation_details as { comment?: string } | undefined;
    if (details) sub.cancellation_details.comment = details.comment ?? null;
    if (params.proration_behavior !== undefined && !['create_prorations', 'none', 'always_invoice'].includes(params.proration_behavior as string)) {
      throw invalid('Invalid proration_behavior', 'proration_behavior');
    }
    if (params.items !== undefined) {
      if (sub.schedule) throw invalid('The subscription is managed by the subscription schedule; release it first.', 'items');
      for (const change of params.items as { id?: string; price?: string; quantity?: string }[]) {
        const item = sub.items.data.find((i) => i.id === change.id);
        if (!item) throw missing(change.id ?? '', 'items[0][id]');
        if (change.price) item.price = { id: change.price, object: 'price' };
        if (change.quantity) item.quantity = Number(change.quantity);
      }
    }
    return sub;
  },

  'POST /v1/subscription_schedules': (state, params) => {
    checkParams(params, ['from_subscription', 'customer', 'phases', 'end_behavior'], ['from_subscription']);
    const sub = subscription(state, params.from_subscription as string);
    if (sub.schedule) throw invalid(`You cannot migrate a subscription that is already attached to a schedule: \`${sub.schedule}\`.`, 'from_subscription');
    const item = sub.items.data[0]!;
    const schedule = {
      id: newId('sub_sched'),
      object: 'subscription_schedule',
      subscription: sub.id,
      end_behavior: 'release',
      status: 'active',
      phases: [{ start_date: item.current_period_start, end_date: item.current_period_end, items: [{ price: item.price.id, quantity: item.quantity }] }],
    };
    state.schedules.set(schedule.id, schedule);
    sub.schedule = schedule.id;
    return schedule;
  },

  'GET /v1/subscription_schedules/:id': (state, params, id) => {
    checkParams(params, ['expand']);
    return schedule(state, id!);
  },

  'POST /v1/subscription_schedules/:id': (state, params, id) => {
    checkParams(params, ['phases', 'end_behavior', 'proration_behavior']);
    const found = schedule(state, id!);
    if (params.end_behavior !== undefined && !['release', 'cancel', 'none', 'renew'].includes(params.end_behavior as string)) throw invalid('Invalid end_behavior', 'end_behavior');
    const phases = params.phases as { items?: { price?: string }[]; start_date?: string; end_date?: string }[] | undefined;
    if (phases) {
      if (!phases.every((phase) => phase.items?.every((item) => item.price))) throw invalid('Each phase item needs a price', 'phases');
      if (String(phases[0]?.start_date) !== String(found.phases[0]!.start_date)) throw invalid('You can not modify the start date of the current phase.', 'phases[0][start_date]');
      found.phases = phases.map((phase) => ({ start_date: Number(phase.start_date ?? 0), end_date: phase.end_date ? Number(phase.end_date) : null, items: phase.items ?? [] }));
    }
    if (params.end_behavior) found.end_behavior = params.end_behavior;
    return found;
  },

  'POST /v1/subscription_schedules/:id/release': (state, params, id) => {
    checkParams(params, ['preserve_cancel_date']);
    const found = schedule(state, id!);
    found.status = 'released';
    const sub = state.subscriptions.get(found.subscription);
    if (sub) sub.schedule = null;
    return found;
  },
};

function subscription(state: StripeDoubleState, id: string): DoubleSubscription {
  const found = state.subscriptions.get(id);
  if (!found) throw missing(id);
  return found;
}

function schedule(state: StripeDoubleState, id: string) {
  const found = state.schedules.get(id);
  if (!found) throw missing(id);
  return found;
}

/** The handler for a method and path, with the path's object id; undefined for a path the double does not serve. */
export function findRoute(method: string, path: string): { handler: Handler; id: string | undefined } | undefined {
  for (const [pattern, handler] of Object.entries(routes)) {
    const [routeMethod, routePath] = pattern.split(' ') as [string, string];
    if (routeMethod !== method) continue;
    const match = new RegExp(`^${routePath.replace(':id', '([^/]+)')}$`).exec(path);
    if (match) return { handler, id: match[1] };
  }
  return undefined;
}
