/**
 * What a run leaves for an auditor, through dist/index.js: the receipt for each outcome, the job
 * summary, the annotations, and the pre-flight checks made before any network call.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../github/github-stand-in.ts';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { fixtureText, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const onchain = fixtureText('onchain-sign-output.json');
const ORG = 'or-2ka7p-8ft3m-9ocdbc9cnq1i5sg7';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('secp256k1');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());

const submitFixture = (inputs: Record<string, string> = {}, files: Record<string, string | Uint8Array> = { 'out.json': onchain }) =>
  e2e.submit({ files, inputs: { path: Object.keys(files)[0]!, ...inputs } });

describe('the receipt', () => {
  it('records a successful submission: who, from which run, which file, what Dfns answered', async () => {
    const before = Date.now();
    const run = await submitFixture();
    expect(run.exitCode).toBe(0);
    const receipt = receiptOf(run);
    expect(receipt).toEqual({
      receiptVersion: 2,
      kind: 'output',
      action: { name: 'dfns-keystore-output-action', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) },
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      outcome: 'submitted',
      status: 'success',
      message: null,
      github: {
        serverUrl: 'https://github.com',
        repository: 'acme/keystore-ops',
        workflow: 'Submit keystore output',
        job: 'submit',
        runId: 4242,
        runAttempt: 1,
        runUrl: 'https://github.com/acme/keystore-ops/actions/runs/4242',
        event: 'workflow_dispatch',
        actor: 'octocat',
        sha: '0123456789abcdef0123456789abcdef01234567',
        ref: '',
      },
      dryRun: false,
      pin: { expectedChecksum: null, matched: null },
      artifact: null,
      file: { name: 'out.json', path: 'out.json', size: Buffer.byteLength(onchain), sha256: sha256(onchain), shape: 'json', entry: null },
      output: {
        type: 'keystore-output',
        org_id: ORG,
        fleet_id: 'fl-6v0lr-c1o3e-8q1e6r3d2b9m7k4a',
        keystore_id: STORE_ID,
        group_id: 'gr-4h8k2-p0s9d-7f6g5h4j3k2l1m0n',
        status: 'partial',
        counts: { total: 2, byKind: { 'onchain-sign-v1': 2 }, success: 1, fail: 1 },
      },
      request: {
        apiUrl: e2e.sandbox.url,
        endpoint: `${e2e.sandbox.url}/key-stores/${STORE_ID}/onchain-sign/output`,
        operation: 'onchain-sign',
        operationFrom: 'file',
        storeId: STORE_ID,
        credentialId: e2e.credential.credentialId,
      },
      answer: {
        call: 'submit',
        httpStatus: 200,
        dfnsStatus: 'success',
        dfnsMessage: null,
        errorMessage: null,
        errorId: null,
        requestId: null,
        attempts: 1,
      },
      checks: [],
      requests: ['init', 'action', 'submit'].map((call) => ({
        call,
        attempt: 1,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        durationMs: expect.any(Number),
        httpStatus: 200,
        networkError: null,
        requestId: null,
      })),
      warnings: [],
    });
    const started = Date.parse(receipt.startedAt);
    expect(started).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(receipt.finishedAt)).toBeGreaterThanOrEqual(started);
    expect(run.stdout).toContain(`Receipt written to ${run.outputs['receipt-path']}`);
  });

  it('records the archive entry for an output archive', async () => {
    const zip = makeZip([{ name: 'out/keystore-output.json', data: onchain, method: 8 }]);
    const receipt = receiptOf(await submitFixture({ 'dry-run': 'true' }, { 'o.zip': zip }));
    expect(receipt.file).toEqual({
      name: 'o.zip',
      path: 'o.zip',
      size: zip.byteLength,
      sha256: sha256(zip),
      shape: 'archive',
      entry: 'out/keystore-output.json',
    });
  });

  it('records an archive that holds no keystore output as an archive, with no entry', async () => {
    const zip = makeZip([{ name: 'README.txt', data: 'nothing here' }]);
    const run = await submitFixture({ 'dry-run': 'true' }, { 'o.zip': zip });
    expect(run.exitCode).toBe(1);
    const receipt = receiptOf(run);
    expect(receipt.outcome).toBe('failed');
    expect(receipt.file).toEqual({
      name: 'o.zip',
      path: 'o.zip',
      size: zip.byteLength,
      sha256: sha256(zip),
      shape: 'archive',
      entry: null,
    });
  });

  it('records partial, and fails the step on it only with fail-on-partial', async () => {
    e2e.sandbox.setSubmissionAnswer({ status: 200, body: { status: 'partial' } });
    try {
      const run = await submitFixture();
      expect(run.exitCode).toBe(0);
      expect(receiptOf(run)).toMatchObject({ outcome: 'partial', status: 'partial', answer: { httpStatus: 200, dfnsStatus: 'partial' } });
      const strict = await submitFixture({ 'fail-on-partial': 'true' });
      expect(strict.exitCode).toBe(1);
      expect(strict.outputs['status']).toBe('partial');
      expect(strict.annotations).toContainEqual({
        level: 'error',
        title: 'Partial submission',
        message: 'Dfns answered "partial" and "fail-on-partial" is true: the output was submitted, but not every entry was accepted',
      });
      expect(receiptOf(strict)).toMatchObject({ outcome: 'partial', message: expect.stringContaining('fail-on-partial') });
    } finally {
      e2e.sandbox.resetSubmissionAnswer();
    }
  });

  it('records a submission held for approval by a Dfns policy (202) and succeeds with a warning', async () => {
    e2e.sandbox.setSubmissionAnswer({ status: 202, body: { id: 'ap-3b1c9-approval', status: 'Pending', kind: 'Policy' } });
    try {
      const run = await submitFixture();
      expect(run.exitCode).toBe(0);
      expect(run.outputs['status']).toBe('pending-approval');
      expect(run.annotations).toContainEqual({
        level: 'warning',
        title: 'Submission pending approval',
        message:
          'Dfns holds the submission for approval by a policy (HTTP 202): approval ap-3b1c9-approval, status Pending. It takes effect once approved in Dfns.',
      });
      expect(receiptOf(run)).toMatchObject({
        outcome: 'pending-approval',
        status: 'pending-approval',
        answer: { httpStatus: 202, dfnsStatus: 'pending-approval', errorMessage: 'approval ap-3b1c9-approval, status Pending' },
      });
      expect(run.summary).toContain('### ⏳ Output submitted (`onchain-sign`): held by a Dfns policy for approval');
    } finally {
      e2e.sandbox.resetSubmissionAnswer();
    }
  });

  it('records a dry run: the request that would be sent, no answer', async () => {
    const run = await submitFixture({ 'dry-run': 'true' });
    expect(receiptOf(run)).toMatchObject({ outcome: 'dry-run', status: 'dry-run', answer: null, request: { storeId: STORE_ID } });
  });

  it('records a rejection with the status, message and Dfns error id', async () => {
    const run = await submitFixture({ 'store-id': 'ks-nowhere' });
    expect(run.exitCode).toBe(1);
    const receipt = receiptOf(run);
    expect(receipt).toMatchObject({
      outcome: 'rejected',
      status: 'rejected',
      message: expect.stringMatching(/^Dfns answered 404 while submitting the output/),
      answer: {
        call: 'submit',
        httpStatus: 404,
        dfnsStatus: null,
        errorMessage: expect.any(String),
        errorId: expect.stringMatching(/^\d+$/),
      },
    });
    expect(run.summary).toContain(`error id \`${receipt.answer.errorId}\``);
  });

  it('records a validation failure: the file, no output, the message', async () => {
    const run = await submitFixture({}, { 'bad.json': onchain.replace('"version": 1', '"version": 7') });
    expect(run.exitCode).toBe(1);
    expect(receiptOf(run)).toMatchObject({
      outcome: 'failed',
      status: 'failed',
      message: expect.stringContaining('version: expected 1, got 7'),
      file: { name: 'bad.json', shape: 'json' },
      output: null,
      request: {
        apiUrl: e2e.sandbox.url,
        credentialId: e2e.credential.credentialId,
        endpoint: null,
        operation: null,
        operationFrom: null,
        storeId: null,
      },
      answer: null,
      requests: [],
    });
  });

  it('is written where receipt-path says, relative to the workspace', async () => {
    const run = await submitFixture(
      { 'dry-run': 'true', 'receipt-path': 'audit/receipt.json' },
      { 'out.json': onchain, 'audit/.keep': '' },
    );
    expect(run.outputs['receipt-path']).toBe(`${run.workspace}/audit/receipt.json`);
    expect(JSON.parse(readFileSync(`${run.workspace}/audit/receipt.json`, 'utf8')).outcome).toBe('dry-run');
  });

  it('is written also when the run failed before reading a file: no file, the message', async () => {
    const run = await e2e.submit({ inputs: { path: 'nothing-here.json' } });
    expect(run.exitCode).toBe(1);
    expect(receiptOf(run)).toMatchObject({
      outcome: 'failed',
      file: null,
      output: null,
      message: expect.stringMatching(/^no file at "nothing-here\.json"/),
    });
    expect(run.summary).toContain('### ❌ Output not submitted');
  });
});

describe('the receipt as an artifact', () => {
  let github: GitHubStandIn;
  beforeAll(async () => {
    github = await startGitHubStandIn({ repository: 'acme/keystore-ops', runId: 4242 });
  });
  afterAll(() => github.close());

  it('is uploaded to the current run when receipt-artifact-name is set', async () => {
    const run = await e2e.submit({
      files: { 'out.json': onchain },
      env: github.env(),
      inputs: { path: 'out.json', 'receipt-artifact-name': 'dfns-receipt' },
    });
    expect(run.exitCode).toBe(0);
    const upload = github.uploads.find((u) => u.name === 'dfns-receipt');
    expect(upload).toBeDefined();
    const files = Object.entries(upload!.files);
    expect(files).toHaveLength(1);
    expect(files[0]![1].toString('utf8')).toBe(run.receiptText);
    expect(run.stdout).toMatch(/Receipt uploaded as artifact "dfns-receipt" \(id \d+, file dfns-keystore-output-receipt-/);
  });

  it('warns, and keeps the step green, when the upload fails after a submission', async () => {
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'receipt-artifact-name': 'dfns-receipt' } });
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        title: 'Receipt not uploaded',
        message: expect.stringMatching(/^could not upload the receipt as artifact "dfns-receipt": /),
      }),
    );
  });
});

describe('the job summary', () => {
  it('has a verdict, the facts, and the outputs the fleet failed', async () => {
    const run = await submitFixture();
    expect(run.summary).toContain('### ✅ Output submitted to Dfns (`onchain-sign`)');
    for (const row of [
      `| Key store | \`${STORE_ID}\` |`,
      '| Operation | `onchain-sign` (taken from the file) |',
      '| Document | `keystore-output` |',
      '| File | `out.json` |',
      `| Size | ${Buffer.byteLength(onchain).toLocaleString('en-US')} bytes |`,
      `| SHA-256 | \`${sha256(onchain)}\` |`,
      '| Output status | `partial` |',
      '| Outputs | 2 outputs (2 onchain-sign-v1; 1 success, 1 fail) |',
      '| Dfns answer | success (HTTP 200) |',
      '| Workflow run | [https://github.com/acme/keystore-ops/actions/runs/4242](https://github.com/acme/keystore-ops/actions/runs/4242) |',
    ]) {
      expect(run.summary).toContain(row);
    }
    expect(run.summary).toContain('#### Outputs the fleet reported as failed (1)');
    expect(run.summary).toContain('| `req-2` | `KEY_NOT_FOUND` | no key with that id in this group |');
  });

  it('lists the first 20 failed outputs, then a count, with hostile text neutralised', async () => {
    const doc = JSON.parse(onchain);
    for (let i = 0; i < 25; i++) {
      doc.outputs[`f-${String(i).padStart(2, '0')}`] = {
        type: 'onchain-sign-v1',
        result: { fail: { code: 'E|X', message: '<img src=x onerror=alert(1)> | **bold**' } },
      };
    }
    const run = await submitFixture({ 'dry-run': 'true' }, { 'many.json': JSON.stringify(doc) });
    expect(run.summary).toContain('#### Outputs the fleet reported as failed (26)');
    expect(run.summary).toContain('… and 6 more (see the output file).');
    expect(run.summary).toContain('| `f-00` | `E X` | &lt;img src=x onerror=alert(1)&gt; \\| \\*\\*bold\\*\\* |');
    expect(run.summary).not.toContain('<img');
  });

  it('says clearly that a dry run submitted nothing', async () => {
    const run = await submitFixture({ 'dry-run': 'true' });
    expect(run.summary).toContain('### 🧪 Dry run (`onchain-sign`): the output is valid; nothing was submitted to Dfns');
    expect(run.summary).toContain('| Dfns answer | none: dry run, no request was sent |');
  });

  it('links the artifact and its run', async () => {
    const github = await startGitHubStandIn({ repository: 'acme/keystore-ops', runId: 4242 });
    try {
      const zip = makeZip([{ name: 'o.json', data: onchain }]);
      const { id } = github.addCurrentRunArtifact({ name: 'fleet-output', zip });
      const run = await e2e.submit({ env: github.env(), inputs: { 'artifact-name': 'fleet-output', 'dry-run': 'true' } });
      expect(run.summary).toContain(
        `| Artifact | \`fleet-output\` (id ${id}, \`sha256:${sha256(zip)}\`) of run 4242 in \`acme/keystore-ops\` |`,
      );
      expect(receiptOf(run).artifact).toEqual({
        name: 'fleet-output',
        id,
        digest: `sha256:${sha256(zip)}`,
        repository: 'acme/keystore-ops',
        runId: 4242,
      });
    } finally {
      await github.close();
    }
  });
});

describe('annotations', () => {
  it('titles a validation failure', async () => {
    const run = await submitFixture({}, { 'bad.json': onchain.replace('"status": "partial"', '"status": "nope"') });
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([
      {
        level: 'error',
        title: 'Invalid output file',
        message:
          'bad.json: the keystore output does not match Dfns\'s schema (1 violation):\n  - status: expected "success" or "partial" or "fail", got "nope"\n' +
          'Nothing was submitted.',
      },
    ]);
  });

  it('titles a checksum mismatch and a rejection', async () => {
    const mismatch = await submitFixture({ 'expected-checksum': '0'.repeat(64) });
    expect(mismatch.annotations.find((a) => a.level === 'error')?.title).toBe('Checksum mismatch');
    const rejected = await submitFixture({ 'store-id': 'ks-nowhere' });
    expect(rejected.annotations.find((a) => a.level === 'error')?.title).toBe('Dfns refused the request');
  });
});

describe('pre-flight checks, before any network call', () => {
  it('fails when the token has expired', async () => {
    const expired = e2e.sandbox.issueToken({ expiresInSeconds: -3600 });
    const run = await submitFixture({ 'dfns-token': expired });
    expect(run.exitCode).toBe(1);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(failureMessage(run)).toMatch(
      /^the Dfns token expired on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z: create a new token for the service account and update the "dfns-token" secret\. Nothing was submitted\.$/,
    );
    expect(run.annotations.find((a) => a.level === 'error')?.title).toBe('Dfns token expired');
    expect(receiptOf(run)).toMatchObject({ outcome: 'failed', answer: null });
  });

  it('warns when the token expires within 7 days, and still submits', async () => {
    const soon = e2e.sandbox.issueToken({ expiresInSeconds: 3 * 24 * 3600 + 600 });
    const run = await submitFixture({ 'dfns-token': soon });
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        title: 'Dfns token expires soon',
        message: expect.stringMatching(/^the Dfns token expires on .+ \(in 3 days\)/),
      }),
    );
  });

  it("warns, naming both, when the token's organisation is not the output's", async () => {
    const other = e2e.sandbox.issueToken({ orgId: 'or-someone-else' });
    const run = await submitFixture({ 'dry-run': 'true', 'dfns-token': other });
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'Organisation mismatch',
      message: `the Dfns token belongs to organisation or-someone-else, but the output's org_id is ${ORG}: Dfns will likely refuse it. Check that the output and the service account belong to the same organisation`,
    });
  });

  it('warns that the fleet reported failure, and still submits the output', async () => {
    const failed = onchain.replace('"status": "partial"', '"status": "fail"');
    const run = await submitFixture({}, { 'failed.json': failed });
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'Fleet reported failure',
      message:
        'the fleet reported failure: the output\'s status is "fail" (1 of 2 outputs failed). It is still submitted, because Dfns must learn of it.',
    });
    expect(
      run.seen.submissions.map((s) => s.accepted),
      'submitted once',
    ).toEqual([true]);
  });
});
