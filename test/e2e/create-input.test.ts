/**
 * The input action's contracts through the built bundle (input/action.yml, dist/create-input/index.js),
 * run as a runner runs it, against the Dfns sandbox: an input created end to end and kept as an
 * artifact, a dry run, a refusal before any call, a refusal by Dfns, and an outcome unknown. Each
 * operation, every refusal and every answer that is not a zip run in process:
 * test/integration/create-input.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubStandIn } from '../github/github-stand-in.ts';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { expectRefusedLocally, startE2E, STORE_ID, type E2E, type E2ERun } from '../helpers/e2e.ts';
import { expectInputArchiveCreated, REQUEST_BODIES } from '../helpers/input-archive-created.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('p256');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());
// No fault a test injected, and its run did not take, is left for the next test.
beforeEach(() => e2e.sandbox.clearFaults());

describe('onchain-sign', () => {
  const operation = 'onchain-sign';
  it('creates the input: the archive checked, written and described, the body signed as sent', async () => {
    const body = JSON.stringify(REQUEST_BODIES[operation], null, 2);
    const run = await e2e.createInputArchive({ inputs: { operation, 'store-id': STORE_ID, request: body } });
    expect(run.stderr).toBe('');
    expectInputArchiveCreated(e2e, run, operation);
  });
});

describe('where the archive goes', () => {
  it('writes it where "path" says, its folders created, and keeps it as an artifact', async () => {
    const github = await startGitHubStandIn({ repository: 'acme/keystore-ops', runId: 4242 });
    try {
      const run = await e2e.createInputArchive({
        env: github.env(),
        inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, path: 'ceremony/2026-12/input.zip', 'artifact-name': 'fleet-input' },
      });
      expect(run.exitCode).toBe(0);
      const written = readFileSync(join(run.workspace, 'ceremony/2026-12/input.zip'));
      const upload = github.uploads.find((u) => u.name === 'fleet-input')!;
      expect(Object.values(upload.files).map((f) => Buffer.compare(f, written))).toEqual([0]);
      expect(run.outputs['artifact-id']).toBe(String(upload.id));
      expect(receiptOf(run).artifact).toEqual({ name: 'fleet-input', id: upload.id });
      expect(run.stdout).toContain(`Input archive uploaded as artifact "fleet-input" (id ${upload.id})`);
    } finally {
      await github.close();
    }
  });
});

/** Runs, expects a refusal before any call, returns the message. */
async function refused(inputs: Record<string, string>, title: string): Promise<{ message: string; run: E2ERun }> {
  const run = await e2e.createInputArchive({ inputs });
  const message = expectRefusedLocally(run, { title });
  expect(receiptOf(run)).toMatchObject({ kind: 'input-archive', outcome: 'failed', archive: null });
  return { message, run };
}

describe('refused before any call', () => {
  it('a body the operation does not take: every violation named, nothing sent, and the receipt says so', async () => {
    const { message, run } = await refused(
      {
        operation: 'genesis',
        'store-id': STORE_ID,
        request: '{"kind": "Genesis", "numProvisioners": 3, "numOperational": -1, "numSecp256k1": 1.5, "hsmGenesisSerial": ""}',
      },
      'Invalid request body',
    );
    expect(message).toBe(
      'step input "request" does not match the documented body of genesis (4 violations):\n' +
        '  - numOperational: must not be negative\n' +
        '  - numSecp256k1: expected a whole number, got 1.5\n' +
        '  - numEd25519: is required\n' +
        '  - hsmGenesisSerial: must not be empty\nNo input archive was created.',
    );
    expect(receiptOf(run).body).toBeNull();
  });

  it('a dry run checks everything and sends nothing', async () => {
    const run = await e2e.createInputArchive({
      inputs: {
        operation: 'clone',
        'store-id': STORE_ID,
        request: JSON.stringify(REQUEST_BODIES.clone),
        'dry-run': 'true',
        'dfns-token': '',
        'dfns-private-key': '',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.outputs).toEqual({ status: 'dry-run', 'receipt-path': expect.any(String) });
    expect(run.stdout).toContain(
      `Dry run: no input archive was created. Creating it would POST ${JSON.stringify(REQUEST_BODIES.clone)} to ${e2e.sandbox.url}/key-stores/${STORE_ID}/clone/input, ` +
        `and write the archive to ${join(run.runnerTemp, `dfns-clone-input-${STORE_ID}.zip`)}.`,
    );
    expect(run.summary).toContain('### 🧪 Dry run (`clone`): the request is valid; nothing was sent to Dfns');
  });
});

describe('creating an input is a change: the retry policy of a submission', () => {
  it('never retries a 500 once sent: the outcome is unknown', async () => {
    e2e.sandbox.injectFault('create', { kind: 'status', status: 500, process: true });
    const run = await e2e.createInputArchive({
      inputs: { operation: 'genesis', 'store-id': STORE_ID, request: JSON.stringify(REQUEST_BODIES.genesis) },
    });
    expect(run.exitCode).toBe(1);
    expect(run.seen.inputs.map((i) => i.accepted)).toEqual([true]);
    expect(run.outputs['status']).toBe('unknown');
    expect(failureMessage(run).replace(/Dfns error id \d+/, 'Dfns error id N')).toBe(
      'Dfns answered 500 while creating the input archive: internal server error (Dfns error id N). Dfns may have created the input archive ' +
        '(and opened a fleet operation). Check the key store in Dfns before re-running this workflow: re-running could create a second input archive.' +
        ' If the ceremony is abandoned, cancel its fleet operation with the cancel action (uses: dfns/keystore-output-action/cancel).',
    );
  });

  it('never retries a timeout after the request was sent: the outcome is unknown, nothing is written', async () => {
    e2e.sandbox.injectFault('create', { kind: 'hang' });
    const run = await e2e.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, 'timeout-seconds': '1' } });
    expect(run.exitCode).toBe(1);
    expect(
      run.seen.requests.map((r) => r.call),
      'the input request is sent once',
    ).toEqual(['init', 'action', 'create']);
    expect(run.outputs['status']).toBe('unknown');
    expect(run.outputs['path']).toBeUndefined();
    expect(run.annotations.find((a) => a.level === 'error')?.title).toBe('Input archive outcome unknown');
    expect(failureMessage(run)).toMatch(
      /^the Dfns calls did not finish within timeout-seconds \(1 s\); the deadline ran out while creating the input archive\. .+ Dfns may have created the input archive/,
    );
    expect(receiptOf(run)).toMatchObject({ outcome: 'unknown', archive: null, answer: { call: 'create', httpStatus: null } });
  });

  it('names the permission a 403 asks for, current name first', async () => {
    e2e.sandbox.addKeyStore('ks-no-fleet', { operations: ['onchain-sign'] });
    const run = await e2e.createInputArchive({
      inputs: { operation: 'add-provisioner', 'store-id': 'ks-no-fleet', request: JSON.stringify(REQUEST_BODIES['add-provisioner']) },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('rejected');
    expect(failureMessage(run).replace(/Dfns error id \d+/, 'Dfns error id N')).toBe(
      'Dfns answered 403 while creating the input archive: missing permission KeyStores:Instructions:Fleets:Provisioners:Add (Dfns error id N). ' +
        'The service account needs the permission KeyStores:Instructions:Fleets:Provisioners:Add (formerly KeyStores:Fleets:AddProvisioner) ' +
        'on the key store (operation "add-provisioner"), or Dfns refused the user action signature: check the service account\'s permissions in Dfns',
    );
  });
});
