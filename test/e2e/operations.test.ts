/**
 * A fleet operation through the built bundle (dist/index.js), against the sandbox: the operation
 * taken from the file, submitted to its own endpoint, and Dfns's message reported. The seven
 * operations one by one, the file shapes, and every refusal of a file whose operation cannot be
 * told: test/integration/operations.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtureText, startE2E, type E2E } from '../helpers/e2e.ts';
import { FLEET_ANSWER_MESSAGES } from '../sandbox/dfns-sandbox.ts';
import { expectOperationSubmitted } from '../helpers/output-submitted.ts';

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
  expectOperationSubmitted(e2e, run, operation, text, message);
});
