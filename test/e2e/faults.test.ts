/**
 * Fault injection through dist/index.js, a child process as a runner starts it: the contracts
 * only a real process proves, one each. A submission Dfns refused as not processed is retried
 * from a fresh challenge and submitted once; a submission Dfns may have processed is never sent
 * again (outcome `unknown`), its stack trace in a `::debug::` line only; a call that never
 * answers ends at the deadline, and the process exits by itself. Every other fault, the retry
 * waits and the messages: test/integration/faults.test.ts, in process.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SUBMIT_ATTEMPTS } from '../../src/dfns/retry.ts';
import type { Fault, FaultableCall } from '../sandbox/dfns-sandbox.ts';
import { receiptOf } from '../helpers/action-runner.ts';
import { fixtureText, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { NOTHING_SUBMITTED, observeRun, STACK_LINE, UNKNOWN_ADVICE, type ObservedRun } from '../helpers/observed-run.ts';

const onchain = fixtureText('onchain-sign-output.json');
const ERROR_ID = '2038837570328299032';
const dfnsError = (status: number, message: string) => ({ error: { id: ERROR_ID, status, message, details: {} } });

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e?.close());
beforeEach(() => e2e.sandbox.clearFaults());

/** Injects the faults, runs dist/index.js, and checks what every case must hold. */
function runWith(faults: Array<[FaultableCall, Fault]>, options: { inputs?: Record<string, string>; env?: Record<string, string> } = {}) {
  for (const [call, fault] of faults) e2e.sandbox.injectFault(call, fault, 1);
  return observeRun(e2e, { ...options, files: { 'o.json': onchain }, inputs: { path: 'o.json', ...options.inputs } });
}

const errorTitles = (r: ObservedRun) => r.run.annotations.filter((a) => a.level === 'error').map((a) => a.title);

describe('dist/index.js under faults', () => {
  it('a 503 on the submission is retried from a fresh challenge, and submitted once', async () => {
    // Retry-After: 0, so that the retry does not wait.
    const r = await runWith([
      ['submit', { kind: 'status', status: 503, body: dfnsError(503, 'service unavailable'), headers: { 'retry-after': '0' } }],
    ]);
    expect(r.run.outputs['status']).toBe('success');
    expect(r.message).toBeUndefined();
    expect(r.run.stdout).toContain('Dfns accepted the submission: status "success" (HTTP 200).');
    expect(r.retries).toEqual([
      `Dfns submit attempt 1 of ${MAX_SUBMIT_ATTEMPTS} failed: Dfns answered 503 while submitting the output: service unavailable (Dfns error id ${ERROR_ID}). ` +
        'Nothing was submitted: retrying from a fresh challenge in 0.0 s (as its Retry-After asks).',
    ]);
    expect(r.calls).toMatchObject({ init: 2, action: 2, submit: 2 });
    const [first, second] = r.submissions;
    expect(first).toMatchObject({ accepted: false, error: 'fault: status 503' });
    expect(second).toMatchObject({ accepted: true, storeId: STORE_ID });
    expect(first!.userActionToken).not.toBe(second!.userActionToken);
    expect(r.accepted).toBe(1);
  });

  it('a 500 once the submission was processed: outcome unknown, never sent again, the stack in a ::debug:: line only', async () => {
    const r = await runWith([['submit', { kind: 'status', status: 500, body: dfnsError(500, 'internal server error'), process: true }]], {
      env: { RUNNER_DEBUG: '1' },
    });
    expect(r.run.outputs['status']).toBe('unknown');
    expect(r.message).toBe(
      `Dfns answered 500 while submitting the output: internal server error (Dfns error id ${ERROR_ID}). ${UNKNOWN_ADVICE}`,
    );
    expect(errorTitles(r)).toEqual(['Submission outcome unknown']);
    expect(receiptOf(r.run)).toMatchObject({ outcome: 'unknown', status: 'unknown', message: r.message });
    expect(r.calls, 'a submission that may have been processed is never sent again').toMatchObject({ init: 1, action: 1, submit: 1 });
    expect(r.retries).toEqual([]);
    expect(r.accepted, 'Dfns processed it: exactly once').toBe(1);
    // @actions/core's escaping keeps the stack in its one ::debug:: line (observeRun checks no stack line shows elsewhere).
    const debug = r.run.stdout
      .split('\n')
      .filter((line) => line.startsWith('::debug::Dfns call failed: '))
      .map((line) => line.slice('::debug::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
    expect(debug).toEqual([expect.stringMatching(/^Dfns call failed: DfnsApiError: Dfns answered 500 while submitting the output: /)]);
    expect(debug[0]).toMatch(STACK_LINE);
  });

  it('a call that never answers: the deadline (timeout-seconds) ends the run and the process exits, nothing submitted', async () => {
    const r = await runWith([['init', { kind: 'hang' }]], { inputs: { 'timeout-seconds': '0.5' } });
    // Ended by itself: a process kept alive by the hung request would not end, and the test would time out.
    expect(r.run.exitCode).toBe(1);
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      'the Dfns calls did not finish within timeout-seconds (0.5 s); the deadline ran out while creating the user action challenge (POST /auth/action/init). ' +
        `Raise "timeout-seconds" if Dfns is slow from this runner, or check the network path to the Dfns API. ${NOTHING_SUBMITTED}`,
    );
    expect(r.calls).toMatchObject({ init: 1, action: 0, submit: 0 });
    expect(r.submissions).toEqual([]);
  });
});
