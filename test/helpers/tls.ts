/**
 * A test certificate authority and a server certificate for 127.0.0.1 and localhost, made with
 * node:crypto alone (ECDSA P-256, DER written by hand): no openssl binary, no dependency. The
 * action trusts the CA through NODE_EXTRA_CA_CERTS, as a self-hosted runner behind a
 * TLS-inspecting proxy does.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  /** The CA certificate (PEM): what NODE_EXTRA_CA_CERTS points at. */
  caPem: string;
  /** The server certificate (PEM), issued by the CA, for 127.0.0.1, ::1 and localhost. */
  certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). */
  keyPem: string;
  /** Writes the CA certificate into `dir` and returns its path. */
  writeCa(dir: string): string;
}

// --- DER, just what X.509 needs ---------------------------------------------------------------

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const octets = (content: Buffer) => der(0x04, content);
const bitString = (content: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const bool = (value: boolean) => der(0x01, Buffer.from([value ? 0xff : 0]));
const explicit = (n: number, content: Buffer) => der(0xa0 + n, content);

function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return der(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const value of rest) {
    const chunk = [value & 0x7f];
    for (let v = value >>> 7; v > 0; v >>>= 7) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function generalizedTime(date: Date): Buffer {
  const text = date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return der(0x18, Buffer.from(text, 'ascii'));
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
};

const name = (cn: string) =>
  seq(set(seq(oid(OID.organization), utf8('dfns keystore-output-action tests'))), set(seq(oid(OID.commonName), utf8(cn))));

const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** keyUsage bits, as a DER BIT STRING: digitalSignature (0), keyCertSign (5), cRLSign (6). */
function keyUsage(bits: number[]): Buffer {
  let byte = 0;
  for (const bit of bits) byte |= 0x80 >> bit;
  let unused = 0;
  while (unused < 7 && !(byte & (1 << unused))) unused++;
  return der(0x03, Buffer.from([unused, byte]));
}

interface Issued {
  pem: string;
  keyId: Buffer;
}

function issue(args: {
  subject: string;
  subjectKey: KeyObject;
  issuer: string;
  issuerKey: KeyObject;
  issuerKeyId: Buffer | undefined;
  ca: boolean;
}): Issued {
  const spki = args.subjectKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  const now = Date.now();
  const extensions = [
    extension(OID.basicConstraints, true, seq(...(args.ca ? [bool(true)] : []))),
    extension(OID.keyUsage, true, keyUsage(args.ca ? [0, 5, 6] : [0])),
    extension(OID.subjectKeyIdentifier, false, octets(keyId)),
  ];
  if (args.issuerKeyId) extensions.push(extension(OID.authorityKeyIdentifier, false, seq(der(0x80, args.issuerKeyId))));
  if (!args.ca) {
    extensions.push(extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))));
    const altNames = seq(
      der(0x82, Buffer.from('localhost', 'ascii')),
      der(0x87, Buffer.from([127, 0, 0, 1])),
      der(0x87, Buffer.concat([Buffer.alloc(15), Buffer.from([1])])),
    );
    extensions.push(extension(OID.subjectAltName, false, altNames));
  }
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(Buffer.concat([Buffer.from([0x40]), randomBytes(15)])),
    algorithm,
    name(args.issuer),
    seq(generalizedTime(new Date(now - 60 * 60_000)), generalizedTime(new Date(now + 7 * 24 * 60 * 60_000))),
    name(args.subject),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, args.issuerKey);
  const certificate = seq(tbs, algorithm, bitString(signature));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return { pem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`, keyId };
}

/** A fresh CA and a server certificate it issued for the loopback names. */
export function makeTestPki(): TestPki {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = 'Test CA (TLS-inspecting proxy stand-in)';
  const ca = issue({
    subject: caName,
    subjectKey: caKeys.publicKey,
    issuer: caName,
    issuerKey: caKeys.privateKey,
    issuerKeyId: undefined,
    ca: true,
  });
  const server = issue({
    subject: 'localhost',
    subjectKey: serverKeys.publicKey,
    issuer: caName,
    issuerKey: caKeys.privateKey,
    issuerKeyId: ca.keyId,
    ca: false,
  });
  return {
    caPem: ca.pem,
    certPem: server.pem,
    keyPem: serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    writeCa(dir) {
      const path = join(dir, 'test-ca.pem');
      writeFileSync(path, ca.pem);
      return path;
    },
  };
}
