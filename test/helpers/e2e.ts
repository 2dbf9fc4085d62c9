/**
 * Shared set-up for end-to-end tests: a sandbox with a registered service account, and a
 * `submit()` that runs dist/index.js against it and checks the run leaked no secret.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { startDfnsSandbox, type DfnsSandbox } from '../sandbox/dfns-sandbox.ts';
import { runAction, ROOT, RUNNER_GITHUB_TOKEN, type ActionRun, type RunOptions } from './action-runner.ts';
import { generateCredential, type KeyKind, type PemFormat, type TestCredential } from './credentials.ts';
import { expectNoSecrets } from './secrets.ts';

export const STORE_ID = 'ks-01jz3m9q8x7w6v5t4s3r2p1n0m';
/** The organisation of the fixtures: the sandbox serves it, so that a run has no organisation warning. */
export const ORG_ID = 'or-2ka7p-8ft3m-9ocdbc9cnq1i5sg7';
/** A service account token's life in these runs: weeks, as usual, so that no "expires soon" warning is printed. */
export const TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

export const fixtureText = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8');
export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

export interface E2E {
  sandbox: DfnsSandbox;
  credential: TestCredential;
  token: string;
  /** Every secret handed to the action so far, for the scan. */
  secrets: string[];
  /**
   * Runs the action with the credential's inputs (overridable), scans what it produced for
   * secrets, and checks that the sandbox saw no protocol problem (entries sent to an endpoint they
   * do not belong to), unless `protocolProblems` says which are expected.
   */
  submit(options?: RunOptions & { protocolProblems?: string[] }): Promise<ActionRun>;
  /** Runs the input action (input/action.yml) likewise, with the credential's inputs. */
  createInput(options?: Omit<RunOptions, 'action'>): Promise<ActionRun>;
  close(): Promise<void>;
}

export async function startE2E(kind: KeyKind = 'ed25519', format?: PemFormat): Promise<E2E> {
  const sandbox = await startDfnsSandbox({ orgId: ORG_ID });
  const credential = generateCredential(kind, format);
  sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
  sandbox.addKeyStore(STORE_ID);
  const token = sandbox.issueToken({ expiresInSeconds: TOKEN_LIFETIME_SECONDS });
  const secrets = [token, credential.privateKeyPem, RUNNER_GITHUB_TOKEN];

  /** Runs an action with the credential's inputs (overridable), and scans what it produced for every secret. */
  async function runScanned(options: RunOptions): Promise<ActionRun> {
    const inputs = {
      'dfns-api-url': sandbox.url,
      'dfns-token': token,
      'dfns-credential-id': credential.credentialId,
      'dfns-private-key': credential.privateKeyPem,
      ...options.inputs,
    };
    for (const name of ['dfns-token', 'dfns-private-key']) {
      const value = inputs[name as keyof typeof inputs];
      if (value && !secrets.includes(value)) secrets.push(value);
    }
    const run = await runAction({ ...options, inputs });
    // The run's folders go when the test ends (the test may still read them until then).
    onTestFinished(() => run.cleanup());
    const userActionTokens = [...sandbox.submissions, ...sandbox.inputs].map((s) => s.userActionToken).filter((t): t is string => !!t);
    expectNoSecrets({ 'the visible output': run.visibleText }, [...secrets, ...userActionTokens]);
    return run;
  }

  return {
    sandbox,
    credential,
    token,
    secrets,
    async submit(options = {}) {
      const problemsBefore = sandbox.protocolProblems.length;
      const run = await runScanned({ ...options, action: 'output' });
      expect(sandbox.protocolProblems.slice(problemsBefore), 'protocol problems the sandbox recorded').toEqual(options.protocolProblems ?? []);
      return run;
    },
    createInput: (options = {}) => runScanned({ ...options, action: 'input' }),
    close: () => sandbox.close(),
  };
}
