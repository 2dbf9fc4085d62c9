/**
 * What the runner tells a step through its environment: the workspace, the temporary folder,
 * and the run (for artifacts and for the receipt). Pure: the environment is passed in.
 */
import { safeText } from '../base/safe-text.ts';
import type { RunContext } from '../github/artifact.ts';
import type { GitHubFacts } from '../report/receipt.ts';

export interface RunnerContext {
  /** GITHUB_WORKSPACE, the base of relative paths (the working directory when unset). */
  workspace: string;
  run: RunContext;
  github: GitHubFacts;
}

export function readRunnerContext(
  env: Readonly<Record<string, string | undefined>>,
  fallbacks: { cwd: string; tmpdir: string },
): RunnerContext {
  const serverUrl = env['GITHUB_SERVER_URL'] || 'https://github.com';
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const runId = wholeNumber(env['GITHUB_RUN_ID'], 0);
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  return {
    workspace: env['GITHUB_WORKSPACE'] || fallbacks.cwd,
    run: {
      serverUrl,
      repository,
      runId,
      eventName,
      eventPath: env['GITHUB_EVENT_PATH'] || undefined,
      runnerTemp: env['RUNNER_TEMP'] || fallbacks.tmpdir,
    },
    // As the receipt and the summary show them: through the gate (a workflow's name is free text).
    github: {
      serverUrl: safeText(serverUrl),
      repository: safeText(repository),
      workflow: safeText(env['GITHUB_WORKFLOW'] ?? ''),
      job: safeText(env['GITHUB_JOB'] ?? ''),
      runId,
      runAttempt: wholeNumber(env['GITHUB_RUN_ATTEMPT'], 1),
      event: safeText(eventName),
      actor: safeText(env['GITHUB_ACTOR'] ?? ''),
      sha: safeText(env['GITHUB_SHA'] ?? ''),
      ref: safeText(env['GITHUB_REF'] ?? ''),
    },
  };
}

/** A positive whole number from the environment, else `fallback`. */
function wholeNumber(value: string | undefined, fallback: number): number {
  return value !== undefined && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : fallback;
}
