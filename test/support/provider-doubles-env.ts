import { CLOUDFLARE_DOUBLE_TOKEN, CLOUDFLARE_DOUBLE_ZONE } from './cloudflare-double/server.ts';
import { HOSTWINDS_DOUBLE_KEY } from './hostwinds-double/server.ts';

/** Where each provisioning provider's double (or a real Vault) answers. */
export interface ProviderDoubles {
  readonly hostwindsUrl: string;
  readonly cloudflareUrl: string;
  readonly vault: { readonly addr: string; readonly token: string };
  readonly smtpUrl: string;
}

/** The config env that makes openProcessPorts build the real adapters, pointed at the doubles. */
export function providerDoublesEnv(doubles: ProviderDoubles): Record<string, string> {
  return {
    HOSTWINDS_API_KEY: HOSTWINDS_DOUBLE_KEY,
    HOSTWINDS_API_URL: doubles.hostwindsUrl,
    HOSTWINDS_LOCATION_ID: '2',
    HOSTWINDS_PLAN_ID: '151',
    HOSTWINDS_IMAGE: 'ubuntu-24.04',
    CLOUDFLARE_API_TOKEN: CLOUDFLARE_DOUBLE_TOKEN,
    CLOUDFLARE_ZONE_ID: CLOUDFLARE_DOUBLE_ZONE,
    CLOUDFLARE_API_URL: doubles.cloudflareUrl,
    VAULT_ADDR: doubles.vault.addr,
    VAULT_TOKEN: doubles.vault.token,
    SMTP_URL: doubles.smtpUrl,
  };
}
