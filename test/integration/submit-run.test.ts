/**
 * runSubmit() in this process against the Dfns sandbox, with the retry waits replaced: the retry
 * policy end to end (fresh challenge per submission attempt, Retry-After, no retry where Dfns
 * may have processed it), and the reporting paths. The same code as dist/, without a child process.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { runSubmit, type RunEnv } from '../../src/actions/submit/run.ts';
import { BACKOFF_BASE_MS } from '../../src/dfns/retry.ts';
import { makeWorkspace } from '../helpers/action-runner.ts';
import { RecordingIO } from '../helpers/recording-io.ts';
import { fixtureText, startE2E, type E2E } from '../helpers/e2e.ts';
import { expectNoSecrets } from '../helpers/secrets.ts';
import type { DfnsSandbox } from '../sandbox/dfns-sandbox.ts';
import { runnerInputs } from '../helpers/runner-inputs.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
let sandbox: DfnsSandbox;
let workspace: string;
let sleeps: number[];

beforeAll(async () => {
  e2e = await startE2E('p256', 'sec1');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
  sandbox = e2e.sandbox;
});
afterAll(() => e2e.close());
beforeEach(() => {
  sandbox.clearFaults();
  sleeps = [];
  workspace = makeWorkspace({ 'out.json': onchain });
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function env(overrides: { runnerTemp?: string } = {}): RunEnv {
  return {
    workspace,
    run: {
      serverUrl: 'https://github.com',
      repository: 'acme/ops',
      runId: 1,
      eventName: 'push',
      eventPath: undefined,
      runnerTemp: overrides.runnerTemp ?? workspace,
    },
    github: {
      serverUrl: 'https://github.com',
      repository: 'acme/ops',
      workflow: 'w',
      job: 'j',
      runId: 1,
      runAttempt: 2,
      event: 'push',
      actor: 'me',
      sha: 'abc',
      ref: 'refs/heads/main',
    },
    sleep: async (ms) => void sleeps.push(ms),
  };
}

/** Runs the action with the sandbox's credentials (and action.yml's defaults), and checks that no secret shows. */
async function go(given: Record<string, string> = {}, io = new RecordingIO(), place: { runnerTemp?: string } = {}) {
  const raw = runnerInputs('submit', {
    path: 'out.json',
    'dfns-api-url': sandbox.url,
    'dfns-token': e2e.token,
    'dfns-credential-id': e2e.credential.credentialId,
    'dfns-private-key': e2e.credential.privateKeyPem,
    ...given,
  });
  const result = await runSubmit(raw, env(place), io);
  const userActions = sandbox.submissions.map((s) => s.userActionToken).filter(Boolean);
  expectNoSecrets({ output: io.text, receipt: result.receiptPath ? readFileSync(result.receiptPath, 'utf8') : '' }, [
    ...e2e.secrets,
    ...userActions,
  ]);
  return { result, io };
}

const accepted = () => sandbox.submissions.filter((s) => s.accepted).length;

describe('runSubmit() against the sandbox', () => {
  it('submits once and reports the receipt path and the run URL with its attempt', async () => {
    const before = accepted();
    const { result, io } = await go();
    expect(result).toMatchObject({ outcome: 'submitted', status: 'success' });
    expect(accepted()).toBe(before + 1);
    expect(io.secrets).toContain(sandbox.submissions.at(-1)!.userActionToken);
    expect(result.receiptPath).toBeDefined();
    expect(io.outputs['receipt-path']).toBe(result.receiptPath);
    const receipt = JSON.parse(readFileSync(result.receiptPath!, 'utf8'));
    expect(receipt.github.runUrl).toBe('https://github.com/acme/ops/actions/runs/1/attempts/2');
    expect(io.summary).toContain('[https://github.com/acme/ops/actions/runs/1/attempts/2]');
  });

  it('retries init on 503 with backoff, then submits once, recording every request and the attempts', async () => {
    sandbox.injectFault('init', { kind: 'status', status: 503 }, 2);
    const before = accepted();
    const { result, io } = await go();
    expect(result.outcome).toBe('submitted');
    // Full jitter: attempt n waits from half its ceiling (the base, doubling) to the ceiling.
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(BACKOFF_BASE_MS / 2);
    expect(sleeps[0]).toBeLessThanOrEqual(BACKOFF_BASE_MS);
    expect(sleeps[1]).toBeGreaterThanOrEqual(BACKOFF_BASE_MS);
    expect(sleeps[1]).toBeLessThanOrEqual(2 * BACKOFF_BASE_MS);
    expect(io.lines.filter((l) => l.startsWith('warning [') && l.includes('Dfns init attempt'))).toHaveLength(2);
    expect(accepted()).toBe(before + 1);
    const receipt = JSON.parse(readFileSync(result.receiptPath!, 'utf8'));
    expect(
      receipt.requests.map((r: { call: string; attempt: number; httpStatus: number }) => `${r.call} ${r.attempt} ${r.httpStatus}`),
    ).toEqual(['init 1 503', 'init 2 503', 'init 3 200', 'action 1 200', 'submit 1 200']);
    expect(receipt.answer).toMatchObject({ httpStatus: 200, attempts: 1 });
    expect(receipt.warnings).toEqual(
      [1, 2].map((n) => ({
        title: 'Dfns call retried',
        message: expect.stringMatching(
          new RegExp(
            `^Dfns init attempt ${n} of 4 failed: Dfns answered 503 while creating the user action challenge \\(POST /auth/action/init\\): ` +
              `service unavailable \\(Dfns error id \\d+\\)\\. Retrying in ${(sleeps[n - 1]! / 1000).toFixed(1).replace('.', '\\.')} s\\.$`,
          ),
        ),
      })),
    );
  });

  it('retries a 429 submission from a fresh challenge, honouring Retry-After', async () => {
    sandbox.injectFault('submit', { kind: 'status', status: 429, headers: { 'retry-after': '2' } }, 1);
    const initsBefore = sandbox.requests.filter((r) => r.call === 'init').length;
    const before = accepted();
    const { result } = await go();
    expect(result.outcome).toBe('submitted');
    expect(sleeps).toEqual([2000]);
    expect(sandbox.requests.filter((r) => r.call === 'init').length).toBe(initsBefore + 2);
    const [first, second] = sandbox.submissions.slice(-2);
    expect(first!.userActionToken).not.toBe(second!.userActionToken);
    expect(accepted()).toBe(before + 1);
  });

  it('does not wait past the deadline for a Retry-After, and says nothing was submitted', async () => {
    sandbox.injectFault('submit', { kind: 'status', status: 429, headers: { 'retry-after': '120' } }, 1);
    const { result } = await go({ 'timeout-seconds': '5' });
    expect(sleeps).toEqual([]);
    expect(result.outcome).toBe('failed');
    expect(result.failure?.message).toMatch(/^Dfns answered 429 while submitting the output: .*\. Nothing was submitted\.$/);
  });

  it('never retries a 500 on the submission: the outcome is unknown', async () => {
    sandbox.injectFault('submit', { kind: 'status', status: 500, process: true }, 1);
    const before = accepted();
    const { result, io } = await go();
    expect(result).toMatchObject({ outcome: 'unknown', status: 'unknown' });
    expect(result.failure?.title).toBe('Submission outcome unknown');
    expect(result.failure?.message).toMatch(/Check the key store in Dfns before re-running this workflow/);
    expect(sleeps).toEqual([]);
    expect(accepted()).toBe(before + 1);
    expect(io.outputs['status']).toBe('unknown');
    expect(JSON.parse(readFileSync(result.receiptPath!, 'utf8'))).toMatchObject({
      outcome: 'unknown',
      answer: { call: 'submit', httpStatus: 500 },
    });
  });

  it('never retries a 403', async () => {
    sandbox.injectFault('action', { kind: 'status', status: 403 }, 1);
    const { result } = await go();
    expect(result.outcome).toBe('rejected');
    expect(sleeps).toEqual([]);
    expect(result.failure?.message).toMatch(/^Dfns answered 403 while signing the user action \(POST \/auth\/action\)/);
  });

  it('keeps going when the job summary cannot be written', async () => {
    const io = new RecordingIO();
    io.failSummary = true;
    const { result } = await go({ 'dry-run': 'true' }, io);
    expect(result.outcome).toBe('dry-run');
    expect(io.lines).toContain('warning [Job summary not written]: could not write the job summary: summary file is read-only');
  });

  it('creates the folders of receipt-path', async () => {
    const { result, io } = await go({ 'dry-run': 'true', 'receipt-path': 'no/such/dir/receipt.json' });
    expect(result.outcome).toBe('dry-run');
    expect(result.receiptPath).toBe(join(workspace, 'no/such/dir/receipt.json'));
    expect(io.outputs['receipt-path']).toBe(result.receiptPath);
    expect(JSON.parse(readFileSync(result.receiptPath!, 'utf8'))).toMatchObject({ outcome: 'dry-run' });
  });

  it('fails before any call when receipt-path cannot be written, saying so', async () => {
    writeFileSync(join(workspace, 'blocker'), 'a file where a folder is needed');
    const before = sandbox.requests.length;
    const { result, io } = await go({ 'receipt-path': 'blocker/receipt.json' });
    expect(sandbox.requests.length).toBe(before);
    expect(result).toMatchObject({ outcome: 'failed', status: 'failed', failure: { title: 'Receipt not written' } });
    expect(result.failure?.message).toBe(
      `cannot write the receipt to ${join(workspace, 'blocker/receipt.json')} ("receipt-path"): ${join(workspace, 'blocker')} is not a folder. Nothing was submitted.`,
    );
    expect(result.receiptPath).toBeUndefined();
    expect(io.outputs['status']).toBe('failed');
    expect(io.summary).toContain('### ❌ Output not submitted');
  });

  it('warns, without failing, when the receipt cannot be written at its default place', async () => {
    writeFileSync(join(workspace, 'not-a-folder'), '');
    const { result, io } = await go({ 'dry-run': 'true' }, new RecordingIO(), { runnerTemp: join(workspace, 'not-a-folder') });
    expect(result.outcome).toBe('dry-run');
    expect(result.failure).toBeUndefined();
    expect(result.receiptPath).toBeUndefined();
    const warning = io.lines.find((line) => line.startsWith('warning [Receipt not written]'));
    expect(warning?.replace(/dfns-keystore-output-receipt-1-2-\d+\.json/, 'RECEIPT')).toBe(
      `warning [Receipt not written]: could not write the receipt to ${join(workspace, 'not-a-folder', 'RECEIPT')}: ${join(workspace, 'not-a-folder')} is not a folder. ` +
        'The job summary holds the same facts',
    );
  });

  it('records the attempts of a submission retried after a 429, and of one that failed for good', async () => {
    sandbox.injectFault('submit', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 1);
    const retried = JSON.parse(readFileSync((await go()).result.receiptPath!, 'utf8'));
    expect(retried.answer).toMatchObject({ httpStatus: 200, attempts: 2 });
    expect(retried.requests.map((r: { call: string; httpStatus: number }) => `${r.call} ${r.httpStatus}`)).toEqual([
      'init 200',
      'action 200',
      'submit 429',
      'init 200',
      'action 200',
      'submit 200',
    ]);
    sandbox.injectFault('submit', { kind: 'status', status: 503, headers: { 'retry-after': '0' } }, Infinity);
    onTestFinished(() => sandbox.clearFaults());
    const failedRun = (await go()).result;
    expect(failedRun).toMatchObject({ outcome: 'failed', status: 'failed' });
    expect(failedRun.failure?.message).toMatch(
      /^Dfns answered 503 while submitting the output: service unavailable \(Dfns error id \d+\)\. Nothing was submitted\.$/,
    );
    const failed = JSON.parse(readFileSync(failedRun.receiptPath!, 'utf8'));
    expect(failed).toMatchObject({ outcome: 'failed', answer: { call: 'submit', httpStatus: 503, attempts: 3 } });
  });

  it('refuses an operation the entries do not belong to, before any call, and sets no operation output', async () => {
    const before = sandbox.requests.length;
    const { result, io } = await go({ operation: 'proof-of-control' });
    expect(result).toMatchObject({
      outcome: 'failed',
      failure: {
        title: 'Operation does not match the file',
        message:
          'step input "operation" is proof-of-control, which takes proof-of-control-v1 entries, but the keystore output holds none ' +
          '(entries: 2 onchain-sign-v1): set "operation" to onchain-sign, or leave it empty to take the operation from the file. Nothing was submitted.',
      },
    });
    expect(sandbox.requests.length).toBe(before);
    expect(io.outputs['operation']).toBeUndefined();
  });
});
