/**
 * The main action's step inputs: raw strings in (as the runner passes them), one typed object out.
 * Pure: the entry point reads the raw values; everything here can be tested without a runner.
 */
import type { ArtifactStepInputs } from '../../github/artifact.ts';
import { isOperation, OPERATIONS, type Operation } from '../../documents/operations.ts';
import {
  parseBoolean,
  parseDfnsId,
  parseDfnsStepInputs,
  shorten,
  StepInputError,
  type DfnsStepInputs,
  type RawStepInputs,
} from '../../runner/step-input-values.ts';

export { DEFAULT_API_URL, StepInputError, type RawStepInputs } from '../../runner/step-input-values.ts';

interface CommonStepInputs {
  /** Path or glob of the output file; empty only when an artifact supplies the file. */
  path: string;
  storeId: string | undefined;
  /** The operation to submit to; undefined: the one the file's entries belong to. */
  operation: Operation | undefined;
  expectedChecksum: string | undefined;
  /** Set when the file comes from a workflow artifact. */
  artifact: ArtifactStepInputs | undefined;
  failOnPartial: boolean;
}

/** A submission has every credential; a dry run checks those it is given. */
export type SubmitStepInputs = CommonStepInputs & DfnsStepInputs;

export function parseSubmitStepInputs(raw: RawStepInputs): SubmitStepInputs {
  const get = (name: string): string => raw(name).trim();
  const optional = (name: string): string | undefined => get(name) || undefined;

  const common: CommonStepInputs = {
    path: get('path'),
    storeId: optionalId(get('store-id')),
    operation: parseOperation(get('operation')),
    expectedChecksum: parseExpectedChecksum(optional('expected-checksum')),
    artifact: parseArtifactStepInputs(get),
    failOnPartial: parseBoolean('fail-on-partial', get('fail-on-partial'), false),
  };
  if (!common.path && !common.artifact) {
    throw new StepInputError(
      'step input "path" is required: the output file (or a glob matching it), unless "artifact-name" names the artifact that holds it',
    );
  }
  return { ...common, ...parseDfnsStepInputs(get, { required: 'to submit', dryRun: 'to validate without submitting' }) };
}

function parseArtifactStepInputs(get: (name: string) => string): ArtifactStepInputs | undefined {
  const allowForkArtifacts = parseBoolean('allow-fork-artifacts', get('allow-fork-artifacts'), false);
  const artifactName = get('artifact-name');
  if (!artifactName) {
    const stray = ['run-id', 'repository'].filter((n) => get(n));
    if (stray.length > 0) {
      throw new StepInputError(
        `${stray.map((n) => `"${n}"`).join(' and ')} ${stray.length === 1 ? 'applies' : 'apply'} only with "artifact-name"; set it, or remove ${stray.length === 1 ? 'it' : 'them'}`,
      );
    }
    return undefined;
  }
  const runId = get('run-id');
  if (runId && !/^[1-9]\d{0,18}$/.test(runId)) {
    throw new StepInputError(`step input "run-id" must be a workflow run id (a positive whole number), got "${shorten(runId)}"`);
  }
  const repository = get('repository');
  if (repository && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new StepInputError(`step input "repository" must be owner/name, got "${shorten(repository)}"`);
  }
  return {
    artifactName,
    runId: runId ? Number(runId) : undefined,
    repository: repository || undefined,
    githubToken: get('github-token') || undefined,
    allowForkArtifacts,
  };
}

function optionalId(value: string): string | undefined {
  return value === '' ? undefined : parseDfnsId('store-id', value, 'a Dfns key store id (ks-…)');
}

function parseOperation(value: string): Operation | undefined {
  if (value === '') return undefined;
  if (isOperation(value)) return value;
  throw new StepInputError(
    `step input "operation" must be one of ${OPERATIONS.join(', ')}, or empty for the operation the file is for; got "${shorten(value)}"`,
  );
}

const CHECKSUM = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

function parseExpectedChecksum(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = CHECKSUM.exec(value);
  if (!match?.[1]) {
    throw new StepInputError(
      `step input "expected-checksum" must be a SHA-256 digest: 64 hexadecimal characters (optionally prefixed "sha256:"), got ${value.length} characters`,
    );
  }
  return match[1].toLowerCase();
}
