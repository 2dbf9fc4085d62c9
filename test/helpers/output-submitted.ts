/**
 * An output submitted end to end, asserted the same way whether the submit action ran through
 * the built bundle (test/e2e/submit.test.ts, operations.test.ts) or in this process
 * (test/integration/key-types.test.ts, operations.test.ts).
 */
import { expect } from 'vitest';
import type { Operation } from '../../src/documents/operations.ts';
import { receiptOf } from './action-runner.ts';
import { compactJson } from './compact-json.ts';
import { fixtureText, onlyOne, sha256, STORE_ID, type E2E, type E2ERun } from './e2e.ts';

/** The keystore output both suites submit, as `fleet/output.json`. */
export const ONCHAIN_OUTPUT = fixtureText('onchain-sign-output.json');

/**
 * Asserts that `run` submitted ONCHAIN_OUTPUT, found by the step input `path: fleet/*.json`, and
 * that the sandbox got exactly the file, over one connection, from this action.
 */
export function expectOnchainSubmitted(e2e: E2E, run: E2ERun): void {
  const onchain = ONCHAIN_OUTPUT;
  expect(run.exitCode).toBe(0);
  expect(run.outputs).toEqual({
    operation: 'onchain-sign',
    file: 'fleet/output.json',
    checksum: sha256(onchain),
    'output-status': 'partial',
    'outputs-count': '2',
    'store-id': STORE_ID,
    status: 'success',
    'receipt-path': expect.stringMatching(/dfns-keystore-output-receipt-4242-1-\d+\.json$/),
  });

  const [submission, ...more] = e2e.sandbox.submissions;
  expect(more).toEqual([]);
  expect(submission).toMatchObject({ accepted: true, storeId: STORE_ID, operation: 'onchain-sign', fileName: 'output.json' });
  expect(Buffer.from(submission!.filePart).toString('utf8')).toBe(onchain);
  // The file's own text is embedded: the extra fields are kept, nothing is re-serialized.
  expect(submission!.dataPart).toBe(`{"outputJson":${compactJson(onchain)},"fileChecksum":"${sha256(onchain)}"}`);
  expect(JSON.parse(submission!.dataPart)).toEqual({ outputJson: JSON.parse(onchain), fileChecksum: sha256(onchain) });
  expect(e2e.sandbox.requests.map((r) => r.call)).toEqual(['init', 'action', 'submit']);
  expect(e2e.sandbox.connections).toBe(1);
  const userAgent: unknown = expect.stringMatching(/^dfns-keystore-output-action\/\d+\.\d+\.\d+/);
  expect(e2e.sandbox.requests.map((r) => r.headers['user-agent'])).toEqual([userAgent, userAgent, userAgent]);
}

/**
 * Asserts that `run` took `operation` from the file `text`, submitted it to its own endpoint, and
 * reported Dfns's answer: its `message` (a fleet operation's), or none (`null`).
 */
export function expectOperationSubmitted(e2e: E2E, run: E2ERun, operation: Operation, text: string, message: string | null): void {
  expect(run.exitCode).toBe(0);
  expect(run.outputs).toMatchObject({ operation, status: 'success', checksum: sha256(text), 'store-id': STORE_ID });
  expect(run.outputs['dfns-message']).toBe(message ?? undefined);
  expect(run.stdout).toContain(`Operation: ${operation} (taken from the file's entries)`);

  expect(run.seen.requests.map((r) => r.call)).toEqual(['init', 'action', 'submit']);
  const submission = onlyOne(run.seen.submissions, 'submission');
  expect(submission).toMatchObject({ accepted: true, operation, path: `/key-stores/${STORE_ID}/${operation}/output` });
  expect(submission.filePart.toString('utf8')).toBe(text);

  const receipt = receiptOf(run);
  expect(receipt.request).toMatchObject({
    operation,
    operationFrom: 'file',
    endpoint: `${e2e.sandbox.url}/key-stores/${STORE_ID}/${operation}/output`,
  });
  expect(receipt.answer).toMatchObject({ call: 'submit', httpStatus: 200, dfnsStatus: 'success', dfnsMessage: message });
  expect(receipt.output.type).toBe(operation === 'onchain-sign' || operation === 'proof-of-control' ? 'keystore-output' : 'fleet-output');
  expect(run.summary).toContain(`### ✅ Output submitted to Dfns (\`${operation}\`)`);
  expect(run.summary).toContain(`| Operation | \`${operation}\` (taken from the file) |`);
  if (message === null) {
    expect(run.summary).not.toContain('| Dfns message |');
    expect(run.stdout).toContain('Dfns accepted the submission: status "success" (HTTP 200).');
  } else {
    expect(run.summary).toContain(`| Dfns message | ${message} |`);
    expect(run.stdout).toContain(`Dfns accepted the submission: status "success" (HTTP 200), message "${message}".`);
  }
}
