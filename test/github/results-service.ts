/**
 * The Actions results service part of the GitHub stand-in: Twirp JSON
 * `POST /twirp/github.actions.results.api.v1.ArtifactService/<Method>`, as the generated client
 * in `@actions/artifact` 6 (`lib/generated/results/api/v1/`) speaks it: proto field names
 * (snake_case), int64 as strings, wrapper types (`name_filter`, `id_filter`, `digest`,
 * `mime_type`, `hash`) as bare values, timestamps as RFC 3339 strings.
 *
 * Errors are Twirp's `{"code","msg"}` with Twirp's status for the code. The client retries
 * 5xx and 429 with a 3 s backoff and fails at once on other statuses, so everything here
 * refuses with a 4xx.
 */
import type { ServerResponse } from 'node:http';
import { header, sendJson, type Headers } from './blob-storage.ts';

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';

const TWIRP_STATUS: Record<string, number> = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
};

export class TwirpError extends Error {
  readonly code: string;
  constructor(code: string, msg: string) {
    super(msg);
    this.code = code;
  }
}

/** An artifact as the results service knows it. */
export interface ResultsArtifact {
  id: number;
  name: string;
  size: number;
  createdAt: Date;
  digest: string | null;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

/** What the results service needs from the rest of the stand-in. */
export interface ResultsBackend {
  runtimeToken: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** The artifacts of the current run, oldest first. */
  artifacts(): ResultsArtifact[];
  /** A signed blob URL to download the artifact. */
  downloadUrl(artifact: ResultsArtifact): string;
  /** Starts an upload (throws TwirpError); returns the signed upload URL. */
  /** `expiresAt`: the artifact's expiry as the client asked (retention days), or null for the default. */
  createUpload(name: string, mimeType: string, expiresAt: string | null): string;
  /** Turns a committed upload into an artifact of the current run (throws TwirpError); returns its id. */
  finalizeUpload(name: string, size: number, hash: string | null): number;
}

export function handleResults(
  backend: ResultsBackend,
  method: string,
  httpMethod: string,
  headers: Headers,
  body: string,
  res: ServerResponse,
): void {
  try {
    if (httpMethod !== 'POST') throw new TwirpError('bad_route', `unsupported method ${httpMethod} (only POST is allowed)`);
    const handler = HANDLERS[method];
    if (!handler) throw new TwirpError('bad_route', `no handler for path "${TWIRP_PREFIX}${method}"`);
    const contentType = (header(headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') throw new TwirpError('bad_route', `unexpected Content-Type: "${contentType ?? ''}"`);
    if (header(headers, 'authorization') !== `Bearer ${backend.runtimeToken}`) {
      throw new TwirpError('unauthenticated', 'invalid or missing runtime token');
    }
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      throw new TwirpError('malformed', 'the json request could not be decoded');
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      throw new TwirpError('malformed', 'the json request could not be decoded');
    }
    const fields = request as Record<string, unknown>;
    const run = str(fields, 'workflow_run_backend_id');
    const job = str(fields, 'workflow_job_run_backend_id');
    if (!run || !job) throw new TwirpError('invalid_argument', 'workflow_run_backend_id and workflow_job_run_backend_id are required');
    // GetSignedArtifactURL names the job that uploaded the artifact; the others the caller's job.
    if (run !== backend.workflowRunBackendId || (method !== 'GetSignedArtifactURL' && job !== backend.workflowJobRunBackendId)) {
      throw new TwirpError('permission_denied', 'the runtime token does not grant access to this workflow run or job');
    }
    sendJson(res, 200, handler(backend, fields));
  } catch (error) {
    if (!(error instanceof TwirpError)) throw error;
    sendJson(res, TWIRP_STATUS[error.code] ?? 500, { code: error.code, msg: error.message });
  }
}

type Handler = (backend: ResultsBackend, fields: Record<string, unknown>) => unknown;

const HANDLERS: Partial<Record<string, Handler>> = {
  ListArtifacts(backend, fields) {
    const nameFilter = str(fields, 'name_filter');
    const idFilter = int64(fields, 'id_filter');
    const artifacts = backend
      .artifacts()
      .filter((a) => (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || String(a.id) === idFilter));
    return {
      artifacts: artifacts.map((a) => ({
        workflow_run_backend_id: a.workflowRunBackendId,
        workflow_job_run_backend_id: a.workflowJobRunBackendId,
        database_id: String(a.id),
        name: a.name,
        size: String(a.size),
        created_at: a.createdAt.toISOString(),
        ...(a.digest === null ? {} : { digest: a.digest }),
      })),
    };
  },

  GetSignedArtifactURL(backend, fields) {
    const name = str(fields, 'name');
    if (!name) throw new TwirpError('invalid_argument', 'name is required');
    // The client sends the job id of the artifact (from ListArtifacts), not the caller's.
    const job = str(fields, 'workflow_job_run_backend_id');
    const matches = backend.artifacts().filter((a) => a.name === name && a.workflowJobRunBackendId === job);
    const artifact = matches.sort((a, b) => b.id - a.id)[0];
    if (!artifact) throw new TwirpError('not_found', `artifact "${name}" not found`);
    return { signed_url: backend.downloadUrl(artifact) };
  },

  CreateArtifact(backend, fields) {
    const name = str(fields, 'name');
    if (!name) throw new TwirpError('invalid_argument', 'name is required');
    const version = fields['version'];
    if (version !== undefined && (typeof version !== 'number' || version < 4)) {
      throw new TwirpError('invalid_argument', `unsupported artifact version ${JSON.stringify(version)}`);
    }
    const mimeType = str(fields, 'mime_type') ?? 'application/zip';
    // proto3 JSON writes a Timestamp as an RFC 3339 string.
    return { ok: true, signed_upload_url: backend.createUpload(name, mimeType, str(fields, 'expires_at') ?? null) };
  },

  FinalizeArtifact(backend, fields) {
    const name = str(fields, 'name');
    if (!name) throw new TwirpError('invalid_argument', 'name is required');
    const size = Number(int64(fields, 'size') ?? '0');
    const id = backend.finalizeUpload(name, size, str(fields, 'hash') ?? null);
    return { ok: true, artifact_id: String(id) };
  },
};

function str(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TwirpError('malformed', `${name} must be a string`);
  return value;
}

/** An int64 field: proto3 JSON writes it as a decimal string (a number is accepted too). */
function int64(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if ((typeof value === 'string' && /^-?\d+$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value))) {
    return String(value);
  }
  throw new TwirpError('malformed', `${name} must be an int64`);
}
