/**
 * `tenantExists` for ingest without a database round trip per webhook once a tenant is known.
 * Only "exists" is remembered: tenants are never deleted, so it stays true, while a tenant that
 * does not exist yet is asked about again on every webhook and found as soon as it is created
 * (its parked events are re-routed then). Bounded: past `max` ids it starts over.
 */
export function rememberExistingTenants(exists: (tenantId: string) => Promise<boolean>, max = 100_000): (tenantId: string) => Promise<boolean> {
  const known = new Set<string>();
  return async (tenantId) => {
    if (known.has(tenantId)) return true;
    const found = await exists(tenantId);
    if (found) {
      if (known.size >= max) known.clear();
      known.add(tenantId);
    }
    return found;
  };
}
