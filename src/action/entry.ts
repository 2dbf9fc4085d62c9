/**
 * What both actions' entry points do, wired to @actions/core: read the runner's environment, run
 * (which masks the secret step inputs before it reads anything else), and turn the result into
 * the step's exit code.
 */
import { accessSync, appendFileSync, constants } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import * as core from '@actions/core';
import { safeLines } from '../base/safe-text.ts';
import { redactSecrets } from '../base/secrets.ts';
import { classifyFailure, type FailureWords } from '../report/outcome.ts';
import type { RawInputs } from './input-values.ts';
import type { ActionIO, RunEnv, RunResult } from './io.ts';
import { readRunnerContext } from './runner-context.ts';

const io: ActionIO = {
  info: (message) => core.info(message),
  warning: (message, title) => core.warning(message, title === undefined ? {} : { title }),
  debug: (message) => core.debug(message),
  error: (message, title) => core.error(message, title === undefined ? {} : { title }),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  writeSummary,
};

/**
 * core.summary.addRaw(markdown, true).write(), synchronously when the file is there: the first
 * asynchronous file operation starts libuv's thread pool, about 2 ms of a run that needs it for
 * nothing else. Otherwise the toolkit writes it, with its own checks and messages.
 */
function writeSummary(markdown: string): Promise<void> {
  const path = process.env['GITHUB_STEP_SUMMARY'];
  try {
    if (path) {
      accessSync(path, constants.R_OK | constants.W_OK);
      appendFileSync(path, `${markdown}${EOL}`, { encoding: 'utf8' });
      return Promise.resolve();
    }
  } catch {
    // the toolkit says why below
  }
  return core.summary.addRaw(markdown, true).write().then(() => undefined);
}

function fail(message: string, title: string): void {
  io.error(redactSecrets(message), title);
  process.exitCode = 1;
}

type Run = (raw: RawInputs, env: RunEnv, io: ActionIO) => Promise<RunResult>;

/** Runs an action; whatever is thrown ends in one clear line, the stack only when the run is debugged. */
export function startAction(run: Run, words: FailureWords): void {
  main(run).catch((error: unknown) => {
    const failure = classifyFailure(error, words);
    fail(failure.message, failure.title);
    if (error instanceof Error && error.stack) core.debug(safeLines(error.stack));
  });
}

async function main(run: Run): Promise<void> {
  // The run masks its secret inputs, and registers them with the gate, before it reads anything else.
  const context = readRunnerContext(process.env, { cwd: process.cwd(), tmpdir: tmpdir() });
  const result = await run((name) => core.getInput(name), context, io);
  if (result.failure !== undefined) fail(result.failure.message, result.failure.title);
}
