import { startVaultDouble, VAULT_DOUBLE_TOKEN } from './vault-double/server.ts';

export interface TestVault {
  readonly addr: string;
  readonly token: string;
  /** 'vault' when VAULT_ADDR answered, else 'double'. */
  readonly kind: 'vault' | 'double';
  stop(): Promise<void>;
}

/**
 * A real Vault when VAULT_ADDR (with VAULT_TOKEN) answers its health check, as in
 * docker-compose's dev server; else the KV v2 double. Tests write under a fresh path prefix, so
 * a real Vault is not disturbed by reruns.
 */
export async function testVault(): Promise<TestVault> {
  const addr = process.env.VAULT_ADDR;
  const token = process.env.VAULT_TOKEN;
  if (addr && token) {
    const healthy = await fetch(new URL('/v1/sys/health', addr), { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return { addr, token, kind: 'vault', stop: async () => {} };
  }
  const double = await startVaultDouble();
  return { addr: double.url, token: VAULT_DOUBLE_TOKEN, kind: 'double', stop: () => double.stop() };
}
