/**
 * One run of the main action against the sandbox, observed from both sides, with what must hold
 * in every case (the fault-injection and proxy suites): never two accepted submissions,
 * exactly one when the step succeeded; one `::error::` line and exit code 1 otherwise; nothing
 * on stderr and no stack trace outside `::debug::` lines.
 */
import { expect } from 'vitest';
import type { RecordedSubmission, SandboxCall } from '../sandbox/dfns-sandbox.ts';
import { failureMessage } from './action-runner.ts';
import type { E2ERun, E2ERunners } from './e2e.ts';

export const NOTHING_SUBMITTED = 'Nothing was submitted.';
export const UNKNOWN_ADVICE =
  'The submission may have reached Dfns. Check the key store in Dfns before re-running this workflow: ' +
  're-running could submit the output a second time.';
/** A line of a stack trace: `    at fn (file:line:column)`. */
export const STACK_LINE = /^\s+at .*:\d+:\d+\)?$/m;

/** The options of a run of the main action through the harness. */
export type SubmitOptions = NonNullable<Parameters<E2ERunners['submit']>[0]>;

export interface ObservedRun {
  /** The run, with what the sandbox saw during it (`run.seen`). */
  run: E2ERun;
  /** The `::error::` line, undefined when the step succeeded. */
  message: string | undefined;
  /** Submissions the sandbox recorded during this run, and how many it accepted. */
  submissions: RecordedSubmission[];
  accepted: number;
  /** Requests the sandbox received during this run, per call. */
  calls: Record<SandboxCall, number>;
  /** The retry lines (warnings), in order. */
  retries: string[];
  /** In process: the retry waits the run asked for, in ms (recorded, not waited); a child process: none known. */
  sleeps: number[];
}

/**
 * Runs the main action with `runners` (`e2e` of `startE2E()`: dist/index.js in a child process;
 * `e2e.inProcess`: the same step in this process) and checks what every run must hold.
 */
export async function observeRun(runners: E2ERunners, options: SubmitOptions): Promise<ObservedRun> {
  const run = await runners.submit(options);
  const { submissions } = run.seen;
  const calls: Record<SandboxCall, number> = { stores: 0, init: 0, action: 0, submit: 0, create: 0, cancel: 0, other: 0 };
  for (const request of run.seen.requests) calls[request.call] += 1;
  const errors = run.annotations.filter((a) => a.level === 'error');
  const observed: ObservedRun = {
    run,
    message: errors.length > 0 ? failureMessage(run) : undefined,
    submissions,
    accepted: submissions.filter((s) => s.accepted).length,
    calls,
    retries: run.annotations.filter((a) => a.level === 'warning' && /^Dfns \w+ attempt/.test(a.message)).map((a) => a.message),
    sleeps: run.sleeps ?? [],
  };

  expect(observed.accepted, 'a run never makes Dfns accept the output twice').toBeLessThanOrEqual(1);
  expect(run.stderr, 'nothing on stderr, in particular no stack trace').toBe('');
  const visible = run.stdout.split('\n').filter((line) => !line.startsWith('::debug::'));
  expect(
    visible.filter((line) => STACK_LINE.test(line)),
    'a stack trace outside ::debug:: lines',
  ).toEqual([]);
  if (run.outputs['status'] === 'success') {
    expect(run.exitCode).toBe(0);
    expect(errors).toEqual([]);
    expect(observed.accepted, 'a successful run submitted exactly once').toBe(1);
  } else {
    expect(run.exitCode).toBe(1);
    expect(errors, 'one ::error:: line').toHaveLength(1);
  }
  return observed;
}

/** How a retry line writes a wait of `ms`: `0.4 s`, as src/dfns/signed-change.ts does. */
export const secondsText = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `text` with the characters a regular expression gives a meaning escaped. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
