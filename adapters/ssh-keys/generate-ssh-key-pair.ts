import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

export interface SshKeyPair {
  /** One line as authorized_keys takes it: `ssh-ed25519 AAAA... comment`. */
  readonly publicKey: string;
  /** The OpenSSH private key file (unencrypted: it is only ever stored in the secret store). */
  readonly privateKey: string;
  /** As `ssh-keygen -l` prints it: `SHA256:...`. */
  readonly fingerprint: string;
}

const KEY_TYPE = 'ssh-ed25519';

/** SSH's wire `string`: a uint32 length, then the bytes (RFC 4251 §5). */
function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/**
 * An ed25519 key pair in OpenSSH's formats, from node:crypto alone (no ssh-keygen on the
 * servers that run this). The private key file is OpenSSH's `openssh-key-v1` container
 * (PROTOCOL.key in OpenSSH's sources), unencrypted, with one key.
 */
export function generateSshKeyPair(comment: string): SshKeyPair {
  if (/[\r\n]/.test(comment)) throw new Error('an SSH key comment is one line');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicRaw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(publicRaw)]);

  // The check integers let a reader tell a wrong passphrase from a corrupt file; both are equal.
  const check = randomBytes(4);
  const unpadded = Buffer.concat([check, check, sshString(KEY_TYPE), sshString(publicRaw), sshString(Buffer.concat([seed, publicRaw])), sshString(comment)]);
  // Padded with 1, 2, 3, ... to the cipher's block size, 8 for "none".
  const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1));
  const container = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(Buffer.alloc(0)),
    uint32(1),
    sshString(publicBlob),
    sshString(Buffer.concat([unpadded, padding])),
  ]);
  const body = container.toString('base64').match(/.{1,70}/g)!.join('\n');
  seed.fill(0);
  return {
    publicKey: `${KEY_TYPE} ${publicBlob.toString('base64')}${comment ? ` ${comment}` : ''}`,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`,
    fingerprint: `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`,
  };
}
