/**
 * The trail every run leaves, in process (e2e.inProcess: the step of dist/, its secret scan and
 * workspace check, without a child process): a `status` output, a job summary and a receipt also
 * when the run ends early (wrong inputs, missing credentials, a missing file, an unusable
 * artifact); the warnings, the pin, the requests and who and what in both; and the checks and
 * messages a first run meets. A real run's trail on an early failure: test/e2e/trail.test.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { fixtureText, ORG_ID, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
});
afterAll(() => e2e.close());

describe('a run that ends early still leaves a status, a summary and a receipt', () => {
  it.each([
    [
      'an invalid input value',
      { 'timeout-seconds': 'soon' },
      'step input "timeout-seconds" must be a number of seconds above 0 and at most 3600, got "soon". Nothing was submitted.',
    ],
    [
      'an unknown operation',
      { operation: 'onchain_sign' },
      'step input "operation" must be one of onchain-sign, proof-of-control, genesis, clone, add-mac-user, add-provisioner, key-harvest, ' +
        'or empty for the operation the file is for; got "onchain_sign". Nothing was submitted.',
    ],
    [
      'missing credentials',
      { 'dfns-token': '', 'dfns-private-key': '' },
      '"dfns-token", "dfns-private-key" are required to submit (pass them from repository secrets), or set "dry-run: true" to validate ' +
        'without submitting. Nothing was submitted.',
    ],
  ])('%s', async (_, inputs, message) => {
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', ...inputs } });
    expect(run.exitCode).toBe(1);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.outputs).toEqual({
      status: 'failed',
      'receipt-path': expect.stringMatching(/dfns-keystore-output-receipt-4242-1-\d+\.json$/),
    });
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([{ level: 'error', title: 'Invalid step input', message }]);
    expect(run.summary).toContain('### ❌ Output not submitted');
    expect(run.summary).toContain(`> ${message.replace(/_/g, '\\_')}`);
    expect(receiptOf(run)).toMatchObject({
      outcome: 'failed',
      status: 'failed',
      message,
      dryRun: null,
      pin: { expectedChecksum: null, matched: null },
      file: null,
      output: null,
      request: null,
      answer: null,
      requests: [],
      warnings: [],
      github: { repository: 'acme/keystore-ops', runId: 4242, actor: 'octocat' },
    });
  });

  it('a missing file: the inputs are known, the file is not', async () => {
    const run = await e2e.inProcess.submit({ inputs: { path: 'fleet/missing.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.annotations.find((a) => a.level === 'error')).toMatchObject({
      title: 'Output file not found',
      message: expect.stringMatching(/^no file at "fleet\/missing\.json": searched the workspace \(.+\)\. Nothing was submitted\.$/),
    });
    expect(receiptOf(run)).toMatchObject({
      outcome: 'failed',
      dryRun: false,
      file: null,
      request: { apiUrl: e2e.sandbox.url, credentialId: e2e.credential.credentialId, endpoint: null, operation: null, storeId: null },
    });
    expect(run.summary).toContain(`| Credential | \`${e2e.credential.credentialId}\` |`);
  });

  it('an artifact that cannot be used (GitHub Enterprise Server)', async () => {
    const run = await e2e.inProcess.submit({
      inputs: { 'artifact-name': 'fleet-output' },
      env: { GITHUB_SERVER_URL: 'https://github.acme.internal' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.annotations.find((a) => a.level === 'error')?.title).toBe('Artifact not usable');
    expect(receiptOf(run)).toMatchObject({
      outcome: 'failed',
      artifact: null,
      file: null,
      github: { serverUrl: 'https://github.acme.internal' },
    });
    expect(run.summary).toContain('### ❌ Output not submitted');
  });

  it('titles a glob that matches several files as such', async () => {
    const run = await e2e.inProcess.submit({ files: { 'a/one.json': onchain, 'a/two.json': onchain }, inputs: { path: 'a/*.json' } });
    expect(run.annotations.find((a) => a.level === 'error')?.title).toBe('Glob matches several files');
    expect(receiptOf(run).outcome).toBe('failed');
  });
});

describe('the receipt: where it goes', () => {
  it('creates the folders of receipt-path', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'true', 'receipt-path': 'audit/2026/12/receipt.json' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['receipt-path']).toBe(join(run.workspace, 'audit/2026/12/receipt.json'));
    expect(receiptOf(run).outcome).toBe('dry-run');
  });

  it('fails the step before any call when receipt-path cannot be written', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain, 'audit/receipt.json/.keep': '' },
      inputs: { path: 'out.json', 'receipt-path': 'audit/receipt.json' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.outputs['status']).toBe('failed');
    expect(run.outputs['receipt-path']).toBeUndefined();
    expect(run.receiptText, 'no receipt').toBeUndefined();
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([
      {
        level: 'error',
        title: 'Receipt not written',
        message:
          `cannot write the receipt to ${join(run.workspace, 'audit/receipt.json')} ("receipt-path"): a folder is there, and the action only writes regular files: ` +
          'give the path of a new file. Nothing was submitted.',
      },
    ]);
    expect(run.summary).toContain('### ❌ Output not submitted');
  });
});

describe('the receipt and the summary: what an auditor reads', () => {
  it('record every warning, with its title', async () => {
    e2e.sandbox.addKeyStore('ks-other');
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'store-id': 'ks-other' } });
    expect(run.exitCode).toBe(0);
    const warning = {
      title: 'store-id differs from the output',
      message: `step input "store-id" (ks-other) differs from the output's keystore_id (${STORE_ID}); submitting to step input "store-id". Check that this output belongs to that key store.`,
    };
    expect(receiptOf(run).warnings).toEqual([warning]);
    expect(run.summary).toContain('#### Warnings (1)');
    expect(run.summary).toContain(
      `- **store-id differs from the output**: step input "store-id" (ks-other) differs from the output's keystore\\_id (${STORE_ID}); submitting to step input "store-id". Check that this output belongs to that key store.`,
    );
  });

  it('record a token that is not a JWT, and an organisation mismatch', async () => {
    const opaque = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'true', 'dfns-token': 'opaque-token-value' },
    });
    expect(receiptOf(opaque).warnings.map((w: { title: string }) => w.title)).toEqual(['Dfns token not checked']);
    const other = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: {
        path: 'out.json',
        'dry-run': 'true',
        'dfns-token': e2e.sandbox.issueToken({ orgId: 'or-elsewhere', expiresInSeconds: 30 * 86400 }),
      },
    });
    expect(receiptOf(other).warnings).toEqual([
      {
        title: 'Organisation mismatch',
        message: `the Dfns token belongs to organisation or-elsewhere, but the output's org_id is ${ORG_ID}: Dfns will likely refuse it. Check that the output and the service account belong to the same organisation`,
      },
    ]);
    expect(other.summary).toContain('- **Organisation mismatch**: the Dfns token belongs to organisation or-elsewhere');
  });

  it('record the pin: the expected checksum, and whether the file had it', async () => {
    const pinned = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'expected-checksum': `sha256:${sha256(onchain).toUpperCase()}` },
    });
    expect(pinned.exitCode).toBe(0);
    expect(receiptOf(pinned).pin).toEqual({ expectedChecksum: sha256(onchain), matched: true });
    expect(pinned.summary).toContain(`| Pinned checksum | \`${sha256(onchain)}\`: the file has it |`);

    const unpinned = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'true', 'expected-checksum': '' },
    });
    expect(receiptOf(unpinned).pin).toEqual({ expectedChecksum: null, matched: null });
    expect(unpinned.summary).toContain('| Pinned checksum | none (no `expected-checksum`) |');

    const wrong = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'expected-checksum': 'f'.repeat(64) },
    });
    expect(wrong.exitCode).toBe(1);
    expect(receiptOf(wrong).pin).toEqual({ expectedChecksum: 'f'.repeat(64), matched: false });
    expect(wrong.summary).toContain(`| Pinned checksum | \`${'f'.repeat(64)}\`: the file does not have it |`);
  });

  it('show who submitted what, from which run, as whom, and the requests made', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json' },
      env: { GITHUB_RUN_ATTEMPT: '3' },
    });
    expect(run.exitCode).toBe(0);
    for (const row of [
      `| Key store | \`${STORE_ID}\` |`,
      `| Organisation | \`${ORG_ID}\` |`,
      '| Fleet | `fl-6v0lr-c1o3e-8q1e6r3d2b9m7k4a` |',
      '| Group | `gr-4h8k2-p0s9d-7f6g5h4j3k2l1m0n` |',
      `| Dfns API | \`${e2e.sandbox.url}\` |`,
      `| Credential | \`${e2e.credential.credentialId}\` |`,
      '| Requests to Dfns | init 200, action 200, submit 200 |',
      '| Commit | `0123456789abcdef0123456789abcdef01234567` |',
      '| Actor | `octocat` |',
      '| Workflow | Submit keystore output, job `submit`, attempt 3 |',
      '| Workflow run | [https://github.com/acme/keystore-ops/actions/runs/4242/attempts/3](https://github.com/acme/keystore-ops/actions/runs/4242/attempts/3) |',
    ]) {
      expect(run.summary).toContain(row);
    }
    expect(receiptOf(run).requests.map((r: { call: string; httpStatus: number }) => `${r.call} ${r.httpStatus}`)).toEqual([
      'init 200',
      'action 200',
      'submit 200',
    ]);
  });
});

describe('a first run without surprises', () => {
  it('refuses a credential id that is not of the cr- form, before any call, without echoing it', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dfns-credential-id': 'my-service-account' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(failureMessage(run)).toBe(
      'step input "dfns-credential-id" must be the service account credential id shown in the Dfns dashboard: "cr-" then letters, digits and dashes ' +
        '(cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx); got 18 characters not starting with "cr-" (not shown, in case it is a misplaced secret). Nothing was submitted.',
    );
    expect(run.visibleText).not.toContain('my-service-account');
  });
});
