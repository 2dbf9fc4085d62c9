/**
 * The entry point: masks the secrets, reads the inputs, runs, and turns the result into the
 * step's exit code. It only wires; everything else is in run().
 */
// First, so that a hash worker (which runs this bundle) hashes before anything else loads.
import { isHashWorker } from './file/checksum.ts';
import { accessSync, appendFileSync, constants } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import * as core from '@actions/core';
import { privateKeySecretForms } from './dfns/credentials.ts';
import { parseInputs } from './action/inputs.ts';
import { classifyFailure, DEFAULT_FAILURE_TITLE } from './report/outcome.ts';
import { run, type ActionIO } from './action/run.ts';

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

  const inputs = parseInputs((name) => core.getInput(name));
  const env = process.env;
  const result = await run(
    inputs,
    {
      workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
      run: {
        serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
        repository: env['GITHUB_REPOSITORY'] ?? '',
        runId: Number(env['GITHUB_RUN_ID'] ?? 0),
        eventName: env['GITHUB_EVENT_NAME'] ?? '',
        eventPath: env['GITHUB_EVENT_PATH'],
        runnerTemp: env['RUNNER_TEMP'] || tmpdir(),
      },
      github: {
        serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
        repository: env['GITHUB_REPOSITORY'] ?? '',
        workflow: env['GITHUB_WORKFLOW'] ?? '',
        job: env['GITHUB_JOB'] ?? '',
        runId: Number(env['GITHUB_RUN_ID'] ?? 0),
        runAttempt: Number(env['GITHUB_RUN_ATTEMPT'] ?? 1),
        event: env['GITHUB_EVENT_NAME'] ?? '',
        actor: env['GITHUB_ACTOR'] ?? '',
        sha: env['GITHUB_SHA'] ?? '',
        ref: env['GITHUB_REF'] ?? '',
      },
    },
    io,
  );
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
