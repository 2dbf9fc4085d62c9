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
export function randomCredentialId(): string {
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
