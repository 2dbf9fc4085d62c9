/**
 * One step of an action, between the runner and the action's run: read the runner's environment,
 * run (which masks the secret step inputs before it reads anything else), and end in an exit
 * code. Whatever is thrown ends in one clear `::error` line, its stack only in the debug log.
 * The wiring to @actions/core is entry.ts's; the tests run steps in process through this.
 */
import { safeLines } from '../base/safe-text.ts';
import { redactSecrets } from '../base/secrets.ts';
import { classifyFailure, type Failure, type FailureWords } from '../report/outcome.ts';
import type { RawStepInputs } from './step-input-values.ts';
import type { ActionIO, RunEnv, RunResult } from './io.ts';
import { readRunnerContext } from './runner-context.ts';

/** An action: its run, and what its failures say of its change (for a failure outside the run). */
export interface Action {
  run(raw: RawStepInputs, env: RunEnv, io: ActionIO): Promise<RunResult>;
  words: FailureWords;
}

/** What a step is given by the runner. */
export interface Step {
  /** The process environment: GITHUB_*, RUNNER_*. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  tmpdir: string;
  getInput: RawStepInputs;
  io: ActionIO;
  /** Replaces the retry waits (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `action` as one step; resolves to the step's exit code, never rejects. */
export async function runStep(action: Action, step: Step): Promise<number> {
  const { io } = step;
  try {
    const context = readRunnerContext(step.env, { cwd: step.cwd, tmpdir: step.tmpdir });
    const result = await action.run(step.getInput, step.sleep === undefined ? context : { ...context, sleep: step.sleep }, io);
    if (result.failure === undefined) return 0;
    fail(io, result.failure);
  } catch (error) {
    fail(io, classifyFailure(error, action.words));
    if (error instanceof Error && error.stack) io.debug(safeLines(error.stack));
  }
  return 1;
}

function fail(io: ActionIO, failure: Failure): void {
  io.error(redactSecrets(failure.message), failure.title);
}
