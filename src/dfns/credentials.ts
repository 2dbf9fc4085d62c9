/**
 * The service account's private key: accepted in the forms secrets hold it, checked to be a
 * key type Dfns accepts, and used to sign user action challenges. Never echoed anywhere.
 */
import { createPrivateKey, sign, constants, type KeyObject } from 'node:crypto';
import { ActionError } from '../base/errors.ts';
import type { Logger } from '../base/logger.ts';
import { safeText } from '../base/safe-text.ts';

const MIN_RSA_BITS = 2048;

type KeyKind = 'ed25519' | 'p256' | 'secp256k1' | 'rsa';

export interface ServiceAccountKey {
  kind: KeyKind;
  /** A human description, e.g. "ECDSA P-256" or "RSA 3072-bit". Never key material. */
  description: string;
  /** Signs the bytes the way Dfns verifies them: Ed25519; ECDSA SHA-256 DER; RSA PKCS#1 v1.5 SHA-256. */
  sign(data: Uint8Array): Uint8Array;
}

export const ACCEPTED_KEY_FORMS =
  'an unencrypted Ed25519, ECDSA P-256, secp256k1 or RSA (at least 2048 bits) private key in PEM ' +
  '(PKCS#8 "BEGIN PRIVATE KEY", SEC1 "BEGIN EC PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY"), ' +
  'given as multi-line text, as one line with literal \\n sequences, or as base64 of the PEM';

export class CredentialError extends ActionError {
  override name = 'CredentialError';
  readonly title = 'Invalid step input';
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * Turns the secret as the workflow gave it into PEM text: as is, with literal `\n`
 * sequences, wrapped in quotes, or base64 of the PEM.
 */
export function normalizePem(raw: string): string | undefined {
  let text = raw.trim().replace(/^(['"])([\s\S]*)\1$/, '$2');
  text = text.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
  if (!text.includes('-----BEGIN') && /^[A-Za-z0-9+/=\s]+$/.test(text)) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN')) text = decoded.replace(/\r\n?/g, '\n');
  }
  const block = PEM_BLOCK.exec(text);
  if (!block) return undefined;
  // Re-wrap the body so PEM that lost its line breaks (e.g. spaces instead) still parses.
  const body = (block[2] ?? '').replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${block[1]}-----\n${lines.join('\n')}\n-----END ${block[1]}-----\n`;
}

/**
 * Every form of the secret that could appear in a log: the raw value and each of its lines,
 * the normalized PEM's body lines, the body joined, and the escaped and base64 forms.
 * Header and footer lines are not secret and are left out (masking them would hide help text).
 */
export function privateKeySecretForms(raw: string): string[] {
  const forms = new Set<string>();
  const add = (s: string): void => {
    const t = s.trim();
    if (t.length >= 8 && !/^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(t)) forms.add(t);
  };
  add(raw);
  raw.split(/\r?\n|\\n/).forEach(add);
  const pem = normalizePem(raw);
  if (pem) {
    const bodyLines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    bodyLines.forEach(add);
    add(bodyLines.join(''));
    add(pem.replace(/\n/g, '\\n'));
    add(Buffer.from(pem).toString('base64'));
  }
  return [...forms];
}

/** The key, loaded and described in the log (never shown), for the credential that signs with it. */
export function loadSigningKey(raw: string, credentialId: string | undefined, log: Logger): ServiceAccountKey {
  const key = loadServiceAccountKey(raw);
  log.info(`Service account key: ${key.description}, credential ${credentialId ?? '(not given)'}`);
  return key;
}

export function loadServiceAccountKey(raw: string): ServiceAccountKey {
  const pem = normalizePem(raw);
  if (!pem) {
    throw new CredentialError(`step input "dfns-private-key" holds no PEM block; expected ${ACCEPTED_KEY_FORMS}`);
  }
  const label = PEM_BLOCK.exec(pem)?.[1] ?? '';
  if (label.includes('ENCRYPTED')) {
    throw new CredentialError(
      `step input "dfns-private-key" is an encrypted key ("${label}"); export it without a passphrase ` +
        `(e.g. openssl pkey -in key.pem -out plain.pem). Expected ${ACCEPTED_KEY_FORMS}`,
    );
  }
  if (label === 'OPENSSH PRIVATE KEY') throw openSshKey(pem);
  if (label.includes('PUBLIC KEY') || label.includes('CERTIFICATE')) {
    throw new CredentialError(
      `step input "dfns-private-key" holds a ${label.includes('PUBLIC') ? 'public key' : 'certificate'}, not the private key ` +
        `(the public key is what is registered with Dfns). Expected ${ACCEPTED_KEY_FORMS}`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // The cause is dropped on purpose: OpenSSL's messages are not needed and must not leak anything.
    throw new CredentialError(`step input "dfns-private-key" could not be read as a private key; expected ${ACCEPTED_KEY_FORMS}`);
  }
  return describeAndWrap(key);
}

/** The key types of an OpenSSH private key that Dfns also accepts, and how to turn each into PKCS#8 PEM. */
const OPENSSH_CONVERSIONS: Record<string, string> = {
  'ssh-ed25519':
    "ssh-keygen cannot write an Ed25519 key as PKCS#8: convert it with Python's cryptography package, " +
    '`python3 -c "import sys; from cryptography.hazmat.primitives import serialization as s; ' +
    "k = s.load_ssh_private_key(open(sys.argv[1], 'rb').read(), None); " +
    'print(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()).decode())" key > key.pem`, ' +
    'or create a new key with `openssl genpkey -algorithm Ed25519 -out key.pem` and register its public key with the service account',
  'ecdsa-sha2-nistp256':
    'convert a copy of it in place with `ssh-keygen -p -N "" -m PKCS8 -f key` (it asks for the passphrase, if the key has one)',
  'ssh-rsa': 'convert a copy of it in place with `ssh-keygen -p -N "" -m PKCS8 -f key` (it asks for the passphrase, if the key has one)',
};

/**
 * An OpenSSH private key (what ssh-keygen writes by default), which Node cannot read: the message
 * names its key type (read from the key's public part, never its secret) and the conversion.
 */
function openSshKey(pem: string): CredentialError {
  const type = openSshKeyType(pem);
  const conversion = type === undefined ? undefined : OPENSSH_CONVERSIONS[type];
  const kind = type === undefined ? '' : `, of type ${safeText(type, 40)}`;
  if (conversion === undefined) {
    return new CredentialError(
      `step input "dfns-private-key" holds an OpenSSH private key ("BEGIN OPENSSH PRIVATE KEY"${kind}), which the action does not read, ` +
        `of a type Dfns does not accept; expected ${ACCEPTED_KEY_FORMS}. Create one with \`openssl genpkey -algorithm Ed25519 -out key.pem\``,
    );
  }
  return new CredentialError(
    `step input "dfns-private-key" holds an OpenSSH private key ("BEGIN OPENSSH PRIVATE KEY"${kind}), a format the action does not read: ` +
      `store it as PKCS#8 PEM ("BEGIN PRIVATE KEY"): ${conversion}`,
  );
}

/** The key type an unencrypted header of `openssh-key-v1` names (`ssh-ed25519`, …), or undefined. */
function openSshKeyType(pem: string): string | undefined {
  const body = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (body.subarray(0, magic.length).toString('latin1') !== magic) return undefined;
  let at = magic.length;
  const string = (): Buffer | undefined => {
    if (at + 4 > body.length) return undefined;
    const length = body.readUInt32BE(at);
    const value = at + 4 + length <= body.length ? body.subarray(at + 4, at + 4 + length) : undefined;
    at += 4 + length;
    return value;
  };
  for (let skip = 0; skip < 3; skip++) string(); // cipher, kdf, kdf options
  at += 4; // the number of keys
  const publicKey = string();
  if (!publicKey || publicKey.length < 4) return undefined;
  const typeLength = publicKey.readUInt32BE(0);
  const type = publicKey.subarray(4, 4 + typeLength).toString('latin1');
  return /^[a-z0-9@.-]{1,64}$/.test(type) ? type : undefined;
}

function describeAndWrap(key: KeyObject): ServiceAccountKey {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ed25519') {
    return { kind: 'ed25519', description: 'Ed25519', sign: (data) => sign(null, data, key) };
  }
  if (type === 'ec') {
    const curve = details.namedCurve;
    const kind = curve === 'prime256v1' ? 'p256' : curve === 'secp256k1' ? 'secp256k1' : undefined;
    if (!kind) {
      throw new CredentialError(
        `step input "dfns-private-key" is an ECDSA key on curve ${curve ?? 'unknown'}, which Dfns does not accept; expected ${ACCEPTED_KEY_FORMS}`,
      );
    }
    return {
      kind,
      description: kind === 'p256' ? 'ECDSA P-256' : 'ECDSA secp256k1',
      sign: (data) => sign('sha256', data, { key, dsaEncoding: 'der' }),
    };
  }
  if (type === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new CredentialError(
        `step input "dfns-private-key" is a ${bits}-bit RSA key; Dfns needs at least ${MIN_RSA_BITS} bits. Expected ${ACCEPTED_KEY_FORMS}`,
      );
    }
    return {
      kind: 'rsa',
      description: `RSA ${bits}-bit`,
      sign: (data) => sign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }),
    };
  }
  throw new CredentialError(
    `step input "dfns-private-key" is a${type === 'ed448' ? 'n' : ''} ${type ?? 'unknown'} key, which Dfns does not accept; expected ${ACCEPTED_KEY_FORMS}`,
  );
}
