/**
 * The input action (input/action.yml) in this process (e2e.inProcess: the step code of
 * dist/create-input/, with the same scans), against the Dfns sandbox: each operation's input
 * created, the archive checked and written, the refusals before any call, an answer that is not
 * a zip, and the retry policy of a change (the waits recorded, not waited). Its contracts through
 * the built bundle: test/e2e/create-input.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { expectRefusedLocally, startE2E, STORE_ID, type E2E, type E2ERun } from '../helpers/e2e.ts';
import { expectInputArchiveCreated, REQUEST_BODIES, type BodyOperation } from '../helpers/input-archive-created.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('p256');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());
// No fault a test injected, and its run did not take, is left for the next test.
beforeEach(() => e2e.sandbox.clearFaults());

describe.each(Object.keys(REQUEST_BODIES) as BodyOperation[])('%s', (operation) => {
  it('creates the input: the archive checked, written and described, the body signed as sent', async () => {
    const body = JSON.stringify(REQUEST_BODIES[operation], null, 2);
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation, 'store-id': STORE_ID, request: body } });
    expectInputArchiveCreated(e2e, run, operation);
  });
});

describe('where the archive goes', () => {
  it('warns, and keeps the step green, when the archive cannot be uploaded: the input exists', async () => {
    const run = await e2e.inProcess.createInputArchive({
      inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, 'artifact-name': 'fleet-input' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('created');
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        title: 'Input archive not uploaded',
        message: expect.stringMatching(
          /^could not upload the input archive as artifact "fleet-input": .+\. The input archive WAS created: do not re-run this workflow for it; the archive is at .+ \(the "path" output\) for a later step to keep\. If the ceremony is abandoned, cancel its fleet operation with the cancel action \(uses: dfns\/keystore-output-action\/cancel\)\.$/,
        ),
      }),
    );
  });
});

/** Runs, expects a refusal before any call, returns the message. */
async function refused(inputs: Record<string, string>, title: string): Promise<{ message: string; run: E2ERun }> {
  const run = await e2e.inProcess.createInputArchive({ inputs });
  const message = expectRefusedLocally(run, { title });
  expect(receiptOf(run)).toMatchObject({ kind: 'input-archive', outcome: 'failed', archive: null });
  return { message, run };
}

describe('refused before any call', () => {
  it.each([
    [
      { operation: '' },
      'step input "operation" is required: the operation to create the input archive for, one of onchain-sign, proof-of-control, genesis, clone, add-mac-user, add-provisioner, key-harvest. No input archive was created.',
    ],
    [
      { operation: 'sign' },
      'step input "operation" must be one of onchain-sign, proof-of-control, genesis, clone, add-mac-user, add-provisioner, key-harvest; got "sign". No input archive was created.',
    ],
    [
      { operation: 'genesis', 'store-id': '' },
      'step input "store-id" is required: the id of the key store (ks-…) to create the input archive for. No input archive was created.',
    ],
  ])('a wrong input: %j', async (inputs, message) => {
    expect((await refused({ 'store-id': STORE_ID, ...inputs }, 'Invalid step input')).message).toBe(message);
  });

  it.each([
    [
      'proof-of-control',
      '{"walletIds": []}',
      'step input "request" does not match the documented body of proof-of-control (1 violation):\n  - walletIds: must hold at least 1 wallet id\nNo input archive was created.',
    ],
    [
      'proof-of-control',
      `{"walletIds": [${Array.from({ length: 101 }, (_, i) => `"wa-${i}"`).join(',')}]}`,
      'step input "request" does not match the documented body of proof-of-control (1 violation):\n  - walletIds: must hold at most 100 wallet ids\nNo input archive was created.',
    ],
    [
      'genesis',
      '{"kind": "Genesis", "numProvisioners": 3, "numOperational": -1, "numSecp256k1": 1.5, "hsmGenesisSerial": ""}',
      'step input "request" does not match the documented body of genesis (4 violations):\n' +
        '  - numOperational: must not be negative\n' +
        '  - numSecp256k1: expected a whole number, got 1.5\n' +
        '  - numEd25519: is required\n' +
        '  - hsmGenesisSerial: must not be empty\nNo input archive was created.',
    ],
    [
      'onchain-sign',
      '{"walletIds": ["wa-1"]}',
      'step input "request" does not match the documented body of onchain-sign (1 violation):\n' +
        '  - (root): unexpected key "walletIds": Dfns documents no such field for this operation\nNo input archive was created.',
    ],
    [
      'clone',
      '{"kind": "Genesis", "hsmSourceSerial": "HSM-1", "hsmTargetSerial": "HSM-2"}',
      'step input "request" does not match the documented body of clone (1 violation):\n  - kind: expected "Clone", got "Genesis"\nNo input archive was created.',
    ],
    [
      'add-mac-user',
      '{"kind": "AddMacUser", "kind": "AddMacUser"}',
      'step input "request" is not valid JSON: duplicate key "kind" at (root) (line 1, column 24). No input archive was created.',
    ],
  ])('a body %s does not take: %s', async (operation, request, message) => {
    const { message: got, run } = await refused({ operation, 'store-id': STORE_ID, request }, 'Invalid request body');
    expect(got).toBe(message);
    expect(receiptOf(run).body).toBeNull();
  });

  it('a path where the archive cannot be written', async () => {
    const run = await e2e.inProcess.createInputArchive({
      files: { 'out/input.zip/.keep': '' },
      inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, path: 'out/input.zip' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.annotations.find((a) => a.level === 'error')).toEqual({
      level: 'error',
      title: 'Archive not writable',
      message:
        `cannot write the input archive to ${join(run.workspace, 'out/input.zip')} ("path"): a folder is there, and the action only writes regular files: ` +
        'give the path of a new file. No input archive was created.',
    });
  });
});

describe('an answer that is not an input archive', () => {
  it.each([
    [
      'JSON',
      { status: 200, body: '{"message":"input created"}', contentType: 'application/json' },
      '"application/json", 27 bytes',
      '"{\\"message\\":\\"input created\\"}" (bytes 7B 22 6D 65 73 73 61 67 …)',
    ],
    [
      'HTML',
      { status: 200, body: '<!DOCTYPE html><title>Gateway</title>', contentType: 'text/html' },
      '"text/html", 37 bytes',
      '"<!DOCTYPE html><title>Gateway</title>" (bytes 3C 21 44 4F 43 54 59 50 …)',
    ],
    ['an empty body', { status: 200, body: '' }, 'none, 0 bytes', 'an empty body'],
  ])('%s: described, nothing written, the outcome unknown', async (_, answer, type, described) => {
    e2e.sandbox.setInputAnswer(answer);
    onTestFinished(() => e2e.sandbox.resetInputAnswer());
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('unknown');
    expect(run.outputs['path']).toBeUndefined();
    expect(existsSync(join(run.runnerTemp, `dfns-onchain-sign-input-${STORE_ID}.zip`))).toBe(false);
    expect(run.annotations.find((a) => a.level === 'error')).toEqual({
      level: 'error',
      title: 'Input archive outcome unknown',
      message:
        `unexpected answer from Dfns while creating the input archive (HTTP 200): the answer is not a zip archive (Content-Type ${type}); ` +
        `it answered: ${described}. Dfns may have created the input archive (and opened a fleet operation). Check the key store in Dfns before ` +
        `re-running this workflow: re-running could create a second input archive. If the ceremony is abandoned, cancel its fleet operation with the cancel action (uses: dfns/keystore-output-action/cancel).`,
    });
    // Dfns took the request: the answer, not the request, was wrong.
    expect(run.seen.inputs.map((i) => i.accepted)).toEqual([true]);
  });
});

describe('creating an input is a change: the retry policy of a submission', () => {
  it('retries a 503 from a fresh challenge, and creates the input once', async () => {
    e2e.sandbox.injectFault('create', { kind: 'status', status: 503, headers: { 'retry-after': '0' } });
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(0);
    const made = run.seen.inputs;
    expect(made.map((i) => i.accepted)).toEqual([false, true]);
    expect(made[0]!.userActionToken).not.toBe(made[1]!.userActionToken);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        title: 'Dfns call retried',
        message: expect.stringMatching(
          /^Dfns create attempt 1 of 3 failed: Dfns answered 503 while creating the input archive: .+\. No input archive was created: retrying from a fresh challenge in 0\.0 s \(as its Retry-After asks\)\.$/,
        ),
      }),
    );
    expect(receiptOf(run).answer).toMatchObject({ call: 'create', httpStatus: 200, attempts: 2 });
    // The wait its Retry-After asked for, recorded and not waited.
    expect(run.sleeps).toEqual([0]);
  });

  // A timeout after the request was sent runs through the built bundle (test/e2e/create-input.test.ts): in this
  // process, undici's shared timers can end the wait for the answer's headers up to half a second before the deadline.
  it('never retries a reset after the request was sent: the outcome is unknown, nothing is written', async () => {
    e2e.sandbox.injectFault('create', { kind: 'reset' });
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(1);
    expect(
      run.seen.requests.map((r) => r.call),
      'the input request is sent once',
    ).toEqual(['init', 'action', 'create']);
    expect(run.outputs['status']).toBe('unknown');
    expect(run.outputs['path']).toBeUndefined();
    expect(run.annotations.find((a) => a.level === 'error')?.title).toBe('Input archive outcome unknown');
    expect(failureMessage(run)).toMatch(/^network error while creating the input archive: .+\. Dfns may have created the input archive/);
    expect(receiptOf(run)).toMatchObject({ outcome: 'unknown', archive: null, answer: { call: 'create', httpStatus: null } });
  });
});
