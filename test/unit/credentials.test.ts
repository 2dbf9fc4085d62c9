import { constants, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSshPrivateKey } from '../helpers/credentials.ts';
import {
  ACCEPTED_KEY_FORMS,
  CredentialError,
  loadServiceAccountKey,
  normalizePem,
  privateKeySecretForms,
} from '../../src/dfns/credentials.ts';

const pkcs8 = (kp: { privateKey: KeyObject }) => kp.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const ed25519 = pkcs8(generateKeyPairSync('ed25519'));
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

const refusal = (raw: string): string => {
  try {
    loadServiceAccountKey(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialError);
    return (error as Error).message;
  }
  throw new Error('expected a CredentialError');
};

describe('loadServiceAccountKey', () => {
  it.each([
    ['Ed25519 PKCS#8', ed25519, 'ed25519', 'Ed25519'],
    ['P-256 PKCS#8', pkcs8(p256), 'p256', 'ECDSA P-256'],
    ['P-256 SEC1', p256.privateKey.export({ format: 'pem', type: 'sec1' }).toString(), 'p256', 'ECDSA P-256'],
    ['secp256k1 SEC1', k1.privateKey.export({ format: 'pem', type: 'sec1' }).toString(), 'secp256k1', 'ECDSA secp256k1'],
    ['RSA PKCS#1', rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(), 'rsa', 'RSA 2048-bit'],
    ['RSA PKCS#8', pkcs8(rsa), 'rsa', 'RSA 2048-bit'],
  ])('reads %s', (_name, pem, kind, description) => {
    const key = loadServiceAccountKey(pem);
    expect(key.kind).toBe(kind);
    expect(key.description).toBe(description);
  });

  it('signs the way Dfns verifies: ECDSA SHA-256 DER, RSA PKCS#1 v1.5 SHA-256, plain Ed25519', () => {
    const data = Buffer.from('{"type":"key.get","challenge":"abc"}');
    const ec = loadServiceAccountKey(pkcs8(p256)).sign(data);
    expect(ec[0]).toBe(0x30); // a DER SEQUENCE, not raw r||s
    expect(verify('sha256', data, { key: p256.publicKey, dsaEncoding: 'der' }, ec)).toBe(true);
    const r = loadServiceAccountKey(pkcs8(rsa)).sign(data);
    expect(verify('sha256', data, { key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, r)).toBe(true);
    const edPublic = createPublicKey(ed25519);
    expect(verify(null, data, edPublic, loadServiceAccountKey(ed25519).sign(data))).toBe(true);
  });

  it('accepts the PEM with literal \\n sequences, base64-encoded, quoted, with CRLF or lost line breaks', () => {
    const oneLine = ed25519.trim().replace(/\n/g, '\\n');
    expect(normalizePem(oneLine)).toBe(ed25519);
    expect(normalizePem(Buffer.from(ed25519).toString('base64'))).toBe(ed25519);
    expect(normalizePem(`"${oneLine}"`)).toBe(ed25519);
    expect(normalizePem(ed25519.replace(/\n/g, '\r\n'))).toBe(ed25519);
    const rsaPem = pkcs8(rsa);
    expect(normalizePem(rsaPem.replace(/\n(?!-----END)/g, ' ').replace('----- ', '-----\n'))).toBe(rsaPem);
    expect(loadServiceAccountKey(oneLine).kind).toBe('ed25519');
  });

  it('refuses a value that holds no PEM, saying which forms are accepted and echoing nothing', () => {
    const message = refusal('not-a-key-but-a-secret-value-0123456789');
    expect(message).toBe(`step input "dfns-private-key" holds no PEM block; expected ${ACCEPTED_KEY_FORMS}`);
    expect(message).not.toContain('secret-value');
  });

  it('refuses a corrupt PEM body without quoting it', () => {
    const corrupt = ed25519.replace(/\n(.{10})/, '\nAAAAAAAAAA');
    const message = refusal(corrupt);
    expect(message).toBe(`step input "dfns-private-key" could not be read as a private key; expected ${ACCEPTED_KEY_FORMS}`);
  });

  it('refuses public keys, encrypted keys, small RSA keys and other curves', () => {
    expect(refusal(p256.publicKey.export({ format: 'pem', type: 'spki' }).toString())).toMatch(
      /^step input "dfns-private-key" holds a public key, not the private key \(the public key is what is registered with Dfns\)/,
    );
    const encrypted = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' },
      publicKeyEncoding: { format: 'pem', type: 'spki' },
    }).privateKey;
    expect(refusal(encrypted)).toMatch(
      /^step input "dfns-private-key" is an encrypted key \("ENCRYPTED PRIVATE KEY"\); export it without a passphrase/,
    );
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(refusal(pkcs8(small))).toMatch(/^step input "dfns-private-key" is a 1024-bit RSA key; Dfns needs at least 2048 bits/);
    expect(refusal(pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp384r1' })))).toMatch(
      /^step input "dfns-private-key" is an ECDSA key on curve secp384r1, which Dfns does not accept/,
    );
    expect(refusal(pkcs8(generateKeyPairSync('ed448')))).toMatch(
      /^step input "dfns-private-key" is an ed448 key, which Dfns does not accept/,
    );
  });

  it('names an OpenSSH private key and its type, with the command that converts it', () => {
    const converted =
      'convert a copy of it in place with `ssh-keygen -p -N "" -m PKCS8 -f key` (it asks for the passphrase, if the key has one)';
    const lead = (type: string): string =>
      `step input "dfns-private-key" holds an OpenSSH private key ("BEGIN OPENSSH PRIVATE KEY", of type ${type}), a format the action does not read: ` +
      'store it as PKCS#8 PEM ("BEGIN PRIVATE KEY"): ';
    expect(refusal(openSshPrivateKey('rsa'))).toBe(lead('ssh-rsa') + converted);
    expect(refusal(openSshPrivateKey('ecdsa'))).toBe(lead('ecdsa-sha2-nistp256') + converted);
    expect(refusal(openSshPrivateKey('ed25519'))).toBe(
      lead('ssh-ed25519') +
        "ssh-keygen cannot write an Ed25519 key as PKCS#8: convert it with Python's cryptography package, " +
        "`python3 -c \"import sys; from cryptography.hazmat.primitives import serialization as s; k = s.load_ssh_private_key(open(sys.argv[1], 'rb').read(), None); " +
        'print(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()).decode())" key > key.pem`, ' +
        'or create a new key with `openssl genpkey -algorithm Ed25519 -out key.pem` and register its public key with the service account',
    );
    // The message holds nothing of the key.
    const key = openSshPrivateKey('ed25519');
    for (const line of key.split('\n').filter((l) => l && !l.startsWith('-----'))) expect(refusal(key)).not.toContain(line.slice(0, 16));
  });
});

describe('privateKeySecretForms', () => {
  it('covers every body line, the joined body, the escaped and base64 forms, but not the armour lines', () => {
    const pem = pkcs8(rsa);
    const forms = privateKeySecretForms(pem);
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of body.filter((l) => l.length >= 8)) expect(forms).toContain(line);
    expect(forms).toContain(body.join(''));
    expect(forms).toContain(pem.replace(/\n/g, '\\n'));
    expect(forms).toContain(Buffer.from(pem).toString('base64'));
    expect(forms).not.toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('covers the lines of a key given with literal \\n sequences', () => {
    const oneLine = ed25519.trim().replace(/\n/g, '\\n');
    const forms = privateKeySecretForms(oneLine);
    expect(forms).toContain(oneLine);
    expect(forms).toContain(ed25519.split('\n')[1]);
  });
});
