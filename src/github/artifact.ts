/**
 * Takes the output file from a workflow artifact: of the current run (through the Actions
 * results service), or of another run (through the REST API with a token), by default the run
 * that triggered a `workflow_run` workflow. The artifact's digest is verified; a run started
 * from a fork is refused unless explicitly allowed.
 *
 * `@actions/artifact` is imported only here, and only when an artifact is used.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../documents/zod.ts';
import type { Logger } from '../base/logger.ts';
import { safeText } from '../base/safe-text.ts';
import { ActionError, messageOf } from '../base/errors.ts';
import { listNames } from '../base/lists.ts';

export interface ArtifactStepInputs {
  artifactName: string;
  runId: number | undefined;
  repository: string | undefined;
  githubToken: string | undefined;
  allowForkArtifacts: boolean;
}

/** What the runner tells about the current run. */
export interface RunContext {
  serverUrl: string;
  repository: string;
  runId: number;
  eventName: string;
  eventPath: string | undefined;
  runnerTemp: string;
}

export interface ArtifactSource {
  repository: string;
  runId: number;
  /** The job's own run: read through the results service, no token needed. */
  current: boolean;
  /** The run came from the `workflow_run` event (not from the step inputs). */
  fromEvent: boolean;
}

export interface FetchedArtifact {
  name: string;
  id: number;
  digest: string | undefined;
  repository: string;
  runId: number;
  downloadPath: string;
}

export class ArtifactError extends ActionError {
  override name = 'ArtifactError';
  readonly title = 'Artifact not usable';
}

/** How many artifact names a "not found" error lists. */
const MAX_LISTED_ARTIFACTS = 30;

/**
 * What access reading the artifact needs. This run's artifacts are read through the Actions
 * results service with the runner's own token: no `permissions:` entry and no "github-token".
 * Another run's are read through the REST API with "github-token", which needs actions: read.
 */
function permissionHint(source: ArtifactSource): string {
  return source.current
    ? "This run's artifacts are read with the runner's own token (no permission needed): check that a job of this run that " +
        'finished before this one ("needs:") uploaded it, under this name'
    : 'Reading another run\'s artifacts needs "github-token" with actions: read: for github.token, give the job ' +
        '"permissions: actions: read"; for another repository, a token with actions: read there';
}

const WorkflowRunEvent = z.looseObject({
  workflow_run: z.looseObject({
    id: z.int().check(z.positive()),
    repository: z.looseObject({ full_name: z.string() }),
    head_repository: z.optional(z.nullable(z.looseObject({ full_name: z.string() }))),
  }),
});

/** Which run's artifact to take: the step inputs, else the workflow_run event, else the current run. */
export function resolveArtifactSource(inputs: ArtifactStepInputs, context: RunContext, log: Logger): ArtifactSource {
  const event = context.eventName === 'workflow_run' ? readWorkflowRunEvent(context.eventPath) : undefined;
  const repository = inputs.repository ?? event?.workflow_run.repository.full_name ?? context.repository;
  const runId = inputs.runId ?? event?.workflow_run.id ?? context.runId;
  const fromEvent = event !== undefined && runId === event.workflow_run.id && repository === event.workflow_run.repository.full_name;

  if (fromEvent && event) {
    const head = event.workflow_run.head_repository?.full_name;
    if (head !== undefined && head !== event.workflow_run.repository.full_name) {
      if (!inputs.allowForkArtifacts) {
        throw new ArtifactError(
          `refusing the artifact of run ${runId}: that run was started from the fork ${safeText(head)}, not from ${safeText(repository)}. ` +
            'Anyone can open a pull request from a fork, so its artifacts are untrusted data: submitting them to Dfns ' +
            "with this repository's service account would let a stranger choose what is submitted. " +
            'If every submission is reviewed before this step (e.g. by an environment with required reviewers), set ' +
            '"allow-fork-artifacts: true".',
        );
      }
      log.warning(
        `the artifact comes from run ${runId}, started from the fork ${safeText(head)}; allowed by "allow-fork-artifacts"`,
        'Artifact from a fork',
      );
    }
  }
  return { repository, runId, current: repository === context.repository && runId === context.runId, fromEvent };
}

function readWorkflowRunEvent(eventPath: string | undefined): z.infer<typeof WorkflowRunEvent> {
  if (!eventPath) throw new ArtifactError('the event is workflow_run but GITHUB_EVENT_PATH is not set; pass "run-id"');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch (error) {
    throw new ArtifactError(`could not read the workflow_run event (${messageOf(error)}); pass "run-id"`);
  }
  const parsed = WorkflowRunEvent.safeParse(json);
  if (!parsed.success) throw new ArtifactError('the workflow_run event has no workflow_run.id and repository; pass "run-id"');
  return parsed.data;
}

/** The hosts `@actions/artifact` works with; anything else is GitHub Enterprise Server. */
export function isGhes(serverUrl: string): boolean {
  const host = new URL(serverUrl || 'https://github.com').hostname.toLowerCase();
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}

export async function fetchArtifact(inputs: ArtifactStepInputs, context: RunContext, log: Logger): Promise<FetchedArtifact> {
  if (isGhes(context.serverUrl)) {
    throw new ArtifactError(
      `"artifact-name" is not supported on GitHub Enterprise Server (${safeText(context.serverUrl)}): @actions/artifact does not support it. ` +
        'Download the artifact in a step before this one (actions/download-artifact) and pass its file in "path" instead',
    );
  }
  const source = resolveArtifactSource(inputs, context, log);
  const [owner, repo] = source.repository.split('/');
  if (!owner || !repo) throw new ArtifactError(`step input "repository" must be owner/name, got "${safeText(source.repository)}"`);
  if (!source.current && !inputs.githubToken) {
    throw new ArtifactError(
      `reading run ${source.runId} of ${safeText(source.repository)} needs "github-token". ${permissionHint(source)}`,
    );
  }
  const findBy = source.current
    ? undefined
    : { token: inputs.githubToken ?? '', workflowRunId: source.runId, repositoryOwner: owner, repositoryName: repo };
  const where = `run ${source.runId} of ${safeText(source.repository)}${source.current ? ' (this run)' : ''}`;

  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const listed = await wrap(`listing the artifacts of ${where}`, source, () => client.listArtifacts(findBy ? { findBy } : {}));
  const named = listed.artifacts.filter((a) => a.name === inputs.artifactName).sort((a, b) => b.id - a.id);
  const artifact = named[0];
  if (!artifact) {
    const names = [...new Set(listed.artifacts.map((a) => a.name))];
    throw new ArtifactError(
      `no artifact named "${safeText(inputs.artifactName)}" in ${where}; ` +
        (names.length === 0
          ? 'the run has no artifacts (they may have expired, or the upload step did not run). '
          : `the run has: ${listNames(names, MAX_LISTED_ARTIFACTS)}. `) +
        permissionHint(source),
    );
  }
  if (named.length > 1) {
    log.info(`${named.length} artifacts are named "${safeText(artifact.name)}" in ${where}; using the newest, id ${artifact.id}`);
  }

  const downloadPath = mkdtempSync(join(context.runnerTemp, 'dfns-keystore-artifact-'));
  const digest = artifact.digest || undefined;
  const result = await wrap(`downloading artifact ${artifact.id} ("${safeText(artifact.name)}") from ${where}`, source, () =>
    client.downloadArtifact(artifact.id, {
      path: downloadPath,
      ...(digest ? { expectedHash: digest } : {}),
      ...(findBy ? { findBy } : {}),
    }),
  );
  if (digest && result.digestMismatch) {
    throw new ArtifactError(
      `artifact ${artifact.id} ("${safeText(artifact.name)}") does not match its digest ${safeText(digest)}: ` +
        'what was downloaded is not what was uploaded: re-run the upload',
    );
  }
  if (digest) {
    log.info(`Artifact "${safeText(artifact.name)}" (id ${artifact.id}) from ${where}: digest ${safeText(digest, 100)} verified`);
  } else {
    log.warning(
      `artifact ${artifact.id} ("${safeText(artifact.name)}") has no digest, so its download could not be verified ` +
        '(artifacts uploaded with actions/upload-artifact v4 or later carry one)',
      'Artifact not verified',
    );
  }
  return { name: artifact.name, id: artifact.id, digest, repository: source.repository, runId: source.runId, downloadPath };
}

async function wrap<T>(what: string, source: ArtifactSource, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new ArtifactError(`failed ${what}: ${safeText(messageOf(error), 300)}. ${permissionHint(source)}`, { cause: error });
  }
}
