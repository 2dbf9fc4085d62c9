/**
 * The built action, run as a runner runs it, against the Dfns sandbox: each key type, both file
 * shapes, both operations, and what the sandbox received.
 */
import { compactJson } from '../helpers/compact-json.ts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeOnchainOutput } from '../helpers/output-generators.ts';
import { makeZip } from '../helpers/zip-writer.ts';
import { fixtureText, onlyOne, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import type { KeyKind, PemFormat } from '../helpers/credentials.ts';

const onchain = fixtureText('onchain-sign-output.json');
const poc = fixtureText('proof-of-control-output.json');

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
    const run = await e2e.submit({ files: { 'fleet/output.json': onchain }, inputs: { path: 'fleet/*.json' } });
    expect(run.stderr).toBe('');
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
    expect(e2e.sandbox.requests.every((r) => /^dfns-keystore-output-action\/\d+\.\d+\.\d+/.test(r.headers['user-agent'] ?? ''))).toBe(true);
  });
});

describe('file shapes and operations', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('ed25519');
  });
  afterAll(() => e2e?.close());

  it('submits an output archive as it is: the zip is the file part, its checksum the fileChecksum', async () => {
    const zip = makeZip([
      { name: 'output/', data: '' },
      { name: 'output/keystore-output.json', data: onchain, method: 8 },
      { name: 'output/README.txt', data: 'signed offline' },
    ]);
    const run = await e2e.submit({ files: { 'output.zip': zip }, inputs: { path: 'output.zip' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['checksum']).toBe(sha256(zip));
    expect(run.outputs['status']).toBe('success');
    expect(run.stdout).toContain('(archive entry "output/keystore-output.json")');
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission.accepted).toBe(true);
    expect(Buffer.compare(submission.filePart, Buffer.from(zip))).toBe(0);
    expect(submission.dataPart).toBe(`{"outputJson":${compactJson(onchain)},"fileChecksum":"${sha256(zip)}"}`);
  });

  it('submits a large output (25,000 signatures, over 8 MiB): hashed as read, the body streamed from the same bytes', async () => {
    const large = makeOnchainOutput(25_000);
    expect(Buffer.byteLength(large)).toBeGreaterThan(8 * 1024 * 1024);
    const run = await e2e.submit({ files: { 'large.json': large }, inputs: { path: 'large.json' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'success', checksum: sha256(large) });
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission.accepted).toBe(true);
    expect(Buffer.compare(submission.filePart, Buffer.from(large))).toBe(0);
    expect(submission.dataPart).toBe(`{"outputJson":${compactJson(large)},"fileChecksum":"${sha256(large)}"}`);
  });

  it('submits a proof-of-control output to the proof-of-control endpoint', async () => {
    const run = await e2e.submit({ files: { 'poc.json': poc }, inputs: { path: 'poc.json', operation: 'proof-of-control' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      operation: 'proof-of-control',
      status: 'success',
      'outputs-count': '1',
      'output-status': 'success',
    });
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission).toMatchObject({ accepted: true, operation: 'proof-of-control' });
    expect(submission.path).toBe(`/key-stores/${STORE_ID}/proof-of-control/output`);
  });

  it('reports a partial answer as status partial and succeeds', async () => {
    e2e.sandbox.setSubmissionAnswer({ status: 200, body: { status: 'partial' } });
    // Back to the default answer whatever happens, so that no other test of this sandbox gets it.
    onTestFinished(() => e2e.sandbox.resetSubmissionAnswer());
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('partial');
  });

  it("submits to the store-id input when it differs from the output's keystore_id, with a warning that names both", async () => {
    const storeId = 'ks-01jz3-other-store_2';
    e2e.sandbox.addKeyStore(storeId);
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'store-id': storeId } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['store-id']).toBe(storeId);
    expect(onlyOne(run.seen.submissions, 'submission')).toMatchObject({
      accepted: true,
      storeId,
      path: `/key-stores/${storeId}/onchain-sign/output`,
    });
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'store-id differs from the output',
      message: `step input "store-id" (${storeId}) differs from the output's keystore_id (${STORE_ID}); submitting to step input "store-id". Check that this output belongs to that key store.`,
    });
  });

  it('dry-run validates and reports what it would submit, without any network call or credentials', async () => {
    const run = await e2e.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'true', 'dfns-token': '', 'dfns-private-key': '', 'dfns-credential-id': '' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.outputs).toMatchObject({ status: 'dry-run', checksum: sha256(onchain), 'store-id': STORE_ID });
    expect(run.stdout).toContain(
      `Dry run: nothing was submitted. A submission would POST to ${e2e.sandbox.url}/key-stores/${STORE_ID}/onchain-sign/output: ` +
        `store ${STORE_ID}, operation onchain-sign, file out.json (${Buffer.byteLength(onchain)} bytes, SHA-256 ${sha256(onchain)})`,
    );
    expect(run.stdout).toContain('2 outputs (2 onchain-sign-v1; 1 success, 1 fail)');
  });

  it('dry-run still checks credentials when they are given: an unreadable key fails the step as an invalid input, before any call', async () => {
    const run = await e2e.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'true', 'dfns-private-key': 'garbage-not-a-key' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([
      {
        level: 'error',
        title: 'Invalid step input',
        message:
          'step input "dfns-private-key" holds no PEM block; expected an unencrypted Ed25519, ECDSA P-256, secp256k1 or RSA (at least 2048 bits) ' +
          'private key in PEM (PKCS#8 "BEGIN PRIVATE KEY", SEC1 "BEGIN EC PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY"), ' +
          'given as multi-line text, as one line with literal \\n sequences, or as base64 of the PEM. Nothing was submitted.',
      },
    ]);
  });

  it('keeps every secret out of the log under RUNNER_DEBUG=1 too', async () => {
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' }, env: { RUNNER_DEBUG: '1' } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('::debug::');
  });
});
