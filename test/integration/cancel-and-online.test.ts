/**
 * In this process against the Dfns sandbox, with the retry waits replaced: the cancel action's
 * pipeline (runCancel) and the online dry run of each action, their refusals and reports.
 * The same code as dist/, without a child process (the end-to-end tests run that).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunEnv } from '../../src/runner/io.ts';
import { runSubmit } from '../../src/actions/submit/run.ts';
import { runCancel } from '../../src/actions/cancel/run.ts';
import { runCreateInput } from '../../src/actions/create-input/run.ts';
import { makeWorkspace } from '../helpers/action-runner.ts';
import { fixtureText, onlyOne, startE2E, STORE_ID, watchSandbox, type E2E } from '../helpers/e2e.ts';
import { RecordingIO } from '../helpers/recording-io.ts';
import { runnerInputs } from '../helpers/runner-inputs.ts';
import { expectNoSecrets } from '../helpers/secrets.ts';
import type { ActionName } from '../helpers/action-runner.ts';

let e2e: E2E;
let workspace: string;
let sleeps: number[];

beforeAll(async () => {
  e2e = await startE2E('p256');
  e2e.sandbox.addKeyStore('ks-hsm-store', { kind: 'Hsm' });
});
afterAll(() => e2e.close());
beforeEach(() => {
  sleeps = [];
  workspace = makeWorkspace();
  e2e.sandbox.clearFaults();
  e2e.sandbox.setKeyStoresReadable(true);
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function env(): RunEnv {
  return {
    workspace,
    run: {
      serverUrl: 'https://github.com',
      repository: 'acme/ops',
      runId: 3,
      eventName: 'workflow_dispatch',
      eventPath: undefined,
      runnerTemp: workspace,
    },
    github: {
      serverUrl: 'https://github.com',
      repository: 'acme/ops',
      workflow: 'Fleet',
      job: 'cancel',
      runId: 3,
      runAttempt: 1,
      event: 'workflow_dispatch',
      actor: 'me',
      sha: 'abc',
      ref: 'refs/heads/main',
    },
    sleep: async (ms) => void sleeps.push(ms),
  };
}

const RUNS = { submit: runSubmit, 'create-input': runCreateInput, cancel: runCancel };

/** Runs an action in this process with the sandbox's credentials, and checks that no secret shows. */
async function go(action: Exclude<ActionName, never>, given: Record<string, string>) {
  const io = new RecordingIO();
  const raw = runnerInputs(action, {
    'dfns-api-url': e2e.sandbox.url,
    'dfns-token': e2e.token,
    'dfns-credential-id': e2e.credential.credentialId,
    'dfns-private-key': e2e.credential.privateKeyPem,
    ...given,
  });
  const seen = watchSandbox(e2e.sandbox);
  const result = await RUNS[action](raw, env(), io);
  const receipt = result.receiptPath ? (JSON.parse(readFileSync(result.receiptPath, 'utf8')) as Record<string, any>) : undefined;
  expectNoSecrets({ output: io.text, receipt: JSON.stringify(receipt ?? {}) }, [...e2e.secrets, ...e2e.sandbox.userActionTokens]);
  return { result, io, receipt, seen: seen() };
}

/** A genesis input created: its group open at the sandbox. */
async function openGroup(): Promise<string> {
  const request = '{"kind":"Genesis","numProvisioners":3,"numOperational":1,"numSecp256k1":1,"numEd25519":1,"hsmGenesisSerial":"HSM-1"}';
  const { result, io } = await go('create-input', { operation: 'genesis', 'store-id': STORE_ID, request, path: 'in.zip' });
  expect(result.outcome).toBe('created');
  return io.outputs['group-id']!;
}

describe('runCancel()', () => {
  it('cancels, reporting the group and its operations', async () => {
    const groupId = await openGroup();
    const { result, io, receipt } = await go('cancel', { path: 'in.zip', reason: 'abandoned' });
    expect(result).toMatchObject({ outcome: 'canceled', status: 'canceled' });
    expect(io.outputs).toMatchObject({ status: 'canceled', 'group-status': 'Canceled', 'group-id': groupId, 'store-id': STORE_ID });
    expect(io.lines).toContain(`Ids read from in.zip (an input archive): key store ${STORE_ID}, group ${groupId}`);
    expect(io.lines).toContain(`Dfns answered the group ${groupId}: status Canceled; operations: Genesis Canceled.`);
    expect(receipt).toMatchObject({
      kind: 'cancel',
      source: { path: 'in.zip', document: 'input-archive' },
      body: { groupId, reason: 'abandoned' },
      answer: { call: 'cancel', dfnsStatus: 'Canceled' },
    });
  });

  it('warns when the step inputs and the file disagree, and the step inputs win', async () => {
    const groupId = await openGroup();
    e2e.sandbox.openGroup('gr-given', STORE_ID, 'clone');
    const { result, io } = await go('cancel', { path: 'in.zip', 'group-id': 'gr-given' });
    expect(result.outcome).toBe('canceled');
    expect(io.lines).toContain(
      `warning [group-id differs from the file]: step input "group-id" (gr-given) differs from the file's group_id (${groupId}); canceling with step input "group-id". ` +
        'Check that the file belongs to that fleet operation.',
    );
  });

  it('a file that names no group, and no group-id: refused before any call', async () => {
    writeFileSync(join(workspace, 'input.json'), JSON.stringify({ type: 'fleet-input', keystore_id: STORE_ID }));
    const { result, seen } = await go('cancel', { path: 'input.json' });
    expect(seen.requests).toEqual([]);
    expect(result.failure).toEqual({
      outcome: 'failed',
      title: 'Fleet operation not determined',
      message: 'the file names no group_id that is a Dfns id: set "group-id". Nothing was canceled.',
    });
  });

  it('an offline dry run sends nothing; an online one checks, and cancels nothing', async () => {
    const groupId = await openGroup();
    const offline = await go('cancel', { 'store-id': STORE_ID, 'group-id': groupId, 'dry-run': 'true', 'dfns-token': '' });
    expect(offline.result.outcome).toBe('dry-run');
    expect(offline.seen.requests).toEqual([]);
    expect(offline.io.lines).toContain(
      `Dry run: nothing was canceled. The cancel would POST {"groupId":"${groupId}"} to ${e2e.sandbox.url}/key-stores/${STORE_ID}/fleet-operations/cancel.`,
    );
    const online = await go('cancel', { 'store-id': STORE_ID, 'group-id': groupId, 'dry-run': 'online' });
    expect(online.result.outcome).toBe('dry-run');
    expect(online.seen.requests.map((r) => r.call)).toEqual(['stores', 'init', 'action']);
    expect(e2e.sandbox.group(groupId)?.status).toBe('Initialized');
  });

  it('a policy holds the cancel (202): pending approval, with a warning', async () => {
    e2e.sandbox.injectFault('cancel', { kind: 'status', status: 202, body: { id: 'ap-1', status: 'Pending' } });
    const { result, io } = await go('cancel', { 'store-id': STORE_ID, 'group-id': 'gr-held' });
    expect(result).toMatchObject({ outcome: 'pending-approval', status: 'pending-approval' });
    expect(io.lines).toContain(
      'warning [Cancel pending approval]: Dfns holds the cancel for approval by a policy (HTTP 202): approval ap-1, status Pending. The fleet operation is canceled once it is approved in Dfns.',
    );
  });

  it('Dfns takes the cancel but answers another status: a warning', async () => {
    e2e.sandbox.injectFault('cancel', {
      kind: 'status',
      status: 200,
      body: { groupId: 'gr-x', status: 'Approved', operations: [{ operationId: 'op-1', kind: 'Clone', status: 'Approved' }] },
    });
    const { result, io } = await go('cancel', { 'store-id': STORE_ID, 'group-id': 'gr-x' });
    expect(result.outcome).toBe('canceled');
    expect(io.outputs['group-status']).toBe('Approved');
    expect(io.lines).toContain(
      'warning [Group not canceled]: Dfns took the cancel, but answered the group with status Approved, not Canceled: check the fleet operation in Dfns',
    );
  });

  it('never retries a 500 once sent: unknown', async () => {
    e2e.sandbox.injectFault('cancel', { kind: 'status', status: 500 });
    const { result } = await go('cancel', { 'store-id': STORE_ID, 'group-id': 'gr-y' });
    expect(result.failure).toMatchObject({ outcome: 'unknown', title: 'Cancel outcome unknown' });
    expect(result.failure!.message).toMatch(
      /\. Dfns may have canceled the fleet operation\. Check it in Dfns before re-running this workflow\.$/,
    );
  });

  it('retries a 503 from a fresh challenge', async () => {
    const groupId = await openGroup();
    e2e.sandbox.injectFault('cancel', { kind: 'status', status: 503 });
    const { result, io, seen } = await go('cancel', { 'store-id': STORE_ID, 'group-id': groupId });
    expect(result.outcome).toBe('canceled');
    expect(seen.cancels.map((c) => c.accepted)).toEqual([false, true]);
    expect(sleeps).toHaveLength(1);
    expect(io.lines.find((l) => l.startsWith('warning [Dfns call retried]'))).toMatch(
      /Nothing was canceled: retrying from a fresh challenge in/,
    );
  });
});

describe('an online dry run, in process', () => {
  const onchain = fixtureText('onchain-sign-output.json');

  it('output action: each check logged and recorded; a key store of another kind fails the step', async () => {
    writeFileSync(join(workspace, 'out.json'), onchain);
    const passed = await go('submit', { path: 'out.json', 'dry-run': 'online' });
    expect(passed.result.outcome).toBe('dry-run');
    expect(passed.io.lines.filter((l) => l.startsWith('  '))).toEqual([
      `  org ${JSON.parse(onchain).org_id}, fleet ${JSON.parse(onchain).fleet_id}, key store ${STORE_ID}, group ${JSON.parse(onchain).group_id}, status partial, 2 outputs (2 onchain-sign-v1; 1 success, 1 fail)`,
      `  token and region: passed, Dfns accepted the token at ${e2e.sandbox.url}`,
      `  key store: passed, ${STORE_ID} is an OfflineSigner key store`,
      expect.stringMatching(/^ {2}credential and key: passed, Dfns created the challenge for POST /),
    ]);
    const failed = await go('submit', { path: 'out.json', 'dry-run': 'online', 'store-id': 'ks-hsm-store' });
    expect(failed.result.failure).toEqual({
      outcome: 'failed',
      title: 'Online check failed',
      message:
        'the key store "ks-hsm-store" is a key store of kind Hsm, not an offline signer fleet (OfflineSigner): check "store-id". Nothing was submitted.',
    });
    expect(failed.receipt!['checks'].map((c: { result: string }) => c.result)).toEqual(['passed', 'failed']);
  });

  it('input action: without KeyStores:Read the key store is not checked, and the rest passes', async () => {
    e2e.sandbox.setKeyStoresReadable(false);
    const { result, receipt, seen } = await go('create-input', { operation: 'onchain-sign', 'store-id': STORE_ID, 'dry-run': 'online' });
    expect(result.outcome).toBe('dry-run');
    expect(receipt!['checks'].map((c: { check: string; result: string }) => `${c.check}: ${c.result}`)).toEqual([
      'token and region: passed',
      'key store: not checked',
      'credential and key: passed',
    ]);
    expect(onlyOne(receipt!['warnings'], 'warning')).toMatchObject({ title: 'Key store not checked' });
    expect(seen.inputs).toEqual([]);
  });

  it('a credential id the service account does not have: the check of the credential fails', async () => {
    const { result, receipt } = await go('create-input', {
      operation: 'onchain-sign',
      'store-id': STORE_ID,
      'dry-run': 'online',
      'dfns-credential-id': 'cr-not-mine',
    });
    expect(result.failure).toMatchObject({ outcome: 'failed', title: 'Credential not accepted' });
    expect(result.failure!.message).toBe(
      `"dfns-credential-id" (cr-not-mine) is not a key credential of this service account; the token accepts: ${e2e.credential.credentialId}. No input archive was created.`,
    );
    expect(receipt!['checks'].at(-1)).toMatchObject({ check: 'credential and key', result: 'failed' });
  });
});
