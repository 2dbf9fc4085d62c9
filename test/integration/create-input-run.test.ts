/**
 * runCreateInput() in this process against the Dfns sandbox, with the retry waits replaced: the
 * input action's pipeline, refusals and reports. The same code as dist/create-input/, without a child
 * process (the end-to-end tests run that).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { parseCreateInputStepInputs } from '../../src/actions/create-input/step-inputs.ts';
import { runCreateInput } from '../../src/actions/create-input/run.ts';
import type { RunEnv } from '../../src/runner/io.ts';
import { describeBytes } from '../../src/dfns/create-input-archive.ts';
import { BACKOFF_BASE_MS } from '../../src/dfns/retry.ts';
import { listZip } from '../../src/file/zip.ts';
import { makeWorkspace } from '../helpers/action-runner.ts';
import { onlyOne, sha256, startE2E, STORE_ID, watchSandbox, type E2E } from '../helpers/e2e.ts';
import { RecordingIO } from '../helpers/recording-io.ts';
import { expectNoSecrets } from '../helpers/secrets.ts';
import { GATEWAY_TOO_LARGE_MESSAGE, type DfnsSandbox } from '../sandbox/dfns-sandbox.ts';
import { runnerInputs } from '../helpers/runner-inputs.ts';

let e2e: E2E;
let sandbox: DfnsSandbox;
let workspace: string;
let sleeps: number[];

beforeAll(async () => {
  e2e = await startE2E('ed25519');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
  sandbox = e2e.sandbox;
});
afterAll(() => e2e.close());
beforeEach(() => {
  sleeps = [];
  workspace = makeWorkspace();
});
afterEach(() => {
  sandbox.clearFaults();
  rmSync(workspace, { recursive: true, force: true });
});

/** A regular expression matching `text` literally. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The .zip files in the workspace (where the archive goes by default: RUNNER_TEMP is the workspace here). */
const zipsWritten = (): string[] => readdirSync(workspace).filter((name) => name.endsWith('.zip'));

function env(): RunEnv {
  return {
    workspace,
    run: {
      serverUrl: 'https://github.com',
      repository: 'acme/ops',
      runId: 9,
      eventName: 'workflow_dispatch',
      eventPath: undefined,
      runnerTemp: workspace,
    },
    github: {
      serverUrl: 'https://github.com',
      repository: 'acme/ops',
      workflow: 'Fleet input',
      job: 'create',
      runId: 9,
      runAttempt: 1,
      event: 'workflow_dispatch',
      actor: 'me',
      sha: 'abc',
      ref: 'refs/heads/main',
    },
    sleep: async (ms) => void sleeps.push(ms),
  };
}

/** Runs the input action with the sandbox's credentials (and input/action.yml's defaults), and checks that no secret shows. */
async function go(given: Record<string, string>, io = new RecordingIO()) {
  const raw = runnerInputs('create-input', {
    'store-id': STORE_ID,
    'dfns-api-url': sandbox.url,
    'dfns-token': e2e.token,
    'dfns-credential-id': e2e.credential.credentialId,
    'dfns-private-key': e2e.credential.privateKeyPem,
    ...given,
  });
  const result = await runCreateInput(raw, env(), io);
  const receipt = result.receiptPath ? (JSON.parse(readFileSync(result.receiptPath, 'utf8')) as Record<string, any>) : undefined;
  const userActions = sandbox.inputs.map((i) => i.userActionToken).filter(Boolean);
  expectNoSecrets({ output: io.text, receipt: JSON.stringify(receipt ?? {}) }, [...e2e.secrets, ...userActions]);
  return { result, io, receipt };
}

describe('runCreateInput()', () => {
  it('creates the input: the archive written, described and reported', async () => {
    const seen = watchSandbox(sandbox);
    const { result, io, receipt } = await go({ operation: 'proof-of-control', request: '{"walletIds": ["wa-1", "wa-2"]}' });
    expect(result).toMatchObject({ outcome: 'created', status: 'created' });
    const path = join(workspace, `dfns-proof-of-control-input-${STORE_ID}.zip`);
    const archive = readFileSync(path);
    // One input request, and the file holds exactly the archive the sandbox answered.
    const recorded = onlyOne(seen().inputs, 'input request');
    expect(recorded).toMatchObject({
      accepted: true,
      operation: 'proof-of-control',
      storeId: STORE_ID,
      body: '{"walletIds":["wa-1","wa-2"]}',
    });
    expect(recorded.archive).toBeInstanceOf(Buffer);
    expect(archive.equals(recorded.archive!), 'the archive written is the one the sandbox answered').toBe(true);
    expect(listZip(archive).map((e) => e.name)).toEqual(['input/input.json', 'input-annex/wrapped-keystore.jsonl']);
    expect(io.outputs).toEqual({
      status: 'created',
      path,
      checksum: sha256(archive),
      size: String(archive.byteLength),
      entries: '["input/input.json","input-annex/wrapped-keystore.jsonl"]',
      'group-id': recorded.groupId,
      'receipt-path': result.receiptPath,
    });
    expect(receipt).toMatchObject({
      kind: 'input-archive',
      body: { walletIds: ['wa-1', 'wa-2'] },
      archive: { path, sha256: sha256(archive), groupId: recorded.groupId },
    });
    expect(io.summary).toContain('| Entries | `input/input.json`, `input-annex/wrapped-keystore.jsonl` |');
  });

  it('retries a 503 from a fresh challenge, waiting as the policy says', async () => {
    sandbox.injectFault('create', { kind: 'status', status: 503 });
    const before = sandbox.inputs.length;
    const { result, receipt } = await go({ operation: 'onchain-sign' });
    expect(result.outcome).toBe('created');
    expect(sleeps).toHaveLength(1);
    // Full jitter over the first attempt's ceiling: from half the base to the base.
    expect(sleeps[0]).toBeGreaterThanOrEqual(BACKOFF_BASE_MS / 2);
    expect(sleeps[0]).toBeLessThanOrEqual(BACKOFF_BASE_MS);
    expect(receipt!['warnings']).toEqual([
      {
        title: 'Dfns call retried',
        message: expect.stringMatching(
          new RegExp(
            `^Dfns create attempt 1 of 3 failed: Dfns answered 503 while creating the input archive: service unavailable \\(Dfns error id \\d+\\)\\. ` +
              `No input archive was created: retrying from a fresh challenge in ${literal((sleeps[0]! / 1000).toFixed(1))} s\\.$`,
          ),
        ),
      },
    ]);
    expect(sandbox.inputs.slice(before).map((i) => i.accepted)).toEqual([false, true]);
    expect(receipt!['requests'].map((r: { call: string; httpStatus: number }) => `${r.call} ${r.httpStatus}`)).toEqual([
      'init 200',
      'action 200',
      'create 503',
      'init 200',
      'action 200',
      'create 200',
    ]);
  });

  it('reports a request held for approval (202) as pending, with no archive', async () => {
    sandbox.setInputAnswer({ status: 202, body: JSON.stringify({ id: 'ap-1', status: 'Pending' }), contentType: 'application/json' });
    onTestFinished(() => sandbox.resetInputAnswer());
    const { result, io, receipt } = await go({ operation: 'onchain-sign' });
    expect(result).toMatchObject({ outcome: 'pending-approval', status: 'pending-approval' });
    expect(result.failure).toBeUndefined();
    expect(io.lines).toContain(
      "warning [Input archive pending approval]: Dfns holds the input archive's creation for approval by a policy (HTTP 202): approval ap-1, status Pending. " +
        'No archive was answered: create it again once the request is approved in Dfns',
    );
    expect(receipt).toMatchObject({
      outcome: 'pending-approval',
      archive: null,
      answer: { httpStatus: 202, dfnsStatus: 'pending-approval' },
    });
    expect(io.outputs).toEqual({ status: 'pending-approval', 'receipt-path': result.receiptPath });
    expect(zipsWritten()).toEqual([]);
  });

  it('refuses an answer that is not a zip, writing nothing', async () => {
    sandbox.setInputAnswer({ status: 200, body: 'PK\u0003\u0004 but not a zip', contentType: 'application/zip' });
    onTestFinished(() => sandbox.resetInputAnswer());
    const { result, io } = await go({ operation: 'onchain-sign' });
    expect(result).toMatchObject({ outcome: 'unknown', failure: { title: 'Input archive outcome unknown' } });
    expect(result.failure!.message).toMatch(
      /^unexpected answer from Dfns while creating the input archive \(HTTP 200\): the zip archive cannot be read: .+\. Dfns may have created the input archive \(and opened a fleet operation\)\. Check the key store in Dfns before re-running this workflow: re-running could create a second input archive\. If the ceremony is abandoned, cancel its fleet operation with the cancel action \(uses: dfns\/keystore-output-action\/cancel\)\.$/,
    );
    expect(io.outputs).toEqual({ status: 'unknown', 'receipt-path': result.receiptPath });
    expect(() => readFileSync(join(workspace, `dfns-onchain-sign-input-${STORE_ID}.zip`))).toThrow(/ENOENT/);
    expect(zipsWritten()).toEqual([]);
  });

  it('warns when the archive cannot be uploaded, and stays created', async () => {
    // No runtime token: the upload fails, as it would outside a runner, whatever this process's environment.
    vi.stubEnv('ACTIONS_RUNTIME_TOKEN', '');
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const { result, io, receipt } = await go({ operation: 'onchain-sign', 'artifact-name': 'fleet-input' });
    expect(result.outcome).toBe('created');
    const path = join(workspace, `dfns-onchain-sign-input-${STORE_ID}.zip`);
    expect(io.outputs['path']).toBe(path);
    expect(io.outputs).not.toHaveProperty('artifact-id');
    const warnings = io.lines.filter((l) => l.startsWith('warning ['));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        '^warning \\[Input archive not uploaded\\]: could not upload the input archive as artifact "fleet-input": .+' +
          `\\. The input archive WAS created: do not re-run this workflow for it; the archive is at ${literal(path)} \\(the "path" output\\) for a later step to keep\\. ` +
          'If the ceremony is abandoned, cancel its fleet operation with the cancel action \\(uses: dfns/keystore-output-action/cancel\\)\\.$',
      ),
    );
    expect(receipt!['warnings'].map((w: { title: string }) => w.title)).toEqual(['Input archive not uploaded']);
    expect(receipt!['artifact']).toBeNull();
  });

  it('refuses, before any call, a body, a path or a receipt-path it cannot use', async () => {
    const before = sandbox.requests.length;
    const body = await go({ operation: 'genesis', request: '{"kind": "Genesis"}' });
    expect(body.result.failure).toEqual({
      outcome: 'failed',
      title: 'Invalid request body',
      message:
        'step input "request" does not match the documented body of genesis (5 violations):\n' +
        ['numProvisioners', 'numOperational', 'numSecp256k1', 'numEd25519', 'hsmGenesisSerial']
          .map((f) => `  - ${f}: is required`)
          .join('\n') +
        '\nNo input archive was created.',
    });
    writeFileSync(join(workspace, 'blocker'), '');
    const path = await go({ operation: 'onchain-sign', path: 'blocker/input.zip' });
    expect(path.result.failure).toMatchObject({ outcome: 'failed', title: 'Archive not writable' });
    expect(path.result.failure!.message).toBe(
      `cannot write the input archive to ${join(workspace, 'blocker/input.zip')} ("path"): ${join(workspace, 'blocker')} is not a folder. No input archive was created.`,
    );
    const receipt = await go({ operation: 'onchain-sign', 'receipt-path': 'blocker/receipt.json' });
    expect(receipt.result.failure).toMatchObject({ outcome: 'failed', title: 'Receipt not written' });
    expect(receipt.result.failure!.message).toBe(
      `cannot write the receipt to ${join(workspace, 'blocker/receipt.json')} ("receipt-path"): ${join(workspace, 'blocker')} is not a folder. No input archive was created.`,
    );
    expect(sandbox.requests.length).toBe(before);
  });

  it("a request too large for Dfns (413 from a gateway): rejected, in the input action's own words", async () => {
    sandbox.setBodyLimit(64);
    onTestFinished(() => sandbox.setBodyLimit(undefined));
    const before = sandbox.requests.length;
    const { result, io } = await go({ operation: 'onchain-sign' });
    expect(sandbox.requests.slice(before).map((r) => `${r.call} ${r.status}`)).toEqual(['init 413']);
    expect(result).toMatchObject({ outcome: 'rejected', status: 'rejected', failure: { title: 'Dfns refused the request' } });
    expect(result.failure!.message.replace(/Dfns error id \d+/, 'Dfns error id N')).toBe(
      `Dfns answered 413 while creating the user action challenge (POST /auth/action/init): ${GATEWAY_TOO_LARGE_MESSAGE} (Dfns error id N). ` +
        'The request was too large for Dfns (or a gateway in front of it). Dfns documents no size limit: ask Dfns support how large a request may be. ' +
        'No input archive was created.',
    );
    expect(io.outputs['status']).toBe('rejected');
  });

  it('checks the given credentials in a dry run, and sends nothing', async () => {
    const before = sandbox.requests.length;
    const { result, io } = await go({
      operation: 'key-harvest',
      request: '{"kind":"KeyHarvest","hsmTargetSerial":"H","macTargetSerial":"M","macTargetUsername":"u"}',
      'dry-run': 'true',
    });
    expect(result.outcome).toBe('dry-run');
    expect(io.lines).toContain(`Service account key: Ed25519, credential ${e2e.credential.credentialId}`);
    expect(sandbox.requests.length).toBe(before);
  });
});

describe('parseCreateInputStepInputs', () => {
  /** The inputs as the runner gives them: input/action.yml's defaults for those not given; an undeclared one is a mistake. */
  const raw = (given: Record<string, string>) => runnerInputs('create-input', given);
  const credentials = { 'dfns-token': 'tok', 'dfns-credential-id': 'cr-1', 'dfns-private-key': 'pem' };

  it('reads the inputs, with the documented defaults of input/action.yml', () => {
    expect(parseCreateInputStepInputs(raw({ operation: 'clone', 'store-id': 'ks-1', ...credentials }))).toEqual({
      operation: 'clone',
      storeId: 'ks-1',
      request: '{}',
      path: undefined,
      artifactName: undefined,
      apiUrl: new URL('https://api.dfns.io'),
      timeoutSeconds: 60,
      dryRun: undefined,
      bearerPrefixRemoved: false,
      credentials: { token: 'tok', credentialId: 'cr-1', privateKey: 'pem' },
    });
  });

  it('reads a dry run without credentials', () => {
    expect(parseCreateInputStepInputs(raw({ operation: 'clone', 'store-id': 'ks-1', 'dry-run': 'true' }))).toMatchObject({
      dryRun: 'offline',
      credentials: {},
    });
  });

  it('notices an input that input/action.yml does not declare', () => {
    expect(() => raw({ operation: 'clone', 'store-id': 'ks-1', 'expected-checksum': 'sha256:ab' })).toThrow(
      'test passes step input "expected-checksum", which action.yml does not declare',
    );
    expect(() => raw({ operation: 'clone', 'store-id': 'ks-1' })('github-token')).toThrow(
      /reads step input "github-token", which .+input\/action\.yml does not declare$/,
    );
  });
});

describe('describeBytes', () => {
  it('shows the first bytes as escaped text and in hex', () => {
    expect(describeBytes(new Uint8Array())).toBe('an empty body');
    expect(describeBytes(Buffer.from('{"a":1}'))).toBe('"{\\"a\\":1}" (bytes 7B 22 61 22 3A 31 7D)');
    expect(describeBytes(Buffer.from('x'.repeat(60)))).toBe(`"${'x'.repeat(48)}"… (bytes 78 78 78 78 78 78 78 78 …)`);
    expect(describeBytes(Buffer.from([0x1b, 0x5b, 0x33, 0x31]))).toBe('"\\x1B[31" (bytes 1B 5B 33 31)');
  });
});
