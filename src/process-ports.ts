import type { AnyDb } from '../adapters/db/database.ts';
import { createAlertSink } from '../adapters/alerts/webhook-alert-sink.ts';
import { createCloudflareDns } from '../adapters/dns/cloudflare.ts';
import { createSimulatedDns } from '../adapters/dns/simulated-dns.ts';
import { createOutboxMailer } from '../adapters/email/outbox-mailer.ts';
import { createSmtpMailer } from '../adapters/email/smtp-mailer.ts';
import { createLocalSecretStore } from '../adapters/secrets/local-secret-store.ts';
import { createVaultSecretStore } from '../adapters/secrets/vault-secret-store.ts';
import { createHostwindsVps } from '../adapters/vps/hostwinds.ts';
import { createSimulatedVps, type SimulatedVpsOptions } from '../adapters/vps/simulated-vps.ts';
import { ConfigError, type Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { ProcessPorts } from './workers/process-manager/process.ts';

export interface OpenedProcessPorts extends ProcessPorts {
  /** Closes what the adapters hold open (an SMTP connection pool). */
  close(): Promise<void>;
}

export interface ProcessPortsOptions {
  readonly db: AnyDb;
  /** Where the local secret store keeps its key and files (config.dataDir; a temp dir in tests). */
  readonly dataDir: string;
  readonly logger: Logger;
  /** The VPS simulator's address assignment (tests make it slow or instant). */
  readonly simulator?: Pick<SimulatedVpsOptions, 'ipAfterPolls' | 'ipAfterMs' | 'now'>;
}

/**
 * The outside services for the process manager: the configured providers, else the local
 * stand-ins (VPS and DNS simulators, the encrypted local secret store, the outbox). Production
 * never gets a stand-in: loadConfig refuses it first, and this refuses it again.
 */
export function openProcessPorts(config: Config, options: ProcessPortsOptions): OpenedProcessPorts {
  const p = config.provisioning;
  if (config.nodeEnv === 'production') {
    const missing = [!p.hostwinds && 'HOSTWINDS_*', !p.cloudflare && 'CLOUDFLARE_*', !p.vault && 'VAULT_ADDR/VAULT_TOKEN'].filter(Boolean);
    if (missing.length) throw new ConfigError([`${missing.join(', ')}: required when NODE_ENV=production (no simulators or local secret store there)`]);
  }
  const logger = options.logger;
  const timeoutMs = p.timeoutMs;
  const standIns: string[] = [];
  const standIn = <T>(label: string, port: T): T => (standIns.push(label), port);

  const vps = p.hostwinds
    ? createHostwindsVps({ ...p.hostwinds, timeoutMs, db: options.db })
    : standIn('VPS simulator', createSimulatedVps({ db: options.db, logger, ...options.simulator }));
  const dns = p.cloudflare ? createCloudflareDns({ ...p.cloudflare, timeoutMs }) : standIn('DNS simulator', createSimulatedDns({ db: options.db, logger }));
  const secrets = p.vault ? createVaultSecretStore({ ...p.vault, timeoutMs }) : standIn('local secret store', createLocalSecretStore({ dataDir: options.dataDir }));
  const smtp = p.smtpUrl ? createSmtpMailer({ url: p.smtpUrl, from: p.emailFrom, timeoutMs }) : null;
  const mailer = smtp ?? standIn('email outbox', createOutboxMailer(options.db));
  if (standIns.length) logger.warn({ simulated: true, standIns }, `provisioning uses local stand-ins: ${standIns.join(', ')} (development only)`);
  return {
    vps,
    dns,
    secrets,
    mailer,
    alerts: createAlertSink({ logger, webhookUrl: p.alertWebhookUrl, timeoutMs }),
    async close() {
      smtp?.close();
    },
  };
}
