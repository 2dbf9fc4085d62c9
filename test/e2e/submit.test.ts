/**
 * The main action's contracts through the built bundle (dist/index.js), run as a runner runs it,
 * against the Dfns sandbox: a submission and what the sandbox received, a partial answer, a dry
 * run, a refused input, and the secret scan of a debug log. Each key type, the file shapes and the
 * operations one by one run in process: test/integration/key-types.test.ts and
 * test/integration/operations.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { fixtureText, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { expectOnchainSubmitted, ONCHAIN_OUTPUT } from '../helpers/output-submitted.ts';

const onchain = fixtureText('onchain-sign-output.json');

describe('a submission signed with an ed25519 key (pkcs8 PEM)', () => {
  // A sandbox of its own: the test counts every request and connection the sandbox saw.
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('ed25519', 'pkcs8');
    // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
    e2e.sandbox.setRequestIds(false);
  });
  afterAll(() => e2e?.close());

  it('validates, signs and submits the bare JSON output; Dfns gets exactly the file', async () => {
    const run = await e2e.submit({ files: { 'fleet/output.json': ONCHAIN_OUTPUT }, inputs: { path: 'fleet/*.json' } });
    expect(run.stderr).toBe('');
    expectOnchainSubmitted(e2e, run);
  });
});

describe('the outcomes of a run', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('ed25519');
  });
  afterAll(() => e2e?.close());

  it('a partial answer: status partial, the step succeeds, and one warning names the entries the fleet reported as failed', async () => {
    e2e.sandbox.setSubmissionAnswer({ status: 200, body: { status: 'partial' } });
    // Back to the default answer whatever happens, so that no other test of this sandbox gets it.
    onTestFinished(() => e2e.sandbox.resetSubmissionAnswer());
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('partial');
    expect(run.annotations.filter((a) => a.level === 'warning')).toEqual([
      {
        level: 'warning',
        title: 'Partial submission',
        message:
          'Dfns answered "partial": not every entry of the output was accepted. The fleet reported 1 entry as failed: ' +
          '"req-2" (KEY_NOT_FOUND: no key with that id in this group)',
      },
    ]);
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
