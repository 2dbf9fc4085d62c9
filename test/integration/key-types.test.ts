/**
 * A submission signed with each key type the action reads, in this process (e2e.inProcess: the
 * step code of dist/, with the same scans), against a sandbox of its own that checks the
 * signature: what the sandbox received, byte for byte. One of them through the built bundle:
 * test/e2e/submit.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactJson } from '../helpers/compact-json.ts';
import type { KeyKind, PemFormat } from '../helpers/credentials.ts';
import { fixtureText, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');

const KEYS: Array<[KeyKind, PemFormat]> = [
  ['ed25519', 'pkcs8'],
  ['p256', 'sec1'],
  ['secp256k1', 'pkcs8'],
  ['rsa', 'pkcs1'],
];

describe.each(KEYS)('a submission signed with a %s key (%s PEM)', (kind, format) => {
  // A sandbox of its own: the test counts every request and connection the sandbox saw.
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E(kind, format);
    // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
    e2e.sandbox.setRequestIds(false);
  });
  afterAll(() => e2e?.close());

  it('validates, signs and submits the bare JSON output; Dfns gets exactly the file', async () => {
    const run = await e2e.inProcess.submit({ files: { 'fleet/output.json': onchain }, inputs: { path: 'fleet/*.json' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toEqual({
      operation: 'onchain-sign',
      file: 'fleet/output.json',
      checksum: sha256(onchain),
      'output-status': 'partial',
      'outputs-count': '2',
      'store-id': STORE_ID,
      status: 'success',
      'receipt-path': expect.stringMatching(/dfns-keystore-output-receipt-4242-1-\d+\.json$/),
    });

    const [submission, ...more] = e2e.sandbox.submissions;
    expect(more).toEqual([]);
    expect(submission).toMatchObject({ accepted: true, storeId: STORE_ID, operation: 'onchain-sign', fileName: 'output.json' });
    expect(Buffer.from(submission!.filePart).toString('utf8')).toBe(onchain);
    // The file's own text is embedded: the extra fields are kept, nothing is re-serialized.
    expect(submission!.dataPart).toBe(`{"outputJson":${compactJson(onchain)},"fileChecksum":"${sha256(onchain)}"}`);
    expect(JSON.parse(submission!.dataPart)).toEqual({ outputJson: JSON.parse(onchain), fileChecksum: sha256(onchain) });
    expect(e2e.sandbox.requests.map((r) => r.call)).toEqual(['init', 'action', 'submit']);
    expect(e2e.sandbox.connections).toBe(1);
    const userAgent: unknown = expect.stringMatching(/^dfns-keystore-output-action\/\d+\.\d+\.\d+/);
    expect(e2e.sandbox.requests.map((r) => r.headers['user-agent'])).toEqual([userAgent, userAgent, userAgent]);
  });
});
