/** What a run of either action needs from its surroundings, and what it returns to the entry point. */
import type { Logger } from '../base/logger.ts';
import type { RunContext } from '../github/artifact.ts';
import type { Failure, Outcome, StepStatus } from '../report/outcome.ts';
import type { GitHubFacts } from '../report/receipt.ts';
import type { TrailIO } from '../report/trail.ts';

export interface ActionIO extends TrailIO, Logger {
  setSecret(value: string): void;
  error(message: string, title?: string): void;
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
