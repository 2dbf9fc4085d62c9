/**
 * Runs the built actions (`dist/<action>/index.js`) the way a GitHub runner does: a child process in
 * the workspace, every action.yml input present as `INPUT_<NAME>` (hyphens kept) with its
 * default when not given, and fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / ... files.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST_ENTRY = join(ROOT, 'dist', 'submit', 'index.js');

/** The actions of the repository: their action.yml and the entry their `runs.main` names. */
export const ACTIONS = {
  submit: { yml: join(ROOT, 'action.yml'), entry: DIST_ENTRY },
  'create-input': { yml: join(ROOT, 'input', 'action.yml'), entry: join(ROOT, 'dist', 'create-input', 'index.js') },
  cancel: { yml: join(ROOT, 'cancel', 'action.yml'), entry: join(ROOT, 'dist', 'cancel', 'index.js') },
} as const;
export type ActionName = keyof typeof ACTIONS;
/** What `${{ github.token }}` evaluates to in these runs. */
export const RUNNER_GITHUB_TOKEN = 'ghs_rUnN3rDefaulTt0kenQ7xW9zKp2LmN4vB8';

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { description: string }>;
}

export function readActionYml(action: ActionName = 'submit'): ActionYml {
  return parse(readFileSync(ACTIONS[action].yml, 'utf8')) as ActionYml;
}

interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title?: string;
  message: string;
}

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  workspace: string;
  runnerTemp: string;
  /** The receipt's text, when the run wrote one (at the `receipt-path` output). */
  receiptText: string | undefined;
  /** Everything a user or a later step can read: stdout (less ::add-mask:: commands), stderr, outputs, summary, receipt. */
  visibleText: string;
  /** Removes the run's temporary folders (the workspace too, unless the caller gave it). */
  cleanup(): void;
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** An existing workspace; default a fresh temporary directory. */
  workspace?: string;
  /** Files to create in the workspace first. */
  files?: Record<string, string | Uint8Array>;
  timeoutMs?: number;
  /** Which action runs: the main one (default), the input action or the cancel action. */
  action?: ActionName;
  /**
   * Runs the action as this user (the test process must be root): its workspace, temporary folder
   * and command files are given to it first, as a runner's are to the runner's user.
   */
  user?: { uid: number; gid: number };
}

export function makeWorkspace(files: Record<string, string | Uint8Array> = {}): string {
  const workspace = mkdtempSync(join(tmpdir(), 'dfns-action-ws-'));
  for (const [name, content] of Object.entries(files)) {
    const path = join(workspace, name);
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  return workspace;
}

/**
 * The environment a runner gives a step: its variables, the command files, and every input
 * of action.yml as `INPUT_<NAME>` (its default when not given). An input action.yml does not
 * declare is a mistake of the caller.
 */
export function runnerEnv(step: {
  workspace: string;
  runnerTemp: string;
  commandFiles: Record<string, string>;
  inputs: Record<string, string>;
  action?: ActionName;
}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? step.runnerTemp,
    // The temporary folder of the process that starts the step (in the tests, the test run's
    // folder that test/global-temp.ts sets up and removes), so that os.tmpdir() of the action is in it.
    TMPDIR: tmpdir(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: step.workspace,
    RUNNER_TEMP: step.runnerTemp,
    GITHUB_REPOSITORY: 'acme/keystore-ops',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'Submit keystore output',
    GITHUB_JOB: 'submit',
    ...step.commandFiles,
  };
  const declared = readActionYml(step.action).inputs;
  for (const [name, spec] of Object.entries(declared)) {
    // The runner evaluates expressions in defaults; github.token is the only one action.yml uses.
    const fallback = (spec.default ?? '').replace('${{ github.token }}', RUNNER_GITHUB_TOKEN);
    env[`INPUT_${name.toUpperCase().replace(/ /g, '_')}`] = step.inputs[name] ?? fallback;
  }
  for (const name of Object.keys(step.inputs)) {
    if (!(name in declared)) throw new Error(`test passes step input "${name}", which action.yml does not declare`);
  }
  return env;
}

/** A step about to run: its folders, command files and environment, as a runner prepares them. */
export interface PreparedStep {
  action: ActionName;
  workspace: string;
  runnerTemp: string;
  /** GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...: the command files, each a fresh empty file. */
  commandFiles: Record<string, string>;
  env: Record<string, string>;
}

/** The workspace (with `options.files`), the runner's temporary folder, the command files and the environment of a step. */
export function prepareStep(options: RunOptions = {}): PreparedStep {
  const workspace = options.workspace ?? makeWorkspace();
  for (const [name, content] of Object.entries(options.files ?? {})) {
    const path = join(workspace, name);
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  const runnerTemp = mkdtempSync(join(tmpdir(), 'dfns-action-tmp-'));
  const commandFiles = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH'].map((name) => {
      const path = join(runnerTemp, `${name.toLowerCase()}.txt`);
      writeFileSync(path, '');
      return [name, path];
    }),
  ) as Record<string, string>;
  const action = options.action ?? 'submit';
  const env = runnerEnv({ workspace, runnerTemp, commandFiles, inputs: options.inputs ?? {}, action });
  Object.assign(env, options.env);
  return { action, workspace, runnerTemp, commandFiles, env };
}

export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const step = prepareStep(options);
  const { workspace, runnerTemp, env } = step;
  const { user } = options;
  if (user) {
    for (const dir of [workspace, runnerTemp]) giveTo(dir, user);
    // The folders above them must let the user through (mkdtemp makes them for the owner only).
    for (let dir = resolve(workspace, '..'); dir !== resolve(dir, '..'); dir = resolve(dir, '..'))
      chmodSync(dir, statSync(dir).mode | 0o111);
  }

  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolvePromise) => {
    execFile(
      process.execPath,
      [ACTIONS[step.action].entry],
      { cwd: workspace, env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, ...(user ?? {}) },
      (error, out, err) => {
        const exit = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolvePromise({ code: exit, stdout: out, stderr: err });
      },
    );
  });
  return finishedRun(step, { exitCode: code, stdout, stderr }, options.workspace !== undefined);
}

/** What a user or a later step can read of a finished step. `keepWorkspace`: the caller gave it, and removes it. */
export function finishedRun(
  step: PreparedStep,
  ended: { exitCode: number | null; stdout: string; stderr: string },
  keepWorkspace: boolean,
): ActionRun {
  const { workspace, runnerTemp, commandFiles } = step;
  const { stdout, stderr } = ended;
  const outputs = parseOutputFile(readFileSync(commandFiles['GITHUB_OUTPUT']!, 'utf8'));
  const summary = readFileSync(commandFiles['GITHUB_STEP_SUMMARY']!, 'utf8');
  const receiptPath = outputs['receipt-path'];
  const receiptText = receiptPath && existsSync(receiptPath) ? readFileSync(receiptPath, 'utf8') : undefined;
  const visibleStdout = stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return {
    exitCode: ended.exitCode,
    stdout,
    stderr,
    outputs,
    summary,
    annotations: parseAnnotations(stdout),
    workspace,
    runnerTemp,
    receiptText,
    visibleText: [visibleStdout, stderr, readFileSync(commandFiles['GITHUB_OUTPUT']!, 'utf8'), summary, receiptText ?? ''].join('\n'),
    cleanup() {
      for (const dir of keepWorkspace ? [runnerTemp] : [workspace, runnerTemp]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Gives a folder and everything in it to `user`. */
function giveTo(dir: string, user: { uid: number; gid: number }): void {
  chownSync(dir, user.uid, user.gid);
  for (const name of readdirSync(dir, { recursive: true }) as string[]) lchownSync(join(dir, name), user.uid, user.gid);
}

/** Parses `name<<DELIM\nvalue\nDELIM` blocks, as the runner does. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

function unescapeCommand(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

function parseAnnotations(stdout: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const props = Object.fromEntries(
      (match[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => {
          const eq = p.indexOf('=');
          return [p.slice(0, eq), unescapeCommand(p.slice(eq + 1))];
        }),
    ) as Record<string, string>;
    const annotation: Annotation = { level: match[1] as Annotation['level'], message: unescapeCommand(match[3]!) };
    if (props['title'] !== undefined) annotation.title = props['title'];
    annotations.push(annotation);
  }
  return annotations;
}

/**
 * The receipt the run wrote, parsed from `run.receiptText`; fails, saying so, when the run wrote
 * none (a test that expects none asserts `run.receiptText` is undefined).
 */
export function receiptOf(run: ActionRun): any {
  if (run.receiptText === undefined) {
    const path = run.outputs['receipt-path'];
    throw new Error(
      `the run wrote no receipt (${path === undefined ? 'no receipt-path output' : `nothing at its receipt-path output, ${path}`}); ` +
        `exit code ${run.exitCode}, stdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  }
  return JSON.parse(run.receiptText);
}

/** The one `::error::` annotation a failed run must print. */
export function failureMessage(run: ActionRun): string {
  const errors = run.annotations.filter((a) => a.level === 'error');
  if (errors.length === 0) throw new Error(`no ::error:: annotation; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return errors.map((e) => e.message).join('\n');
}
