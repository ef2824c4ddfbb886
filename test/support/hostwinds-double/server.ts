import { startHttpDouble, type HttpAnswer, type HttpDouble, type HttpDoubleRequest } from '../http-double.ts';

export const HOSTWINDS_DOUBLE_KEY = 'hostwinds-double-api-key';

export interface HostwindsDoubleInstance {
  readonly serviceid: number;
  readonly srvrname: string;
  readonly location_id: string;
  readonly rid: string;
  readonly template: string;
  main_ip: string | null;
  status: 'pending' | 'active';
  /** get_instance reads so far. */
  polls: number;
  /** get_instance_ids reads that did not list it yet. */
  hiddenFor: number;
  readonly rdns: Map<string, string>;
}

export interface HostwindsDoubleOptions {
  /** get_instance reads of a new server before it has its address (default 0: at once). */
  readonly ipAfterPolls?: number;
  /** get_instance_ids reads that do not list a new server yet (default 0). */
  readonly listingLag?: number;
}

export interface HostwindsDouble extends HttpDouble {
  readonly instances: Map<number, HostwindsDoubleInstance>;
  /** The form parameters of each request, the API key left out. */
  actions(): { action: string; params: Record<string, string> }[];
}

/** Matches the requests of one action, for `fail(..., { matching })`. */
export const hostwindsAction = (action: string) => (request: HttpDoubleRequest) => new URLSearchParams(request.body).get('action') === action;

/** Hostwinds' way of refusing: HTTP 200 with `"result": "error"`. */
export const hostwindsRefusal = (action: string, message: string) => ({ kind: 'status' as const, status: 200, body: [{ result: 'error', action, message }] });

const ok = (body: unknown): HttpAnswer => ({ status: 200, body });
const refuse = (action: string, message: string): HttpAnswer => ok([{ result: 'error', action, message }]);

/**
 * A stand-in for Hostwinds' cloud API as documented (developers.hostwinds.com/cloud): one
 * endpoint taking form-encoded `action` and `API` (the key), HTTP 200 with `"result": "error"`
 * for refusals. Implements add_instance (which, as Hostwinds does, answers without the new id),
 * get_instance_ids (with `search`), get_instance and set_rdns. A new server's address can come
 * after some reads (`ipAfterPolls`), and its listing after some (`listingLag`).
 */
export async function startHostwindsDouble(options: HostwindsDoubleOptions = {}): Promise<HostwindsDouble> {
  const instances = new Map<number, HostwindsDoubleInstance>();
  let nextId = 41_000;

  const assignIpWhenDue = (instance: HostwindsDoubleInstance) => {
    if (!instance.main_ip && instance.polls >= (options.ipAfterPolls ?? 0)) {
      instance.main_ip = `203.0.113.${(instance.serviceid % 254) + 1}`;
      instance.status = 'active';
    }
  };

  const answer = (request: HttpDoubleRequest): HttpAnswer => {
    if (request.method !== 'POST' || request.path !== '/cloud/api.php') return { status: 404, body: 'Not Found' };
    if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) return refuse('', 'Invalid request.');
    const form = new URLSearchParams(request.body);
    const action = form.get('action') ?? '';
    if (form.get('API') !== HOSTWINDS_DOUBLE_KEY) return refuse(action, 'Invalid API Key.');
    const serviceid = Number(form.get('serviceid'));
    const instance = instances.get(serviceid);
    switch (action) {
      case 'add_instance': {
        for (const required of ['template', 'rid', 'location_id']) if (!form.get(required)) return refuse('Add Instance', `${required} is required.`);
        const created: HostwindsDoubleInstance = {
          serviceid: nextId++,
          srvrname: form.get('srvrname') ?? `Server#${nextId}`,
          location_id: form.get('location_id')!,
          rid: form.get('rid')!,
          template: form.get('template')!,
          main_ip: null,
          status: 'pending',
          polls: 0,
          hiddenFor: options.listingLag ?? 0,
          rdns: new Map(),
        };
        instances.set(created.serviceid, created);
        return ok([
          { result: 'success', action: 'Invoice Paid', message: 'Invoice has been paid.' },
          { result: 'success', action: 'Add Instance', message: 'Server is being Created!' },
        ]);
      }
      case 'get_instance_ids': {
        const search = form.get('search') ?? '';
        const listed = [...instances.values()].filter((i) => {
          if (i.hiddenFor > 0) {
            i.hiddenFor -= 1;
            return false;
          }
          return i.srvrname.includes(search);
        });
        return ok(listed.map((i) => ({ id: i.serviceid, hostname: i.srvrname, srvrname: i.srvrname, ips: i.main_ip ?? '', dedicatedip: i.main_ip ?? '', ip_v6: '' })));
      }
      case 'get_instance': {
        if (!instance) return refuse('Get Instance', 'A valid serviceid is required.');
        instance.polls += 1;
        assignIpWhenDue(instance);
        return ok({ serviceid: instance.serviceid, srvrname: instance.srvrname, location_id: Number(instance.location_id), main_ip: instance.main_ip ?? '', status: instance.status, vm_state: instance.status === 'active' ? 'active' : 'building' });
      }
      case 'set_rdns': {
        if (!instance) return refuse('Set rDNS', 'A valid serviceid is required.');
        const ip = form.get('ip');
        const rdns = form.get('rdns');
        if (!ip || ip !== instance.main_ip) return refuse('Set rDNS', 'IP does not belong to this service.');
        if (!rdns) return refuse('Set rDNS', 'rdns is required.');
        instance.rdns.set(ip, rdns);
        return ok([{ result: 'success', action: 'Set rDNS', message: 'rDNS record updated.' }]);
      }
      default:
        return refuse(action, 'Invalid action.');
    }
  };

  const double = await startHttpDouble(answer);
  return Object.assign(double, {
    url: `${double.url}/cloud/api.php`,
    instances,
    actions: () =>
      double.requests.map((r) => {
        const params = Object.fromEntries(new URLSearchParams(r.body));
        delete params.API;
        const { action = '', ...rest } = params;
        return { action, params: rest };
      }),
  });
}
