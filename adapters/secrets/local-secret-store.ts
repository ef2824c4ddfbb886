import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { SecretStore } from '../../domain/ports/provisioning.ts';
import { checkedSecretPath, sameSecretData, secretDataSchema } from './secret-path.ts';

const KEY_FILE = 'secret-store.key';
const SECRETS_DIR = 'secrets';
const FORMAT = 'ledger-local-secret-v1';

const envelopeSchema = z.object({ format: z.literal(FORMAT), iv: z.string(), tag: z.string(), ciphertext: z.string() });
const plaintextSchema = z.object({ version: z.number().int().min(1), data: secretDataSchema });

/** A secret file that does not decrypt: another key, or a file changed by hand. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
}

/**
 * The key, made once (32 random bytes, mode 600) and read ever after. `wx` makes the first of
 * two processes starting together the one whose key both use.
 */
function loadOrCreateKey(dataDir: string): Buffer {
  const file = join(dataDir, KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length !== 32) throw new Error(`${file} is not a secret-store key (64 hex digits); restore it from backup, or remove it and the secrets under ${join(dataDir, SECRETS_DIR)} it encrypted`);
  return key;
}

/**
 * The embedded default's secret store: each secret is a file under DATA_DIR/secrets, encrypted
 * with AES-256-GCM under a key kept in DATA_DIR/secret-store.key. The secret's path is bound in
 * as associated data, so a file copied to another path does not decrypt. For development and
 * single-machine use only: production refuses it (Vault there).
 */
export function createLocalSecretStore(options: { readonly dataDir: string }): SecretStore {
  const key = loadOrCreateKey(options.dataDir);
  const root = join(options.dataDir, SECRETS_DIR);
  const fileOf = (path: string) => join(root, `${path}.json`);

  const readPlain = (path: string): z.infer<typeof plaintextSchema> | null => {
    let raw: string;
    try {
      raw = readFileSync(fileOf(path), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const envelope = envelopeSchema.parse(JSON.parse(raw));
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
      decipher.setAAD(Buffer.from(path));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
      return plaintextSchema.parse(JSON.parse(plain.toString('utf8')));
    } catch {
      throw new SecretDecryptionError(`the secret at ${path} does not decrypt with ${join(options.dataDir, KEY_FILE)}`);
    }
  };

  /**
   * The encrypted file for `version` of `data`, written beside `path`'s file (mode 600); the
   * caller moves it into place or removes it.
   */
  const sealBeside = (path: string, version: number, data: Readonly<Record<string, string>>): { file: string; temporary: string } => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(path));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify({ version, data }), 'utf8'), cipher.final()]);
    const envelope = { format: FORMAT, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
    const file = fileOf(path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    chmodSync(root, 0o700);
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temporary, JSON.stringify(envelope), { mode: 0o600 });
    return { file, temporary };
  };

  return {
    kind: 'local',

    location: (rawPath) => checkedSecretPath(rawPath),
    async write(rawPath, rawData) {
      const path = checkedSecretPath(rawPath);
      const data = secretDataSchema.parse(rawData);
      const current = readPlain(path);
      // Writing the same values again (a retried step) keeps the version, as nothing changed.
      if (current && sameSecretData(current.data, data)) return { path, version: current.version };
      const version = (current?.version ?? 0) + 1;
      // Written beside and renamed over: a crash leaves the old secret or the new one, never half.
      const { file, temporary } = sealBeside(path, version, data);
      renameSync(temporary, file);
      return { path, version };
    },

    async create(rawPath, rawData) {
      const path = checkedSecretPath(rawPath);
      const data = secretDataSchema.parse(rawData);
      const { file, temporary } = sealBeside(path, 1, data);
      try {
        // A hard link is made only if nothing is at `file`, and whole: of two processes racing
        // one wins, and no reader ever sees half a file (as it could with open(..., 'wx')).
        linkSync(temporary, file);
        return { created: true, path, version: 1 };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const existing = readPlain(path);
        if (!existing) throw new Error(`the secret at ${path} was there and then gone (removed by hand?); not created, try again`, { cause: error });
        return { created: false, path, existing: existing.data };
      } finally {
        rmSync(temporary, { force: true });
      }
    },

    async read(rawPath) {
      return readPlain(checkedSecretPath(rawPath))?.data ?? null;
    },
  };
}
