/**
 * The outside services provisioning drives. Each call is safe to repeat: a step that crashed
 * half-way is retried, so an adapter must find what an earlier attempt already did (by the
 * caller's `reference`) instead of doing it twice. `simulated` marks the local stand-ins used
 * when no provider is configured; production refuses to start with them.
 */

export interface VpsServer {
  /** The provider's own order / service id: recorded in the provisioning stream before anything waits on it. */
  readonly orderId: string;
  readonly serverId: string;
  /** null until the provider has assigned one. */
  readonly publicIp: string | null;
  readonly status: string;
}

export interface VpsProvider {
  readonly name: string;
  readonly simulated: boolean;
  /**
   * Orders a server unless one was already ordered under `reference` (the provider's own record
   * of it is looked up first), and returns that one.
   */
  orderServer(request: { readonly reference: string; readonly hostname: string }): Promise<VpsServer>;
  getServer(serverId: string): Promise<VpsServer>;
  /** The reverse (PTR) record for the server's IP; the VPS provider owns the address block. */
  setReverseDns(request: { readonly serverId: string; readonly ip: string; readonly hostname: string }): Promise<void>;
}

export interface DnsProvider {
  readonly name: string;
  readonly simulated: boolean;
  /** Creates or replaces the A record `hostname` → `ip` (idempotent). */
  upsertARecord(request: { readonly hostname: string; readonly ip: string }): Promise<void>;
}

/**
 * What a create-only write found: it stored the data, or a secret was already at the path (then
 * nothing was written and `existing` is what is stored there).
 */
export type SecretCreation =
  | { readonly created: true; readonly path: string; readonly version: number | null }
  | { readonly created: false; readonly path: string; readonly existing: Readonly<Record<string, string>> };

export interface SecretStore {
  /** 'vault' (KV v2) or 'local' (encrypted at rest under DATA_DIR; refused in production). */
  readonly kind: 'vault' | 'local';
  /** Writes (or overwrites with the same values) the secret at `path`; returns where it lives. */
  write(path: string, data: Readonly<Record<string, string>>): Promise<{ readonly path: string; readonly version: number | null }>;
  /**
   * Stores the secret only if nothing is at `path`, atomically (Vault's check-and-set, an
   * exclusive link on disk): of two callers racing, one creates and the other is told what it
   * created. For secrets that must never be replaced, such as generated keys already handed out.
   */
  create(path: string, data: Readonly<Record<string, string>>): Promise<SecretCreation>;
  read(path: string): Promise<Readonly<Record<string, string>> | null>;
  /** Where the secret at `path` lives, as the store names it (Vault: its API path `<mount>/data/<path>`): what the ledger records. */
  location(path: string): string;
}

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /**
   * Same key, same message: a resend after a crash is recognised (the local outbox keeps one row
   * per key; SMTP sends it as the Message-ID, so mail clients fold a repeat).
   */
  readonly idempotencyKey: string;
  /** The tenant it is about: the local outbox lists by it (`ledger outbox list --tenant`). */
  readonly tenantId?: string;
}

export interface Mailer {
  /** 'smtp' or 'outbox' (a local table the CLI lists). */
  readonly kind: 'smtp' | 'outbox';
  send(message: EmailMessage): Promise<{ readonly messageId: string }>;
}

/** An operator alert: an error log line, an alert event, and ALERT_WEBHOOK_URL when set. */
export interface AlertSink {
  raise(alert: { readonly tenantId: string; readonly process: string; readonly summary: string; readonly detail: Readonly<Record<string, string | number | null>> }): Promise<void>;
}
