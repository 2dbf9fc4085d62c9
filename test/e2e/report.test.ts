/**
 * What a real run leaves for an auditor, through dist/ (a child process, as a runner starts it):
 * the receipt, the job summary and the step outputs of a successful submission. Each outcome's
 * receipt, the summary's other cases, the annotations and the pre-flight checks run in process:
 * test/integration/report.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptOf } from '../helpers/action-runner.ts';
import { fixtureText, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');
const ORG = 'or-2ka7p-8ft3m-9ocdbc9cnq1i5sg7';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('secp256k1');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());

describe('a successful submission', () => {
  it('leaves the receipt (who, from which run, which file, what Dfns answered), the job summary and the step outputs', async () => {
    const before = Date.now();
    const run = await e2e.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.annotations).toEqual([]);

    expect(run.outputs).toEqual({
      status: 'success',
      checksum: sha256(onchain),
      'store-id': STORE_ID,
      operation: 'onchain-sign',
      file: 'out.json',
      'output-status': 'partial',
      'outputs-count': '2',
      'receipt-path': expect.stringMatching(/\/dfns-keystore-output-receipt-4242-1-\d+\.json$/),
    });
    expect(run.stdout).toContain(`Receipt written to ${run.outputs['receipt-path']}`);

    const receipt = receiptOf(run);
    expect(receipt).toEqual({
      receiptVersion: 3,
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
});
