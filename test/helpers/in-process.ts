/**
 * Runs an action's step in this process, as dist/ runs it (src/runner/step.ts, the code between
 * the runner and the action), but with the retry waits injected and without a child process: the
 * same workspace, command files and environment as `runAction`, and the same `ActionRun` to
 * assert on. What @actions/core would print and write is printed and written here in its format
 * (workflow commands on stdout, `name<<delimiter` blocks in GITHUB_OUTPUT, the job summary
 * appended to GITHUB_STEP_SUMMARY), so that the end-to-end assertions read the same.
 *
 * While the step runs, process.env holds the step's environment (libraries read it there:
 * @actions/artifact's runtime variables, undici's proxy variables), and what anything writes to
 * process.stdout and process.stderr (@actions/artifact logs through @actions/core) is the run's
 * stdout and stderr, as in a child process; both are restored afterwards. Steps must therefore
 * not run concurrently in one test file (vitest runs a file's tests in turn).
 */
import { randomUUID } from 'node:crypto';
import { accessSync, appendFileSync, constants } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import { CANCEL_ACTION } from '../../src/actions/cancel/run.ts';
import { CREATE_INPUT_ACTION } from '../../src/actions/create-input/run.ts';
import { SUBMIT_ACTION } from '../../src/actions/submit/run.ts';
import type { ActionIO } from '../../src/runner/io.ts';
import { runStep, type Action } from '../../src/runner/step.ts';
import { finishedRun, prepareStep, type ActionName, type ActionRun, type RunOptions } from './action-runner.ts';

const ACTIONS: Record<ActionName, Action> = { submit: SUBMIT_ACTION, 'create-input': CREATE_INPUT_ACTION, cancel: CANCEL_ACTION };

export interface InProcessOptions extends Omit<RunOptions, 'user' | 'timeoutMs'> {
  /** Replaces the retry waits; default: record them and return at once (see `sleeps`). */
  sleep?: (ms: number) => Promise<void>;
}

export interface InProcessRun extends ActionRun {
  /** The retry waits the run asked for, in ms, when `sleep` was not given. */
  sleeps: number[];
}

export async function runInProcess(options: InProcessOptions = {}): Promise<InProcessRun> {
  const step = prepareStep(options);
  const sleeps: number[] = [];
  const captured = { stdout: '', stderr: '' };
  const io = coreLikeIO(step.env, (text) => (captured.stdout += text));
  const restoreEnv = useEnv(step.env);
  const restoreStreams = captureStreams(captured);
  let exitCode: number;
  try {
    exitCode = await runStep(ACTIONS[step.action], {
      env: step.env,
      cwd: step.workspace,
      tmpdir: tmpdir(),
      getInput: (name) => (step.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim(),
      io,
      sleep: options.sleep ?? (async (ms) => void sleeps.push(ms)),
    });
  } finally {
    restoreStreams();
    restoreEnv();
  }
  return { ...finishedRun(step, { exitCode, ...captured }, options.workspace !== undefined), sleeps };
}

/** Appends what is written to process.stdout and process.stderr to `into` instead; gives back a function that restores them. */
function captureStreams(into: { stdout: string; stderr: string }): () => void {
  const restore: Array<() => void> = [];
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const original = Object.getOwnPropertyDescriptor(stream, 'write');
    Object.defineProperty(stream, 'write', {
      configurable: true,
      writable: true,
      value: (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
        into[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
        callback?.();
        return true;
      },
    });
    // The stream's own `write` (when it had one) comes back; else the prototype's shows again.
    restore.push(() =>
      original === undefined ? delete (stream as { write?: unknown }).write : Object.defineProperty(stream, 'write', original),
    );
  }
  return () => restore.forEach((undo) => undo());
}

/** Sets `env` as process.env (keeping nothing else); gives back a function that restores it. */
function useEnv(env: Record<string, string>): () => void {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  Object.assign(process.env, env);
  return () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  };
}

// @actions/core's command format (lib/command.js): data escapes %, CR and LF; properties also : and ,.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const command = (name: string, message: string, title?: string): string =>
  `::${name}${title === undefined ? '' : ` title=${escapeProperty(title)}`}::${escapeData(message)}${EOL}`;

/** An ActionIO that prints and writes what @actions/core would, for the step's `env`. */
function coreLikeIO(env: Record<string, string>, print: (text: string) => void): ActionIO {
  return {
    info: (message) => print(`${message}${EOL}`),
    debug: (message) => print(command('debug', message)),
    warning: (message, title) => print(command('warning', message, title)),
    error: (message, title) => print(command('error', message, title)),
    setSecret: (value) => print(command('add-mask', value)),
    setOutput(name, value) {
      const delimiter = `ghadelimiter_${randomUUID()}`;
      appendFileSync(env['GITHUB_OUTPUT']!, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
    },
    async writeSummary(markdown) {
      // As core.summary.write(): its messages when the file is not there or not writable.
      const path = env['GITHUB_STEP_SUMMARY'];
      if (!path)
        throw new Error(
          'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
        );
      try {
        accessSync(path, constants.R_OK | constants.W_OK);
      } catch {
        throw new Error(`Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`);
      }
      appendFileSync(path, `${markdown}${EOL}`, 'utf8');
    },
  };
}
