/**
 * A fleet operation through the built bundle (dist/index.js), against the sandbox: the operation
 * taken from the file, submitted to its own endpoint, and Dfns's message reported. The seven
 * operations one by one, the file shapes, and every refusal of a file whose operation cannot be
 * told: test/integration/operations.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { receiptOf } from '../helpers/action-runner.ts';
import { fixtureText, onlyOne, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { FLEET_ANSWER_MESSAGES } from '../sandbox/dfns-sandbox.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());

it("genesis: taken from the file and submitted to /genesis/output; Dfns's message is reported", async () => {
  const operation = 'genesis';
  const message = FLEET_ANSWER_MESSAGES.genesis;
  const text = fixtureText('genesis-output.json');
  const run = await e2e.submit({ files: { 'out.json': text }, inputs: { path: 'out.json' } });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.outputs).toMatchObject({
    operation,
    status: 'success',
    checksum: sha256(text),
    'store-id': STORE_ID,
    'dfns-message': message,
  });
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
  expect(receipt.output.type).toBe('fleet-output');
  expect(run.summary).toContain(`### ✅ Output submitted to Dfns (\`${operation}\`)`);
  expect(run.summary).toContain(`| Operation | \`${operation}\` (taken from the file) |`);
  expect(run.summary).toContain(`| Dfns message | ${message} |`);
  expect(run.stdout).toContain(`Dfns accepted the submission: status "success" (HTTP 200), message "${message}".`);
});
