/**
 * The entry point: checks the Node version, masks the secrets, runs, and turns the result into
 * the step's exit code. It only wires; everything else is in run().
 */
// First: on an older Node, one clear line instead of a failure inside a dependency.
import './action/node-version.ts';
// Then, so that a hash worker (which runs this bundle) hashes before anything else loads.
import { isHashWorker } from './file/checksum.ts';
import { accessSync, appendFileSync, constants } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import * as core from '@actions/core';
import { readRunnerContext } from './action/runner-context.ts';
import { run, type ActionIO } from './action/run.ts';
import { privateKeySecretForms } from './dfns/credentials.ts';
import { classifyFailure, DEFAULT_FAILURE_TITLE } from './report/outcome.ts';

const FAILURE_TITLE = DEFAULT_FAILURE_TITLE;

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

function fail(message: string, title = FAILURE_TITLE): void {
  io.error(message, title);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  // Masked before anything is read, parsed or logged.
  const token = core.getInput('dfns-token');
  if (token) core.setSecret(token);
  const privateKey = core.getInput('dfns-private-key');
  if (privateKey) privateKeySecretForms(privateKey).forEach((form) => core.setSecret(form));

  const githubToken = core.getInput('github-token');
  if (githubToken) core.setSecret(githubToken);

  const context = readRunnerContext(process.env, { cwd: process.cwd(), tmpdir: tmpdir() });
  const result = await run((name) => core.getInput(name), context, io);
  if (result.failure !== undefined) fail(result.failure.message, result.failure.title);
}

// A hash worker thread (see checksum.ts) has done its work when this module loads. No
// top-level await: the bundler would make every module of the bundle an asynchronous one.
if (!isHashWorker()) {
  main().catch((error: unknown) => {
    // Whatever was thrown: one clear line; the stack only when the run is debugged.
    const failure = classifyFailure(error);
    fail(failure.message, failure.title);
    if (error instanceof Error && error.stack) core.debug(error.stack);
  });
}
