/**
 * The action's inputs: raw strings in (as the runner passes them), one typed object out.
 * Pure: the entry point reads the raw values; everything here can be tested without a runner.
 */
import { isIP } from 'node:net';
import type { ArtifactInputs } from '../github/artifact.ts';
import { safeText } from '../base/safe-text.ts';
import { isOperation, OPERATIONS, type Operation } from '../schemas/operations.ts';
import { ActionError } from '../base/errors.ts';
import { MAX_RETENTION_DAYS } from '../report/receipt.ts';

export const DEFAULT_API_URL = 'https://api.dfns.io';
export const DEFAULT_TIMEOUT_SECONDS = 60;
export const MAX_TIMEOUT_SECONDS = 3600;

/** The service account's credentials, as the Dfns calls need them. */
export interface Credentials {
  token: string;
  /** `cr-…` */
  credentialId: string;
  /** The private key as the secret holds it (PEM, escaped or base64; see dfns/credentials.ts). */
  privateKey: string;
}

interface CommonInputs {
  /** Path or glob of the output file; empty only when an artifact supplies the file. */
  path: string;
  storeId: string | undefined;
  /** The operation to submit to; undefined: the one the file's entries belong to. */
  operation: Operation | undefined;
  apiUrl: URL;
  expectedChecksum: string | undefined;
  timeoutSeconds: number;
  /** Set when the file comes from a workflow artifact. */
  artifact: ArtifactInputs | undefined;
  failOnPartial: boolean;
}

/** A submission has every credential; a dry run checks those it is given. */
export type Inputs = CommonInputs &
  ({ dryRun: false; credentials: Credentials } | { dryRun: true; credentials: Partial<Credentials> });

/** An input the workflow set wrongly; the message names the input and never echoes a secret. */
export class InputError extends ActionError {
  override name = 'InputError';
  readonly title = 'Invalid input';
}

/** The raw value of each input, by its action.yml name (missing = empty). */
export type RawInputs = (name: string) => string;

export function parseInputs(raw: RawInputs): Inputs {
  const get = (name: string): string => raw(name).trim();
  const optional = (name: string): string | undefined => get(name) || undefined;

  const common: CommonInputs = {
    path: get('path'),
    storeId: optional('store-id'),
    operation: parseOperation(get('operation')),
    apiUrl: parseApiUrl(get('dfns-api-url') || DEFAULT_API_URL),
    expectedChecksum: parseExpectedChecksum(optional('expected-checksum')),
    timeoutSeconds: parseTimeout(get('timeout-seconds')),
    artifact: parseArtifactInputs(get),
    failOnPartial: parseBoolean('fail-on-partial', get('fail-on-partial'), false),
  };
  // Used from the raw value (report/receipt.ts), so that a run with wrong inputs still keeps its receipt; checked here.
  checkRetentionDays(get('receipt-retention-days'));
  const credentials = {
    token: optional('dfns-token'),
    credentialId: parseCredentialId(optional('dfns-credential-id')),
    // The key keeps its inner line breaks; only surrounding blank space is dropped.
    privateKey: optional('dfns-private-key'),
  };

  if (!common.path && !common.artifact) {
    throw new InputError(
      'input "path" is required: the output file (or a glob matching it), unless "artifact-name" names the artifact that holds it',
    );
  }
  if (parseBoolean('dry-run', get('dry-run'), false)) {
    return { ...common, dryRun: true, credentials: withoutUndefined(credentials) };
  }
  const { token, credentialId, privateKey } = credentials;
  if (token === undefined || credentialId === undefined || privateKey === undefined) {
    const missing = (['dfns-token', 'dfns-credential-id', 'dfns-private-key'] as const).filter((n) => !get(n));
    throw new InputError(
      `${missing.map((n) => `"${n}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required to submit ` +
        '(pass them from repository secrets), or set "dry-run: true" to validate without submitting',
    );
  }
  return { ...common, dryRun: false, credentials: { token, credentialId, privateKey } };
}

/** The given credentials of a dry run: absent ones left out, as exactOptionalPropertyTypes wants. */
function withoutUndefined(values: { [K in keyof Credentials]: string | undefined }): Partial<Credentials> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

function parseArtifactInputs(get: (name: string) => string): ArtifactInputs | undefined {
  const allowForkArtifacts = parseBoolean('allow-fork-artifacts', get('allow-fork-artifacts'), false);
  const artifactName = get('artifact-name');
  if (!artifactName) {
    const stray = ['run-id', 'repository'].filter((n) => get(n));
    if (stray.length > 0) {
      throw new InputError(
        `${stray.map((n) => `"${n}"`).join(' and ')} ${stray.length === 1 ? 'applies' : 'apply'} only with "artifact-name"; set it, or remove ${stray.length === 1 ? 'it' : 'them'}`,
      );
    }
    return undefined;
  }
  const runId = get('run-id');
  if (runId && !/^[1-9]\d{0,18}$/.test(runId)) {
    throw new InputError(`input "run-id" must be a workflow run id (a positive whole number), got "${shorten(runId)}"`);
  }
  const repository = get('repository');
  if (repository && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new InputError(`input "repository" must be owner/name, got "${shorten(repository)}"`);
  }
  return {
    artifactName,
    runId: runId ? Number(runId) : undefined,
    repository: repository || undefined,
    githubToken: get('github-token') || undefined,
    allowForkArtifacts,
  };
}

function checkRetentionDays(value: string): void {
  if (value === '' || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_RETENTION_DAYS)) return;
  throw new InputError(
    `input "receipt-retention-days" must be a whole number of days from 1 to ${MAX_RETENTION_DAYS} (or empty for the repository's default), got "${shorten(value)}"`,
  );
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

export function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(`input "${name}" must be true or false, got "${shorten(value)}"`);
}

function parseOperation(value: string): Operation | undefined {
  if (value === '') return undefined;
  if (isOperation(value)) return value;
  throw new InputError(
    `input "operation" must be one of ${OPERATIONS.join(', ')}, or empty for the operation the file is for; got "${shorten(value)}"`,
  );
}

function parseTimeout(value: string): number {
  if (value === '') return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > MAX_TIMEOUT_SECONDS) {
    throw new InputError(
      `input "timeout-seconds" must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, got "${shorten(value)}"`,
    );
  }
  return n;
}

const CHECKSUM = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

function parseExpectedChecksum(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = CHECKSUM.exec(value);
  if (!match?.[1]) {
    throw new InputError(
      `input "expected-checksum" must be a SHA-256 digest: 64 hexadecimal characters (optionally prefixed "sha256:"), got ${value.length} characters`,
    );
  }
  return match[1].toLowerCase();
}

/** A Dfns credential id: `cr-`, then letters, digits and dashes (`cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx`). */
const CREDENTIAL_ID = /^cr-[A-Za-z0-9-]{1,253}$/;

function parseCredentialId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Not echoed: a secret pasted into the wrong input must not reach the log.
  if (!CREDENTIAL_ID.test(value)) {
    throw new InputError(
      'input "dfns-credential-id" must be the service account credential id shown in the Dfns dashboard: "cr-" ' +
        `then letters, digits and dashes (cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx); got ${value.length} characters` +
        `${value.startsWith('cr-') ? '' : ' not starting with "cr-"'} (not shown, in case it is a misplaced secret)`,
    );
  }
  return value;
}

/** `https`, or `http` on a loopback host for testing; a trailing slash is fine, a path is not. */
export function parseApiUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`input "dfns-api-url" is not a URL: "${shorten(value)}" (expected e.g. ${DEFAULT_API_URL})`);
  }
  if (url.username || url.password) {
    throw new InputError('input "dfns-api-url" must not contain credentials');
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new InputError(
      `input "dfns-api-url" must use https (http is allowed only for loopback hosts, for testing), got "${url.origin}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`input "dfns-api-url" must use https, got "${shorten(url.protocol)}"`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new InputError(
      `input "dfns-api-url" must be the API origin without a path (e.g. ${DEFAULT_API_URL}), got "${shorten(value)}"`,
    );
  }
  return new URL(url.origin);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

function shorten(value: string): string {
  return safeText(value, 80);
}
