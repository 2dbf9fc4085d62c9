/** What a run of either action needs from its surroundings, what it returns to the entry point, and what it hands the Dfns client. */
import type { Logger } from '../base/logger.ts';
import { redactSecrets } from '../base/secrets.ts';
import { USER_AGENT } from '../base/version.ts';
import type { ServiceAccountKey } from '../dfns/credentials.ts';
import type { RequestRecord } from '../dfns/http.ts';
import type { SignedChangeRequest } from '../dfns/signed-change.ts';
import type { Operation } from '../schemas/operations.ts';
import type { Credentials } from './input-values.ts';
import type { RunContext } from '../github/artifact.ts';
import type { Failure, Outcome, StepStatus } from '../report/outcome.ts';
import type { GitHubFacts } from '../report/receipt.ts';
import type { TrailIO } from '../report/trail.ts';

export interface ActionIO extends TrailIO, Logger {
  setSecret(value: string): void;
  error(message: string, title?: string): void;
}

/**
 * `io` with the run's secrets taken out of everything that leaves through it once more (a log
 * line, an annotation, an output, the job summary), whatever the text is made of, and every
 * warning also told to `onWarning` (the receipt records them). Text from outside has been through
 * the gate already (base/safe-text.ts); this is the last line of defence, not the gate.
 */
export function guardedIO(io: ActionIO, onWarning: (message: string, title: string | undefined) => void): ActionIO {
  return {
    info: (message) => io.info(redactSecrets(message)),
    debug: (message) => io.debug(redactSecrets(message)),
    warning: (message, title) => {
      const clean = redactSecrets(message);
      onWarning(clean, title);
      io.warning(clean, title);
    },
    error: (message, title) => io.error(redactSecrets(message), title),
    setOutput: (name, value) => io.setOutput(name, redactSecrets(value)),
    setSecret: (value) => io.setSecret(value),
    writeSummary: (markdown) => io.writeSummary(redactSecrets(markdown)),
  };
}

export interface RunEnv {
  /** GITHUB_WORKSPACE, the base of relative paths. */
  workspace: string;
  /** The current run, for artifacts. */
  run: RunContext;
  /** The GitHub context recorded in the receipt. */
  github: GitHubFacts;
  /** Replaces the retry waits in tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RunResult {
  outcome: Outcome;
  status: StepStatus;
  /** Set when the step must fail. */
  failure?: Failure;
  receiptPath?: string;
}

/** The part of a signed change's request that comes from the run: the service account, the deadline, the log, the trail. */
export function changeRequest(
  inputs: { apiUrl: URL; credentials: Credentials; timeoutSeconds: number },
  key: ServiceAccountKey,
  target: { storeId: string; operation: Operation; started: number },
  env: RunEnv,
  io: ActionIO,
  facts: { requests: RequestRecord[]; progress: { attempts: number } },
): SignedChangeRequest {
  return {
    apiUrl: inputs.apiUrl,
    token: inputs.credentials.token,
    credentialId: inputs.credentials.credentialId,
    key,
    storeId: target.storeId,
    operation: target.operation,
    timeoutSeconds: inputs.timeoutSeconds,
    deadline: target.started + inputs.timeoutSeconds * 1000,
    userAgent: USER_AGENT,
    setSecret: (v) => io.setSecret(v),
    log: io,
    onRequest: (record) => facts.requests.push(record),
    progress: facts.progress,
    ...(env.sleep ? { sleep: env.sleep } : {}),
  };
}
