/**
 * What a run leaves for an auditor, in process (e2e.inProcess: the step of dist/, its secret scan
 * and workspace check, without a child process): the receipt for each outcome, the job summary,
 * the annotations, and the pre-flight checks made before any network call. A real run's receipt,
 * summary and outputs: test/e2e/report.test.ts.
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
  e2e.inProcess.submit({ files, inputs: { path: Object.keys(files)[0]!, ...inputs } });

describe('the receipt', () => {
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
    const run = await e2e.inProcess.submit({ inputs: { path: 'nothing-here.json' } });
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
    const run = await e2e.inProcess.submit({
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
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'receipt-artifact-name': 'dfns-receipt' },
    });
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
      const run = await e2e.inProcess.submit({ env: github.env(), inputs: { 'artifact-name': 'fleet-output', 'dry-run': 'true' } });
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
