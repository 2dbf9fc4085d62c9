/**
 * Fault injection, in process: the main action's step (src/runner/step.ts, the code dist/ runs)
 * against the sandbox, with the retry waits recorded and not waited (`sleeps`). Every way Dfns (or
 * the network to it) can fail each of the three calls, and what the step then says. Each case
 * asserts the exit code, the `status` output, the one `::error::` line, the retry lines and the
 * waits they asked for, how many submissions the sandbox accepted (never two; exactly one when
 * the status is `success`; one for an `unknown` outcome where the sandbox did process the
 * submission), and that no stack trace was printed. The child-process contracts (a retried
 * submission, an `unknown` outcome, a deadline) are in test/e2e/faults.test.ts.
 *
 * The policy under test (src/dfns/retry.ts): init and action change nothing on the server and
 * are retried on network errors, 429 and 5xx; the submission is retried only when it provably
 * was not processed (the connection failed before the request was sent, 429, 503), from a fresh
 * challenge; 500, 502, 504 and failures after the request was sent make the outcome `unknown`.
 *
 * The deadline (timeout-seconds) is real time: those cases use timeouts of a second or less, each
 * as short as leaves the calls before the one that runs out of time room to finish on a busy
 * machine (no case asserts how long a run took: only where the deadline ran out).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { BACKOFF_BASE_MS, MAX_CALL_ATTEMPTS, MAX_SUBMIT_ATTEMPTS } from '../../src/dfns/retry.ts';
import type { Fault, FaultableCall } from '../sandbox/dfns-sandbox.ts';
import { receiptOf } from '../helpers/action-runner.ts';
import { startClosingDoor } from '../helpers/closing-door.ts';
import { fixtureText, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import {
  escapeRegExp,
  NOTHING_SUBMITTED,
  observeRun,
  secondsText,
  STACK_LINE,
  UNKNOWN_ADVICE,
  type ObservedRun,
  type SubmitOptions,
} from '../helpers/observed-run.ts';
import { startRelay, type Relay } from '../helpers/relay.ts';

const onchain = fixtureText('onchain-sign-output.json');

const LABEL: Record<'init' | 'action' | 'submit', string> = {
  init: 'creating the user action challenge (POST /auth/action/init)',
  action: 'signing the user action (POST /auth/action)',
  submit: 'submitting the output',
};
const ERROR_ID = '2038837570328299032';
const DEADLINE_ADVICE = 'Raise "timeout-seconds" if Dfns is slow from this runner, or check the network path to the Dfns API.';

const dfnsError = (status: number, message: string) => ({ error: { id: ERROR_ID, status, message, details: {} } });
/** Dfns answers `status` with its error body (the sandbox's, with a known error id), and `headers`. */
const answers = (status: number, message: string, headers?: Record<string, string>): Extract<Fault, { kind: 'status' }> => ({
  kind: 'status',
  status,
  body: dfnsError(status, message),
  ...(headers ? { headers } : {}),
});

let e2e: E2E;
let relay: Relay;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
  relay = await startRelay({ target: e2e.sandbox.url });
  // Loaded now, so that the first run's deadline does not pay for it (the step imports it when it submits).
  await import('../../src/dfns/submit-output.ts');
});
afterAll(async () => {
  await relay?.close();
  await e2e?.close();
});
beforeEach(() => e2e.sandbox.clearFaults());

/** Injects the faults, runs the step in process, and checks what every case must hold. */
function runWith(faults: Array<[FaultableCall, Fault, number?]>, options: Omit<SubmitOptions, 'files'> = {}): Promise<ObservedRun> {
  for (const [call, fault, times] of faults) e2e.sandbox.injectFault(call, fault, times ?? 1);
  return observeRun(e2e.inProcess, { ...options, files: { 'o.json': onchain }, inputs: { path: 'o.json', ...options.inputs } });
}

/** The waits of backoff attempts 1, 2, ... (full jitter: from half the ceiling to the ceiling, which doubles). */
function expectBackoff(sleeps: number[], attempts: number): void {
  expect(sleeps, 'the retry waits asked for').toHaveLength(attempts);
  sleeps.forEach((ms, i) => {
    expect(ms, `wait ${i + 1}`).toBeGreaterThanOrEqual((BACKOFF_BASE_MS * 2 ** i) / 2);
    expect(ms, `wait ${i + 1}`).toBeLessThanOrEqual(BACKOFF_BASE_MS * 2 ** i);
  });
}

function expectSubmitted(r: ObservedRun): void {
  expect(r.run.outputs['status']).toBe('success');
  expect(r.message).toBeUndefined();
  expect(r.accepted).toBe(1);
  expect(r.run.stdout).toContain('Dfns accepted the submission: status "success" (HTTP 200).');
}

function expectFailed(r: ObservedRun, status: 'failed' | 'rejected', message: string | RegExp): void {
  expect(r.run.outputs['status']).toBe(status);
  if (typeof message === 'string') expect(r.message).toBe(message);
  else expect(r.message).toMatch(message);
  expect(r.accepted).toBe(0);
}

/** Outcome `unknown`: in the output, the receipt and the message, with the advice to check Dfns. */
function expectUnknown(r: ObservedRun, message: string | RegExp, accepted: 0 | 1): void {
  expect(r.run.outputs['status']).toBe('unknown');
  if (typeof message === 'string') expect(r.message).toBe(message);
  else expect(r.message).toMatch(message);
  expect(r.message).toMatch(new RegExp(` ${escapeRegExp(UNKNOWN_ADVICE)}$`));
  expect(r.run.annotations.filter((a) => a.level === 'error').map((a) => a.title)).toEqual(['Submission outcome unknown']);
  expect(receiptOf(r.run)).toMatchObject({ outcome: 'unknown', status: 'unknown', message: r.message });
  expect(r.calls.submit, 'a submission that may have been processed is never sent again').toBe(1);
  expect(r.accepted).toBe(accepted);
}

const deadlineMessage = (seconds: string, call: keyof typeof LABEL, end: string) =>
  `the Dfns calls did not finish within timeout-seconds (${seconds} s); the deadline ran out while ${LABEL[call]}. ${DEADLINE_ADVICE} ${end}`;

describe.each(['init', 'action'] as const)('%s: changes nothing on the server, so it is retried', (call) => {
  const label = LABEL[call];
  const retryLine = (what: string, ms: number) =>
    `Dfns ${call} attempt 1 of ${MAX_CALL_ATTEMPTS} failed: ${what}. Retrying in ${secondsText(ms)}.`;

  it.each([
    [500, 'internal server error'],
    [502, 'bad gateway'],
    [503, 'service unavailable'],
    [504, 'gateway timeout'],
  ])('a %i is retried with backoff, then the output is submitted once', async (status, text) => {
    const r = await runWith([[call, answers(status, text)]]);
    expectSubmitted(r);
    expect(r.calls[call]).toBe(2);
    expect(r.calls.submit).toBe(1);
    expectBackoff(r.sleeps, 1);
    expect(r.retries).toEqual([retryLine(`Dfns answered ${status} while ${label}: ${text} (Dfns error id ${ERROR_ID})`, r.sleeps[0]!)]);
  });

  it('a 429 with Retry-After waits as asked, then submits once', async () => {
    // init: delta seconds; action: an HTTP date (whole seconds, so 1 to 2 s from now).
    const started = Date.now();
    const until = new Date(started + 2_000).toUTCString();
    const retryAfter = call === 'init' ? '1' : until;
    const r = await runWith([[call, answers(429, 'too many requests', { 'retry-after': retryAfter })]]);
    const ended = Date.now();
    expectSubmitted(r);
    expect(r.calls[call]).toBe(2);
    expect(r.sleeps).toHaveLength(1);
    const [wait] = r.sleeps as [number];
    if (call === 'init') expect(wait).toBe(1_000);
    else {
      // Until the date it names: from some moment of the run to that date.
      expect(wait).toBeGreaterThanOrEqual(Date.parse(until) - ended);
      expect(wait).toBeLessThanOrEqual(Date.parse(until) - started);
    }
    expect(r.retries).toEqual([
      `Dfns ${call} attempt 1 of ${MAX_CALL_ATTEMPTS} failed: Dfns answered 429 while ${label}: too many requests (Dfns error id ${ERROR_ID}). ` +
        `Retrying in ${secondsText(wait)} (as its Retry-After asks).`,
    ]);
  });

  it('a 429 without Retry-After backs off, then submits once', async () => {
    const r = await runWith([[call, answers(429, 'too many requests')]]);
    expectSubmitted(r);
    expect(r.calls[call]).toBe(2);
    expectBackoff(r.sleeps, 1);
    expect(r.retries).toEqual([retryLine(`Dfns answered 429 while ${label}: too many requests (Dfns error id ${ERROR_ID})`, r.sleeps[0]!)]);
  });

  it('a reset before any answer is retried', async () => {
    const r = await runWith([[call, { kind: 'reset' }]]);
    expectSubmitted(r);
    expect(r.calls[call]).toBe(2);
    expectBackoff(r.sleeps, 1);
    expect(r.retries).toEqual([retryLine(`network error while ${label}: other side closed (UND_ERR_SOCKET)`, r.sleeps[0]!)]);
  });

  it('an answer cut short is retried', async () => {
    const r = await runWith([[call, { kind: 'truncated-body' }]]);
    expectSubmitted(r);
    expect(r.calls[call]).toBe(2);
    expectBackoff(r.sleeps, 1);
    expect(r.retries).toEqual([
      retryLine(`network error while ${label}: other side closed (UND_ERR_SOCKET) while reading the answer`, r.sleeps[0]!),
    ]);
  });

  it('headers that never come: the deadline ends the run, nothing submitted', async () => {
    // Short, yet long enough for the run to reach this call (after init's answer, for action) on a busy machine.
    const seconds = call === 'init' ? '0.3' : '0.5';
    const r = await runWith([[call, { kind: 'hang' }]], { inputs: { 'timeout-seconds': seconds } });
    expectFailed(r, 'failed', deadlineMessage(seconds, call, NOTHING_SUBMITTED));
    expect(r.calls[call]).toBe(1);
    expect(r.retries).toEqual([]);
    expect(r.submissions).toEqual([]);
  });

  it('malformed JSON is not retried: nothing submitted', async () => {
    const r = await runWith([[call, { kind: 'malformed-json' }]]);
    expectFailed(
      r,
      'failed',
      `unexpected answer from Dfns while ${label} (HTTP 200): the body is not JSON; it answered: "{"status":". Nothing was submitted.`,
    );
    expect(r.calls[call]).toBe(1);
    expect(r.submissions).toEqual([]);
  });

  it('an answer of the wrong shape is not retried: nothing submitted', async () => {
    const r = await runWith([[call, { kind: 'wrong-shape', body: { unexpected: true } }]]);
    const missing = call === 'init' ? 'challenge: .+' : 'userAction: .+';
    expectFailed(
      r,
      'failed',
      new RegExp(
        `^unexpected answer from Dfns while ${escapeRegExp(label)} \\(HTTP 200\\): it does not have the documented shape \\(${missing}\\); it answered: "\\{"unexpected":true\\}"\\. Nothing was submitted\\.$`,
      ),
    );
    expect(r.calls[call]).toBe(1);
    expect(r.submissions).toEqual([]);
  });

  it.each([
    [
      401,
      'token expired',
      'The service account token is missing, malformed or expired, or belongs to another region: check the "dfns-token" secret and ' +
        '"dfns-api-url" (https://api.dfns.io for Europe, https://api.uae.dfns.io for UAE)',
    ],
    [
      403,
      'invalid signature',
      'Dfns refused the user action signature: check that "dfns-private-key" is the private key of the credential "dfns-credential-id"',
    ],
    [404, 'not found', 'Check "dfns-api-url": it must be the Dfns API origin'],
  ])('a %i with a Dfns error body is never retried', async (status, text, hint) => {
    const r = await runWith([[call, answers(status, text)]]);
    expectFailed(
      r,
      'rejected',
      `Dfns answered ${status} while ${label}: ${text} (Dfns error id ${ERROR_ID}). ${hint}. Nothing was submitted.`,
    );
    expect(r.calls[call]).toBe(1);
    expect(r.retries).toEqual([]);
    expect(r.sleeps).toEqual([]);
    expect(r.submissions).toEqual([]);
  });

  it(`gives up after ${MAX_CALL_ATTEMPTS} attempts, saying nothing was submitted`, async () => {
    const r = await runWith([[call, answers(503, 'service unavailable', { 'retry-after': '0' }), Infinity]]);
    expectFailed(r, 'failed', `Dfns answered 503 while ${label}: service unavailable (Dfns error id ${ERROR_ID}). Nothing was submitted.`);
    expect(r.calls[call]).toBe(MAX_CALL_ATTEMPTS);
    expect(r.retries).toEqual(
      Array.from(
        { length: MAX_CALL_ATTEMPTS - 1 },
        (_, i) =>
          `Dfns ${call} attempt ${i + 1} of ${MAX_CALL_ATTEMPTS} failed: Dfns answered 503 while ${label}: service unavailable (Dfns error id ${ERROR_ID}). ` +
          'Retrying in 0.0 s (as its Retry-After asks).',
      ),
    );
    expect(r.sleeps).toEqual(Array.from({ length: MAX_CALL_ATTEMPTS - 1 }, () => 0));
    expect(r.submissions).toEqual([]);
  });
});

describe('submit: retried only when it provably was not processed', () => {
  const retried = (what: string, wait: string) =>
    `Dfns submit attempt 1 of ${MAX_SUBMIT_ATTEMPTS} failed: ${what}. Nothing was submitted: retrying from a fresh challenge in ${wait}.`;

  /** Two submissions with two single-use tokens: the first refused by the fault, the second accepted. */
  function expectFreshChallenge(r: ObservedRun): void {
    expectSubmitted(r);
    expect(r.calls).toMatchObject({ init: 2, action: 2, submit: 2 });
    const [first, second] = r.submissions;
    expect(first).toMatchObject({ accepted: false, error: expect.stringMatching(/^fault: /) });
    expect(second).toMatchObject({ accepted: true, storeId: STORE_ID });
    expect(first!.userActionToken).not.toBe(second!.userActionToken);
  }

  it('a 503 is retried from a fresh challenge, and submitted once', async () => {
    const r = await runWith([['submit', answers(503, 'service unavailable')]]);
    expectFreshChallenge(r);
    expectBackoff(r.sleeps, 1);
    expect(r.retries).toEqual([
      retried(`Dfns answered 503 while submitting the output: service unavailable (Dfns error id ${ERROR_ID})`, secondsText(r.sleeps[0]!)),
    ]);
  });

  it('a 429 with Retry-After is retried after the wait it asks, from a fresh challenge', async () => {
    const r = await runWith([['submit', answers(429, 'too many requests', { 'retry-after': '1' })]]);
    expectFreshChallenge(r);
    expect(r.sleeps).toEqual([1_000]);
    expect(r.retries).toEqual([
      retried(
        `Dfns answered 429 while submitting the output: too many requests (Dfns error id ${ERROR_ID})`,
        '1.0 s (as its Retry-After asks)',
      ),
    ]);
  });

  it('a 429 without Retry-After backs off, from a fresh challenge', async () => {
    const r = await runWith([['submit', answers(429, 'too many requests')]]);
    expectFreshChallenge(r);
    expectBackoff(r.sleeps, 1);
    expect(r.retries).toEqual([
      retried(`Dfns answered 429 while submitting the output: too many requests (Dfns error id ${ERROR_ID})`, secondsText(r.sleeps[0]!)),
    ]);
  });

  it('a connection refused before the request was sent is retried from a fresh challenge', async () => {
    // The relay closes the connection after the action's answer; the door in front of it then
    // stops listening, so the submission cannot connect: not a byte of it left the runner. The
    // retry wait opens the door again.
    const door = await startClosingDoor(relay.url);
    onTestFinished(() => door.close());
    relay.dropAfterAnswer(2);
    door.closeAfterNextEnd();
    const sleeps: number[] = [];
    const r = await runWith([], {
      inputs: { 'dfns-api-url': door.url },
      sleep: async (ms) => {
        sleeps.push(ms);
        await door.open();
      },
    });
    expectSubmitted(r);
    expect(r.calls).toMatchObject({ init: 2, action: 2, submit: 1 });
    expect(r.submissions).toEqual([expect.objectContaining({ accepted: true, storeId: STORE_ID })]);
    expectBackoff(sleeps, 1);
    expect(r.retries).toEqual([
      retried(`network error while submitting the output: connect ECONNREFUSED 127.0.0.1:${door.port}`, secondsText(sleeps[0]!)),
    ]);
  });

  it(`gives up after ${MAX_SUBMIT_ATTEMPTS} attempts of 429, saying nothing was submitted`, async () => {
    const r = await runWith([['submit', answers(429, 'too many requests', { 'retry-after': '0' }), Infinity]]);
    expectFailed(
      r,
      'failed',
      `Dfns answered 429 while submitting the output: too many requests (Dfns error id ${ERROR_ID}). ` +
        'Dfns rate-limited the service account (each submission costs three requests): re-run later. Nothing was submitted.',
    );
    expect(r.calls).toMatchObject({ init: MAX_SUBMIT_ATTEMPTS, action: MAX_SUBMIT_ATTEMPTS, submit: MAX_SUBMIT_ATTEMPTS });
    expect(new Set(r.submissions.map((s) => s.userActionToken)).size).toBe(MAX_SUBMIT_ATTEMPTS);
    expect(r.sleeps).toEqual(Array.from({ length: MAX_SUBMIT_ATTEMPTS - 1 }, () => 0));
    expect(r.run.annotations.filter((a) => a.level === 'error').map((a) => a.title)).toEqual(['Dfns refused the request']);
  });

  it.each([
    ['submit', 429, 'too many requests', ' Dfns rate-limited the service account (each submission costs three requests): re-run later.'],
    ['init', 503, 'service unavailable', ''],
  ] as const)(
    'does not wait past the deadline for a Retry-After (%s %i): it fails at once, nothing submitted',
    async (call, status, text, hint) => {
      const r = await runWith([[call, answers(status, text, { 'retry-after': '120' })]], { inputs: { 'timeout-seconds': '5' } });
      expectFailed(
        r,
        'failed',
        `Dfns answered ${status} while ${LABEL[call]}: ${text} (Dfns error id ${ERROR_ID}).${hint} ${NOTHING_SUBMITTED}`,
      );
      expect(r.calls[call]).toBe(1);
      expect(r.retries).toEqual([]);
      expect(r.sleeps, 'no wait asked for').toEqual([]);
      expect(r.run.stdout.split('\n')).toContain(
        `Dfns ${call} attempt 1 failed: Dfns answered ${status} while ${LABEL[call]}: ${text} (Dfns error id ${ERROR_ID}). ` +
          'Not retried: waiting 120.0 s (as its Retry-After asks) would pass the timeout-seconds deadline (5 s).',
      );
    },
  );

  describe.each([true, false])('when Dfns may have processed it (process: %s): never retried, outcome unknown', (process) => {
    const accepted = process ? 1 : 0;

    it.each([
      [500, 'internal server error'],
      [502, 'bad gateway'],
      [504, 'gateway timeout'],
    ])('%i', async (status, text) => {
      const r = await runWith([['submit', { ...answers(status, text), process }]]);
      expectUnknown(
        r,
        `Dfns answered ${status} while submitting the output: ${text} (Dfns error id ${ERROR_ID}). ${UNKNOWN_ADVICE}`,
        accepted,
      );
      expect(r.retries).toEqual([]);
      expect(r.sleeps).toEqual([]);
    });

    it('a reset after the request was sent', async () => {
      const r = await runWith([['submit', { kind: 'reset', process }]]);
      expectUnknown(r, `network error while submitting the output: other side closed (UND_ERR_SOCKET). ${UNKNOWN_ADVICE}`, accepted);
    });

    it('headers that never come (the deadline)', async () => {
      // Short, yet long enough for init and action to answer first on a busy machine.
      const r = await runWith([['submit', { kind: 'hang', process }]], { inputs: { 'timeout-seconds': '0.5' } });
      expectUnknown(r, deadlineMessage('0.5', 'submit', UNKNOWN_ADVICE), accepted);
    });

    it('an answer cut short', async () => {
      const r = await runWith([['submit', { kind: 'truncated-body', process }]]);
      expectUnknown(
        r,
        `network error while submitting the output: other side closed (UND_ERR_SOCKET) while reading the answer. ${UNKNOWN_ADVICE}`,
        accepted,
      );
    });

    it('malformed JSON', async () => {
      const r = await runWith([['submit', { kind: 'malformed-json', process }]]);
      expectUnknown(
        r,
        `unexpected answer from Dfns while submitting the output (HTTP 200): the body is not JSON; it answered: "{"status":". ${UNKNOWN_ADVICE}`,
        accepted,
      );
    });

    it('a well-formed answer of the wrong shape', async () => {
      const r = await runWith([['submit', { kind: 'wrong-shape', body: { status: 'done' }, process }]]);
      expectUnknown(
        r,
        new RegExp(
          '^unexpected answer from Dfns while submitting the output \\(HTTP 200\\): it does not have the documented shape \\(status: .+\\); ' +
            `it answered: "\\{"status":"done"\\}"\\. ${escapeRegExp(UNKNOWN_ADVICE)}$`,
        ),
        accepted,
      );
    });
  });

  it.each([
    [400, 'invalid output', 'Dfns refused the submission as invalid: read its message above'],
    [
      401,
      'token expired',
      'The service account token is missing, malformed or expired, or belongs to another region: check the "dfns-token" secret and ' +
        '"dfns-api-url" (https://api.dfns.io for Europe, https://api.uae.dfns.io for UAE)',
    ],
    [
      403,
      'missing permission',
      'The service account needs the permission KeyStores:Instructions:Keys:Sign (formerly KeyStores:OnchainSignatures:Create) on the key store (operation "onchain-sign"), ' +
        "or Dfns refused the user action signature: check the service account's permissions in Dfns",
    ],
    [
      404,
      'key store not found',
      `No key store "${STORE_ID}" was found in this organisation: check "store-id" (or the output's keystore_id) and the region in "dfns-api-url"`,
    ],
    [409, 'conflict', 'Dfns reports a conflict: this output may have been submitted already; check the key store in Dfns'],
  ])('a %i with a Dfns error body is never retried', async (status, text, hint) => {
    const r = await runWith([['submit', answers(status, text)]]);
    expectFailed(r, 'rejected', `Dfns answered ${status} while submitting the output: ${text} (Dfns error id ${ERROR_ID}). ${hint}`);
    expect(r.calls).toMatchObject({ init: 1, action: 1, submit: 1 });
    expect(r.retries).toEqual([]);
    expect(r.sleeps).toEqual([]);
    expect(r.run.annotations.filter((a) => a.level === 'error').map((a) => a.title)).toEqual(['Dfns refused the request']);
  });
});

describe('the deadline bounds the whole run', () => {
  // Each call answers within timeout-seconds; together they do not. The margins leave the calls
  // before the one that runs out of time room to finish on a busy machine (a call delayed by
  // the sandbox takes some 100 ms more than its delay when the machine is loaded).
  it('every call slow, the deadline running out during the submission: unknown, submitted once', async () => {
    const r = await runWith(
      [
        ['init', { kind: 'delay', ms: 200 }],
        ['action', { kind: 'delay', ms: 200 }],
        ['submit', { kind: 'delay', ms: 900, process: true }],
      ],
      { inputs: { 'timeout-seconds': '1' } },
    );
    expectUnknown(r, deadlineMessage('1', 'submit', UNKNOWN_ADVICE), 1);
    expect(r.calls).toMatchObject({ init: 1, action: 1, submit: 1 });
  });

  it('every call slow, the deadline running out before the submission: failed, nothing submitted', async () => {
    const r = await runWith(
      [
        ['init', { kind: 'delay', ms: 550 }],
        ['action', { kind: 'delay', ms: 550 }],
        ['submit', { kind: 'delay', ms: 550 }],
      ],
      { inputs: { 'timeout-seconds': '1' } },
    );
    expectFailed(r, 'failed', deadlineMessage('1', 'action', NOTHING_SUBMITTED));
    expect(r.calls).toMatchObject({ init: 1, action: 1, submit: 0 });
  });
});

describe('stack traces', () => {
  it('appear under RUNNER_DEBUG=1 in a ::debug:: line only, with the network error beneath', async () => {
    const r = await runWith([['submit', { kind: 'reset', process: true }]], { env: { RUNNER_DEBUG: '1' } });
    expectUnknown(r, `network error while submitting the output: other side closed (UND_ERR_SOCKET). ${UNKNOWN_ADVICE}`, 1);
    const debug = r.run.stdout
      .split('\n')
      .filter((line) => line.startsWith('::debug::Dfns call failed: '))
      .map((line) => line.slice('::debug::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatch(/^Dfns call failed: DfnsNetworkError: network error while submitting the output: other side closed/);
    expect(debug[0]).toMatch(STACK_LINE);
    expect(debug[0]).toMatch(/\ncaused by: SocketError: other side closed\n\s+at /);
  });
});
