/**
 * Shared set-up for end-to-end tests: a sandbox with a registered service account, and a
 * `submit()` that runs dist/index.js against it and checks the run leaked no secret.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import {
  startDfnsSandbox,
  type DfnsSandbox,
  type RecordedCancel,
  type RecordedInput,
  type RecordedRequest,
  type RecordedSubmission,
} from '../sandbox/dfns-sandbox.ts';
import { ORG_ID, STORE_ID } from '../sandbox/ids.ts';
import { failureMessage, makeWorkspace, runAction, ROOT, RUNNER_GITHUB_TOKEN, type ActionRun, type RunOptions } from './action-runner.ts';
import { expectUnchanged, snapshot } from './file-snapshot.ts';
import { generateCredential, type KeyKind, type PemFormat, type TestCredential } from './credentials.ts';
import { derivedForms, expectNoSecrets } from './secrets.ts';
import { expectOnlyOwnCommands } from './workflow-commands.ts';
import { runInProcess } from './in-process.ts';
import { ISSUED_SIGNATURES } from '../github/blob-storage.ts';

/**
 * The fixtures' key store, and their organisation: the sandbox serves it, so that a run has no
 * organisation warning (both defined in test/sandbox/ids.ts).
 */
export { ORG_ID, STORE_ID };
/** A service account token's life in these runs: weeks, as usual, so that no "expires soon" warning is printed. */
const TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

export const fixtureText = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8');
export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** What the sandbox saw during one run, in order of arrival. */
export interface SandboxSeen {
  requests: RecordedRequest[];
  submissions: RecordedSubmission[];
  inputs: RecordedInput[];
  cancels: RecordedCancel[];
  /** The protocol problems of those submissions (see `DfnsSandbox.protocolProblems`). */
  protocolProblems: string[];
}

/** A run through `E2E`, with what the sandbox saw while it ran (and, in process, the retry waits asked for, in ms). */
export interface E2ERun extends ActionRun {
  seen: SandboxSeen;
  sleeps?: number[];
}

/**
 * Marks where the sandbox's records stand now; the function returned gives what it recorded
 * since (the one place a run's share of the records is taken; tests of a file run one at a time).
 */
export function watchSandbox(sandbox: DfnsSandbox): () => SandboxSeen {
  const mark = {
    requests: sandbox.requests.length,
    submissions: sandbox.submissions.length,
    inputs: sandbox.inputs.length,
    cancels: sandbox.cancels.length,
    protocolProblems: sandbox.protocolProblems.length,
  };
  return () => ({
    requests: sandbox.requests.slice(mark.requests),
    submissions: sandbox.submissions.slice(mark.submissions),
    inputs: sandbox.inputs.slice(mark.inputs),
    cancels: sandbox.cancels.slice(mark.cancels),
    protocolProblems: sandbox.protocolProblems.slice(mark.protocolProblems),
  });
}

/** Files of at most this size are scanned for secrets after a run (the large ones are the tests' own outputs). */
const SCANNED_FILE_BYTES = 1024 * 1024;

/** The text of every file under the folders (up to SCANNED_FILE_BYTES each): what a run wrote, for the secret scan. */
function filesText(...dirs: string[]): string {
  return dirs
    .flatMap((dir) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name)),
    )
    .filter((path) => statSync(path).size <= SCANNED_FILE_BYTES)
    .map((path) => readFileSync(path, 'latin1'))
    .join('\n');
}

/** The one item of `items`, which must hold exactly one (e.g. the submission a run made). */
export function onlyOne<T>(items: readonly T[], what: string): T {
  expect(items, `exactly one ${what}`).toHaveLength(1);
  return items[0]!;
}

/**
 * Checks a run refused before any call: exit code 1, no request reached the sandbox, the
 * `status` output (default `failed`), nothing on stderr, one `::error::` line (with `title`, if
 * given). Returns its message.
 */
export function expectRefusedLocally(run: E2ERun, expected: { title?: string; status?: string } = {}): string {
  expect(run.exitCode).toBe(1);
  expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
  expect(run.outputs['status'], 'the status output').toBe(expected.status ?? 'failed');
  expect(run.stderr).toBe('');
  const errors = run.annotations.filter((a) => a.level === 'error');
  expect(errors, 'one ::error:: line').toHaveLength(1);
  if (expected.title !== undefined) expect(errors.map((a) => a.title)).toEqual([expected.title]);
  return failureMessage(run);
}

/** How a test runs an action through the harness. */
interface E2EOptions extends RunOptions {
  /** Files of the workspace the run may replace (relative to it): only an earlier receipt of the action. */
  mayReplace?: string[];
  /** Replaces the retry waits of a run in process (see `E2E.inProcess`); default: recorded in `sleeps`, none waited. */
  sleep?: (ms: number) => Promise<void>;
}

/** The actions run by the harness: each run scanned for secrets, foreign workflow commands and files it changed. */
export interface E2ERunners {
  /**
   * Runs the action with the credential's inputs (overridable), scans what it produced for
   * secrets, and checks that the sandbox saw no protocol problem (entries sent to an endpoint they
   * do not belong to), unless `protocolProblems` says which are expected. The run comes with
   * what the sandbox saw while it ran (`seen`).
   */
  submit(options?: E2EOptions & { protocolProblems?: string[] }): Promise<E2ERun>;
  /** Runs the input action (input/action.yml) likewise, with the credential's inputs. */
  createInputArchive(options?: Omit<E2EOptions, 'action'>): Promise<E2ERun>;
  /** Runs the cancel action (cancel/action.yml) likewise, with the credential's inputs. */
  cancel(options?: Omit<E2EOptions, 'action'>): Promise<E2ERun>;
}

/**
 * The sandbox and a service account on it. Its runners start the built action (dist/) as a runner
 * does, a child process each; `inProcess` runs the same step in this process (src/runner/step.ts,
 * test/helpers/in-process.ts), with the same scans, the retry waits recorded in `sleeps` and none
 * waited: for the many cases, the child process for the contracts.
 */
export interface E2E extends E2ERunners {
  sandbox: DfnsSandbox;
  credential: TestCredential;
  token: string;
  /** Every secret handed to the action so far, for the scan. */
  secrets: string[];
  inProcess: E2ERunners;
  close(): Promise<void>;
}

export async function startE2E(kind: KeyKind = 'ed25519', format?: PemFormat): Promise<E2E> {
  const sandbox = await startDfnsSandbox({ orgId: ORG_ID });
  const credential = generateCredential(kind, format);
  sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
  sandbox.addKeyStore(STORE_ID);
  const token = sandbox.issueToken({ expiresInSeconds: TOKEN_LIFETIME_SECONDS });
  const secrets = [token, credential.privateKeyPem, RUNNER_GITHUB_TOKEN];

  /**
   * Runs an action with the credential's inputs (overridable), notes what the sandbox saw
   * meanwhile, and scans what it produced for every secret.
   */
  async function runScanned(options: E2EOptions, inProcess: boolean): Promise<E2ERun> {
    const inputs = {
      'dfns-api-url': sandbox.url,
      'dfns-token': token,
      'dfns-credential-id': credential.credentialId,
      'dfns-private-key': credential.privateKeyPem,
      ...options.inputs,
    };
    for (const name of ['dfns-token', 'dfns-private-key', 'github-token']) {
      const value = inputs[name as keyof typeof inputs];
      if (value && !secrets.includes(value)) secrets.push(value);
    }
    // The workspace made first, so that what stood in it before the run can be checked after it.
    const given = options.workspace;
    const workspace = given ?? makeWorkspace();
    for (const [name, content] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(workspace, name)), { recursive: true });
      writeFileSync(join(workspace, name), content);
    }
    const before = snapshot(workspace);
    for (const path of options.mayReplace ?? []) before.delete(resolve(workspace, path));
    const seenSince = watchSandbox(sandbox);
    const ran = inProcess
      ? await runInProcess({ ...options, files: {}, workspace, inputs })
      : await runAction({ ...options, files: {}, workspace, inputs });
    const run = Object.assign(ran, { seen: seenSince() });
    // The run's folders go when the test ends (the test may still read them until then).
    onTestFinished(() => {
      run.cleanup();
      if (given === undefined) rmSync(workspace, { recursive: true, force: true });
    });
    expectUnchanged(before);
    const runSecrets = [...secrets, ...sandbox.userActionTokens];
    expectNoSecrets(
      { 'the visible output': run.visibleText, 'the files in the workspace and RUNNER_TEMP': filesText(run.workspace, run.runnerTemp) },
      runSecrets,
    );
    // The toolkit masks the signed URLs' signatures the GitHub stand-ins issue.
    expectOnlyOwnCommands(run.stdout, [...runSecrets.flatMap((secret) => [secret, ...derivedForms(secret)]), ...ISSUED_SIGNATURES]);
    return run;
  }

  const runners = (inProcess: boolean): E2ERunners => ({
    async submit(options = {}) {
      const run = await runScanned({ ...options, action: 'submit' }, inProcess);
      expect(run.seen.protocolProblems, 'protocol problems the sandbox recorded').toEqual(options.protocolProblems ?? []);
      return run;
    },
    createInputArchive: (options = {}) => runScanned({ ...options, action: 'create-input' }, inProcess),
    cancel: (options = {}) => runScanned({ ...options, action: 'cancel' }, inProcess),
  });
  return { sandbox, credential, token, secrets, ...runners(false), inProcess: runners(true), close: () => sandbox.close() };
}
