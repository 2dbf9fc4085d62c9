/**
 * What the runner tells a step through its environment: the workspace, the temporary folder,
 * and the run (for artifacts and for the receipt). Pure: the environment is passed in.
 */
import type { RunContext } from '../github/artifact.ts';
import type { GitHubFacts } from '../report/receipt.ts';

export interface RunnerContext {
  /** GITHUB_WORKSPACE, the base of relative paths (the working directory when unset). */
  workspace: string;
  run: RunContext;
  github: GitHubFacts;
}

export function readRunnerContext(env: Readonly<Record<string, string | undefined>>, fallbacks: { cwd: string; tmpdir: string }): RunnerContext {
  const serverUrl = env['GITHUB_SERVER_URL'] || 'https://github.com';
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const runId = wholeNumber(env['GITHUB_RUN_ID'], 0);
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  return {
    workspace: env['GITHUB_WORKSPACE'] || fallbacks.cwd,
    run: { serverUrl, repository, runId, eventName, eventPath: env['GITHUB_EVENT_PATH'] || undefined, runnerTemp: env['RUNNER_TEMP'] || fallbacks.tmpdir },
    github: {
      serverUrl,
      repository,
      workflow: env['GITHUB_WORKFLOW'] ?? '',
      job: env['GITHUB_JOB'] ?? '',
      runId,
      runAttempt: wholeNumber(env['GITHUB_RUN_ATTEMPT'], 1),
      event: eventName,
      actor: env['GITHUB_ACTOR'] ?? '',
      sha: env['GITHUB_SHA'] ?? '',
      ref: env['GITHUB_REF'] ?? '',
    },
  };
}

/** A positive whole number from the environment, else `fallback`. */
function wholeNumber(value: string | undefined, fallback: number): number {
  return value !== undefined && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : fallback;
}
