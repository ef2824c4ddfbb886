import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, verify, createPrivateKey, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSshKeyPair } from '../../../adapters/ssh-keys/generate-ssh-key-pair.ts';
import { suiteTempDirs } from '../../support/temp-dirs.ts';

const hasSshKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

/** Reads SSH wire strings from a buffer, in order. */
function reader(buffer: Buffer) {
  let at = 0;
  return {
    string() {
      const length = buffer.readUInt32BE(at);
      const value = buffer.subarray(at + 4, at + 4 + length);
      at += 4 + length;
      return value;
    },
    uint32() {
      const value = buffer.readUInt32BE(at);
      at += 4;
      return value;
    },
    rest: () => buffer.subarray(at),
  };
}

describe('generateSshKeyPair', () => {
  const tempDir = suiteTempDirs();

  it('writes an ed25519 public key line and an OpenSSH private key', () => {
    const pair = generateSshKeyPair('admin@tenant-1');
    expect(pair.publicKey).to.match(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA[A-Za-z0-9+/]+=* admin@tenant-1$/);
    expect(pair.privateKey).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(pair.fingerprint).to.match(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('makes a new pair each time', () => {
    expect(generateSshKeyPair('a').publicKey).not.to.equal(generateSshKeyPair('a').publicKey);
  });

  it('holds a private key that signs what the public key verifies (format parsed by hand)', () => {
    const pair = generateSshKeyPair('tenant');
    const base64 = pair.privateKey.split('\n').slice(1, -2).join('');
    const container = Buffer.from(base64, 'base64');
    const magic = 'openssh-key-v1\0';
    expect(container.subarray(0, magic.length).toString('latin1')).to.equal(magic);
    const outer = reader(container.subarray(magic.length));
    expect(outer.string().toString()).to.equal('none');
    expect(outer.string().toString()).to.equal('none');
    expect(outer.string()).to.have.length(0);
    expect(outer.uint32()).to.equal(1);
    const publicBlob = outer.string();
    expect(publicBlob.toString('base64')).to.equal(pair.publicKey.split(' ')[1]);
    const section = outer.string();
    expect(section.length % 8).to.equal(0);
    const inner = reader(section);
    expect(inner.uint32()).to.equal(inner.uint32());
    expect(inner.string().toString()).to.equal('ssh-ed25519');
    const publicRaw = inner.string();
    const secret = inner.string();
    expect(inner.string().toString()).to.equal('tenant');
    expect(secret.subarray(32).equals(publicRaw)).to.equal(true);

    const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: secret.subarray(0, 32).toString('base64url'), x: publicRaw.toString('base64url') }, format: 'jwk' });
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicRaw.toString('base64url') }, format: 'jwk' });
    const message = Buffer.from('provisioned');
    expect(verify(null, message, publicKey, sign(null, message, privateKey))).to.equal(true);
  });

  (hasSshKeygen ? it : it.skip)('is accepted by ssh-keygen, which derives the same public key and fingerprint', () => {
    const pair = generateSshKeyPair('admin@example');
    const file = join(tempDir('ssh-key-'), 'id_ed25519');
    writeFileSync(file, pair.privateKey, { mode: 0o600 });
    const derived = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
    expect(derived).to.equal(pair.publicKey);
    const listed = execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' });
    expect(listed).to.include(pair.fingerprint);
  });

  it('refuses a comment that would break the line', () => {
    expect(() => generateSshKeyPair('a\nb')).to.throw(/one line/);
  });
});
