/**
 * First contact with a real Dfns, through the built actions against the sandbox: Dfns's request
 * ids in a refusal, the online dry run, and the cancel action's contracts (canceled, refused by
 * Dfns, refused before any call, an online dry run). The data part, each check an online dry run
 * fails, the cancel action's sources of ids, and a first set-up's mistakes run in process:
 * test/integration/first-contact.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, onlyOne, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
});
afterAll(() => e2e.close());
// No fault a test injected, and its run did not take, is left for the next test.
beforeEach(() => e2e.sandbox.clearFaults());

describe("Dfns's request ids", () => {
  it('are kept for each request in the receipt, and named beside the error id in a message about an answer', async () => {
    e2e.sandbox.injectFault('submit', {
      kind: 'status',
      status: 409,
      body: { error: { id: '7001', status: 409, message: 'already submitted' } },
    });
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(1);
    const receipt = receiptOf(run);
    expect(receipt.requests.map((r: { requestId: string }) => r.requestId)).toEqual(run.seen.requests.map((r) => r.requestId));
    const submitId = run.seen.requests.at(-1)!.requestId!;
    expect(submitId).toMatch(/^req-[0-9a-f]{24}$/);
    expect(receipt.answer).toMatchObject({ errorId: '7001', requestId: submitId });
    expect(failureMessage(run)).toBe(
      `Dfns answered 409 while submitting the output: already submitted (Dfns error id 7001, request id ${submitId}). ` +
        'Dfns reports a conflict: this output may have been submitted already; check the key store in Dfns',
    );
    expect(run.summary).toContain(`error id \`7001\`, request id \`${submitId}\``);
  });
});

describe('dry-run: online', () => {
  it('output action: checks the token, the key store and the credential against Dfns, and changes nothing', async () => {
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'dry-run': 'online' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('dry-run');
    expect(run.seen.requests.map((r) => `${r.call} ${r.status}`)).toEqual(['stores 200', 'init 200', 'action 200']);
    expect(run.seen.submissions).toEqual([]);
    const { checks } = receiptOf(run);
    expect(checks).toEqual([
      { check: 'token and region', result: 'passed', detail: `Dfns accepted the token at ${e2e.sandbox.url}` },
      { check: 'key store', result: 'passed', detail: `${STORE_ID} is an OfflineSigner key store` },
      {
        check: 'credential and key',
        result: 'passed',
        detail:
          `Dfns created the challenge for POST /key-stores/${STORE_ID}/onchain-sign/output and accepted the signature of credential ` +
          `${e2e.credential.credentialId}; the user action token it issued was not used, so nothing changed at Dfns`,
      },
    ]);
    for (const check of checks) expect(run.stdout).toContain(`  ${check.check}: passed, ${check.detail}`);
    expect(run.summary).toContain('#### Checks against Dfns (online dry run)');
    expect(run.summary).toContain('| credential and key | ✅ passed |');
  });
});

const GENESIS_BODY = JSON.stringify({
  kind: 'Genesis',
  numProvisioners: 3,
  numOperational: 1,
  numSecp256k1: 2,
  numEd25519: 1,
  hsmGenesisSerial: 'HSM-0042',
});

describe('the cancel action', () => {
  /** An input created for genesis (in process: only the cancel runs through the built bundle): its group open at the sandbox. */
  async function openOperation(): Promise<{ groupId: string }> {
    const created = await e2e.inProcess.createInputArchive({
      inputs: { operation: 'genesis', 'store-id': STORE_ID, request: GENESIS_BODY, path: 'fleet/in.zip' },
    });
    expect(created.exitCode).toBe(0);
    const groupId = created.outputs['group-id']!;
    expect(groupId).toBe(onlyOne(created.seen.inputs, 'input').groupId);
    return { groupId };
  }

  it('cancels the group given by its step inputs: canceled, the group status, the request signed as sent', async () => {
    const { groupId } = await openOperation();
    const run = await e2e.cancel({ inputs: { 'store-id': STORE_ID, 'group-id': groupId, reason: 'HSM-0042 failed its self-test' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'canceled', 'group-status': 'Canceled', 'group-id': groupId, 'store-id': STORE_ID });
    expect(onlyOne(run.seen.cancels, 'cancel')).toMatchObject({
      accepted: true,
      path: `/key-stores/${STORE_ID}/fleet-operations/cancel`,
      body: JSON.stringify({ groupId, reason: 'HSM-0042 failed its self-test' }),
    });
    expect(e2e.sandbox.group(groupId)?.status).toBe('Canceled');
    expect(receiptOf(run)).toMatchObject({
      kind: 'cancel',
      outcome: 'canceled',
      status: 'canceled',
      body: { groupId, reason: 'HSM-0042 failed its self-test' },
      group: {
        groupId,
        status: 'Canceled',
        operations: [{ kind: 'Genesis', status: 'Canceled', operationId: expect.stringMatching(/^op-/) }],
      },
      action: { name: 'dfns-keystore-output-action/cancel' },
    });
    expect(run.summary).toContain('### ✅ Fleet operation canceled');
  });

  it('a group canceled already: Dfns refuses (409), rejected', async () => {
    const { groupId } = await openOperation();
    expect((await e2e.inProcess.cancel({ inputs: { 'store-id': STORE_ID, 'group-id': groupId } })).exitCode).toBe(0);
    const again = await e2e.cancel({ inputs: { 'store-id': STORE_ID, 'group-id': groupId } });
    expect(again.exitCode).toBe(1);
    expect(again.outputs['status']).toBe('rejected');
    expect(failureMessage(again)).toMatch(
      /^Dfns answered 409 while canceling the fleet operation: fleet operation group is Canceled: only an Initialized or InReview group can be canceled \(Dfns error id \d+, request id req-[0-9a-f]+\)\. Dfns reports a conflict: the fleet operation may have been canceled or completed already; check it in Dfns$/,
    );
  });

  it('an online dry run: the cancel request checked against Dfns, and nothing canceled', async () => {
    const run = await e2e.cancel({ inputs: { 'store-id': STORE_ID, 'group-id': 'gr-never-canceled', 'dry-run': 'online' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('dry-run');
    expect(run.seen.requests.map((r) => r.call)).toEqual(['stores', 'init', 'action']);
    expect(run.seen.cancels).toEqual([]);
    expect(receiptOf(run).checks.at(-1).detail).toContain(`challenge for POST /key-stores/${STORE_ID}/fleet-operations/cancel`);
  });

  it('needs the group: refused before any call', async () => {
    const run = await e2e.cancel({ inputs: { 'store-id': STORE_ID } });
    expect(expectRefusedLocally(run, { title: 'Invalid step input' })).toBe(
      '"group-id" is required: the key store and the fleet operation\'s group to cancel, or "path" to an output or an input archive of that operation, which names them. Nothing was canceled.',
    );
  });
});
