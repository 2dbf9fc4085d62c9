/** What a run of any action needs from its surroundings, and what it returns to the entry point. */
import type { Logger } from '../base/logger.ts';
import { redactSecrets } from '../base/secrets.ts';
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
