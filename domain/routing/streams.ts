/** Stream names of DESIGN.md "Streams". */
export const UNROUTED_STREAM = 'unrouted';
export const TENANT_STREAM_PREFIX = 'tenant-';
export const tenantStream = (tenantId: string) => `${TENANT_STREAM_PREFIX}${tenantId}`;
