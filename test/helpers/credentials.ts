/**
 * Test key material: service-account credentials generated in memory (nothing is cached on
 * disk), in the key kinds and PEM formats Dfns accepts.
 */
import { generateKeyPairSync, randomInt } from 'node:crypto';

export type KeyKind = 'ed25519' | 'p256' | 'secp256k1' | 'rsa';
export type PemFormat = 'pkcs8' | 'sec1' | 'pkcs1';

/** Every key kind, for `describe.each`/`it.each`. */
export const KEY_KINDS: readonly KeyKind[] = ['ed25519', 'p256', 'secp256k1', 'rsa'];

export interface TestCredential {
  kind: KeyKind;
  /** `cr-` followed by a random id, in the shape of Dfns credential ids. */
  credentialId: string;
  /** The private key, PEM, in the requested format. */
  privateKeyPem: string;
  /** The public key, SPKI PEM (`BEGIN PUBLIC KEY`): what is registered with Dfns. */
  publicKeyPem: string;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomChars(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return out;
}

/** A random credential id shaped like Dfns's (`cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx`). */
function randomCredentialId(): string {
  return `cr-${randomChars(5)}-${randomChars(5)}-${randomChars(16)}`;
}

/**
 * Generates a key pair of `kind`. `format` is the private key's PEM encoding: `pkcs8`
 * (default, `BEGIN PRIVATE KEY`), `sec1` (`BEGIN EC PRIVATE KEY`, EC keys only) or `pkcs1`
 * (`BEGIN RSA PRIVATE KEY`, RSA only). `rsaBits` defaults to 2048.
 */
export function generateCredential(kind: KeyKind, format: PemFormat = 'pkcs8', rsaBits = 2048): TestCredential {
  const isEc = kind === 'p256' || kind === 'secp256k1';
  if (format === 'sec1' && !isEc) throw new Error(`PEM format sec1 is for EC keys, not ${kind}`);
  if (format === 'pkcs1' && kind !== 'rsa') throw new Error(`PEM format pkcs1 is for RSA keys, not ${kind}`);

  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  let pair: { privateKey: string; publicKey: string };
  switch (kind) {
    case 'ed25519':
      pair = generateKeyPairSync('ed25519', {
        publicKeyEncoding,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      break;
    case 'p256':
    case 'secp256k1':
      pair = generateKeyPairSync('ec', {
        namedCurve: kind === 'p256' ? 'prime256v1' : 'secp256k1',
        publicKeyEncoding,
        privateKeyEncoding: { type: format === 'sec1' ? 'sec1' : 'pkcs8', format: 'pem' },
      });
      break;
    case 'rsa':
      pair = generateKeyPairSync('rsa', {
        modulusLength: rsaBits,
        publicExponent: 0x10001,
        publicKeyEncoding,
        privateKeyEncoding: { type: format === 'pkcs1' ? 'pkcs1' : 'pkcs8', format: 'pem' },
      });
      break;
  }
  return { kind, credentialId: randomCredentialId(), privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}

/**
 * A private key in the OpenSSH format `ssh-keygen` writes by default (`openssh-key-v1`,
 * unencrypted), of a freshly generated key: Ed25519, ECDSA P-256 or RSA. Built here rather than
 * by running ssh-keygen, which a test machine may not have.
 */
export function openSshPrivateKey(kind: 'ed25519' | 'ecdsa' | 'rsa'): string {
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const string = (b: Buffer | string): Buffer => {
    const bytes = Buffer.from(b);
    return Buffer.concat([u32(bytes.length), bytes]);
  };
  const mpint = (b64url: string): Buffer => {
    const raw = Buffer.from(b64url, 'base64url');
    return string((raw[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.alloc(1), raw]) : raw);
  };
  let publicBlob: Buffer;
  let privateFields: Buffer;
  if (kind === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
    const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    publicBlob = Buffer.concat([string('ssh-ed25519'), string(pub)]);
    privateFields = Buffer.concat([publicBlob, string(Buffer.concat([seed, pub]))]);
  } else if (kind === 'ecdsa') {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const q = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    publicBlob = Buffer.concat([string('ecdsa-sha2-nistp256'), string('nistp256'), string(q)]);
    privateFields = Buffer.concat([publicBlob, mpint(jwk.d!)]);
  } else {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    publicBlob = Buffer.concat([string('ssh-rsa'), mpint(jwk.e!), mpint(jwk.n!)]);
    privateFields = Buffer.concat([
      string('ssh-rsa'),
      mpint(jwk.n!),
      mpint(jwk.e!),
      mpint(jwk.d!),
      mpint(jwk.qi!),
      mpint(jwk.p!),
      mpint(jwk.q!),
    ]);
  }
  const check = u32(randomInt(2 ** 31));
  const unpadded = Buffer.concat([check, check, privateFields, string('test key')]);
  const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    string('none'),
    string('none'),
    string(''),
    u32(1),
    string(publicBlob),
    string(Buffer.concat([unpadded, padding])),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
