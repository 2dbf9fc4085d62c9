/**
 * A loopback stand-in for the GitHub services that `@actions/artifact` 6 talks to, so that
 * tests run the real client (in a child process whose environment is `env()`):
 *
 * - the Actions results service (Twirp JSON), for the current run: `results-service.ts`;
 * - the REST API, for artifacts of any run read with a token (below);
 * - blob storage, for the signed download and upload URLs: `blob-storage.ts`.
 *
 * All on one HTTP server on 127.0.0.1. See the shared reference `github/RUNNER.md`.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BLOB_PREFIX, BlobStorage, header, readZip, sendJson, type StoredBlob } from './blob-storage.ts';
import { handleResults, TWIRP_PREFIX, TwirpError, type ResultsArtifact, type ResultsBackend } from './results-service.ts';

export interface StandInArtifact {
  name: string;
  /** The zip as served by the blob endpoint. */
  zip: Uint8Array;
  /** Default: auto-increment from 1000 (the client takes the highest id as the newest). */
  id?: number;
  /** ISO; default now (later-added = newer). */
  createdAt?: string;
  /** 'auto' (default) = 'sha256:' + sha256(zip); null = no digest field at all; or an explicit (wrong) value. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'auto' documents the default
  digest?: string | null | 'auto';
}

interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as UTF-8 text, when there was one. */
  body?: string;
}

interface RecordedUpload {
  name: string;
  /** The unzipped content of what was uploaded (for a `skipArchive` upload: the one file, by artifact name). */
  files: Record<string, Buffer>;
  /** Bytes uploaded (the zip's size). */
  size: number;
  /** The id FinalizeArtifact gave it; the upload is then an artifact of the current run. */
  id: number;
  /** The bytes uploaded, as committed to the blob. */
  zip: Buffer;
  /** The expiry CreateArtifact asked for (from `retentionDays`), or null for the repository's default. */
  expiresAt: string | null;
}

export interface GitHubStandIn {
  /** Origin of the one loopback HTTP server serving all of it, e.g. http://127.0.0.1:PORT */
  url: string;
  /** The current run (the job's own): its artifacts are read through the results service. */
  currentRun: { repository: string; runId: number; workflowRunBackendId: string; workflowJobRunBackendId: string };
  /** Adds an artifact to the current run (results service), and to the REST view of that run id. */
  addCurrentRunArtifact(artifact: StandInArtifact): { id: number };
  /** Adds an artifact to another run, read via REST with a token. */
  addRunArtifact(repository: string, runId: number, artifact: StandInArtifact): { id: number };
  /** The token the REST API accepts (`Authorization: token <t>` or `Bearer <t>`); others get 401 with GitHub's JSON error body. */
  githubToken: string;
  /** Environment for the action process so that the real client talks to this server. */
  env(): Record<string, string>;
  /** Everything received. */
  readonly requests: RecordedRequest[];
  /** Artifacts uploaded through the results service (CreateArtifact, blob PUTs, FinalizeArtifact). */
  readonly uploads: RecordedUpload[];
  close(): Promise<void>;
}

interface RunRecord {
  repository: string;
  runId: number;
  workflowRunBackendId: string;
  artifacts: StoredArtifact[];
}

interface StoredArtifact extends ResultsArtifact {
  run: RunRecord;
  blob: StoredBlob;
}

const DOCS = 'https://docs.github.com/rest/actions/artifacts';
const MAX_BODY = 64 * 1024 * 1024;

export async function startGitHubStandIn(options: { repository?: string; runId?: number } = {}): Promise<GitHubStandIn> {
  const repository = options.repository ?? 'octo-org/keystore-outputs';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new Error(`repository must be owner/name: ${repository}`);
  const currentRun = {
    repository,
    runId: options.runId ?? 9_000_000_000 + randomInt(1_000_000),
    workflowRunBackendId: randomUUID(),
    workflowJobRunBackendId: randomUUID(),
  };
  const githubToken = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x')}`;
  const runtimeToken = unsignedJwt({
    scp: `Actions.GenericRead:${randomUUID()} Actions.UploadArtifacts:${currentRun.workflowRunBackendId}:${currentRun.workflowJobRunBackendId} Actions.Results:${currentRun.workflowRunBackendId}:${currentRun.workflowJobRunBackendId}`,
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'vso:stand-in',
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 6 * 3600,
  });

  const requests: RecordedRequest[] = [];
  const uploads: RecordedUpload[] = [];
  const runs = new Map<string, RunRecord>();
  const artifactsById = new Map<number, StoredArtifact>();
  /** Uploads in progress in the current job, by artifact name. */
  const pendingUploads = new Map<string, { blob: StoredBlob; mimeType: string; expiresAt: string | null }>();
  let nextId = 1000;
  let lastCreated = 0;

  const runKey = (repo: string, runId: number): string => `${repo.toLowerCase()}#${runId}`;
  const runRecord = (repo: string, runId: number): RunRecord => {
    const key = runKey(repo, runId);
    let run = runs.get(key);
    if (!run) {
      run = { repository: repo, runId, workflowRunBackendId: randomUUID(), artifacts: [] };
      runs.set(key, run);
    }
    return run;
  };
  const current = runRecord(currentRun.repository, currentRun.runId);
  current.workflowRunBackendId = currentRun.workflowRunBackendId;

  let blobs: BlobStorage | undefined;
  const storage = (): BlobStorage => blobs ?? (blobs = new BlobStorage(standIn.url));

  function addArtifact(
    run: RunRecord,
    artifact: StandInArtifact | (Omit<StandInArtifact, 'zip'> & { blob: StoredBlob }),
    jobId: string,
  ): StoredArtifact {
    const id = artifact.id ?? nextId;
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`bad artifact id ${id}`);
    if (artifactsById.has(id)) throw new Error(`artifact id ${id} is taken`);
    nextId = Math.max(nextId, id + 1);
    let createdAt: Date;
    if (artifact.createdAt === undefined) {
      createdAt = new Date(Math.max(Date.now(), lastCreated + 1));
      lastCreated = createdAt.getTime();
    } else {
      createdAt = new Date(artifact.createdAt);
      if (Number.isNaN(createdAt.getTime())) throw new Error(`bad createdAt ${artifact.createdAt}`);
    }
    const blob =
      'blob' in artifact ? artifact.blob : storage().create(`${artifact.name}.zip`, 'application/zip', Buffer.from(artifact.zip));
    const data = blob.data ?? Buffer.alloc(0);
    const digest =
      artifact.digest === undefined || artifact.digest === 'auto'
        ? `sha256:${createHash('sha256').update(data).digest('hex')}`
        : artifact.digest;
    const stored: StoredArtifact = {
      id,
      name: artifact.name,
      size: data.length,
      createdAt,
      digest,
      workflowRunBackendId: run.workflowRunBackendId,
      workflowJobRunBackendId: jobId,
      run,
      blob,
    };
    run.artifacts.push(stored);
    artifactsById.set(id, stored);
    return stored;
  }

  const results: ResultsBackend = {
    runtimeToken,
    workflowRunBackendId: currentRun.workflowRunBackendId,
    workflowJobRunBackendId: currentRun.workflowJobRunBackendId,
    artifacts: () => [...current.artifacts],
    downloadUrl: (artifact) => storage().signedUrl((artifact as StoredArtifact).blob, 'r'),
    createUpload(name, mimeType, expiresAt) {
      if (current.artifacts.some((a) => a.name === name)) {
        throw new TwirpError('already_exists', `an artifact with this name already exists on the workflow run: ${name}`);
      }
      const blob = storage().create(mimeType === 'application/zip' ? `${name}.zip` : name, mimeType);
      pendingUploads.set(name, { blob, mimeType, expiresAt });
      return storage().signedUrl(blob, 'cw');
    },
    finalizeUpload(name, size, hash) {
      const pending = pendingUploads.get(name);
      if (!pending) throw new TwirpError('not_found', `no artifact upload in progress named ${name}`);
      const data = pending.blob.data;
      if (!data) throw new TwirpError('failed_precondition', `the blob of artifact ${name} was not committed`);
      if (size !== data.length) throw new TwirpError('invalid_argument', `size ${size} does not match the ${data.length} bytes uploaded`);
      pendingUploads.delete(name);
      const stored = addArtifact(current, { name, blob: pending.blob, digest: hash }, currentRun.workflowJobRunBackendId);
      const isZip = pending.mimeType === 'application/zip';
      uploads.push({
        name,
        files: isZip ? readZip(data) : { [name]: data },
        size: data.length,
        id: stored.id,
        zip: data,
        expiresAt: pending.expiresAt,
      });
      return stored.id;
    },
  };

  function restArtifact(a: StoredArtifact): Record<string, unknown> {
    const [owner = '', repo = ''] = a.run.repository.split('/');
    const url = `${standIn.url}/repos/${owner}/${repo}/actions/artifacts/${a.id}`;
    const iso = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      id: a.id,
      node_id: Buffer.from(`010:Artifact${a.id}`).toString('base64url'),
      name: a.name,
      size_in_bytes: a.size,
      url,
      archive_download_url: `${url}/zip`,
      expired: false,
      ...(a.digest === null ? {} : { digest: a.digest }),
      created_at: iso(a.createdAt),
      updated_at: iso(a.createdAt),
      expires_at: iso(new Date(a.createdAt.getTime() + 90 * 86_400_000)),
      workflow_run: { id: a.run.runId, head_branch: 'main', head_sha: createHash('sha1').update(String(a.run.runId)).digest('hex') },
    };
  }

  function handleRest(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const notFound = (doc: string): void => sendJson(res, 404, { message: 'Not Found', documentation_url: doc, status: '404' });
    const auth = header(req.headers, 'authorization');
    if (!auth) {
      return sendJson(res, 401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    if (auth !== `token ${githubToken}` && auth !== `Bearer ${githubToken}`) {
      return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    if (req.method !== 'GET') return notFound('https://docs.github.com/rest');
    const path = url.pathname.replace(/\/+$/, '');
    const list = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/artifacts$/.exec(path);
    if (list) {
      const run = runs.get(runKey(`${decodeURIComponent(list[1]!)}/${decodeURIComponent(list[2]!)}`, Number(list[3])));
      if (!run) return notFound(`${DOCS}#list-workflow-run-artifacts`);
      const name = url.searchParams.get('name');
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const matching = run.artifacts.filter((a) => name === null || a.name === name).sort((a, b) => b.id - a.id);
      const pages = Math.ceil(matching.length / perPage);
      const links: string[] = [];
      const link = (p: number, rel: string): void => {
        const target = new URL(url.href, standIn.url);
        target.searchParams.set('per_page', String(perPage));
        target.searchParams.set('page', String(p));
        links.push(`<${target.href}>; rel="${rel}"`);
      };
      if (page > 1) link(page - 1, 'prev');
      if (page < pages) link(page + 1, 'next');
      if (pages > 1) link(pages, 'last');
      return sendJson(
        res,
        200,
        { total_count: matching.length, artifacts: matching.slice((page - 1) * perPage, page * perPage).map(restArtifact) },
        links.length > 0 ? { link: links.join(', ') } : {},
      );
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)(?:\/([^/]+))?$/.exec(path);
    if (one) {
      const artifact = artifactsById.get(Number(one[3]));
      const repo = `${decodeURIComponent(one[1]!)}/${decodeURIComponent(one[2]!)}`.toLowerCase();
      const format = one[4];
      const doc = format === undefined ? `${DOCS}#get-an-artifact` : `${DOCS}#download-an-artifact`;
      if (!artifact || artifact.run.repository.toLowerCase() !== repo || (format !== undefined && format !== 'zip')) return notFound(doc);
      if (format === undefined) return sendJson(res, 200, restArtifact(artifact));
      res.writeHead(302, { location: storage().signedUrl(artifact.blob, 'r'), 'content-length': 0 });
      res.end();
      return;
    }
    return notFound('https://docs.github.com/rest');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > MAX_BODY) {
        sendJson(res, 413, { message: 'Request body too large' });
        return;
      }
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    requests.push({ method, path, headers: { ...req.headers }, ...(body.length > 0 ? { body: body.toString('utf8') } : {}) });
    const url = new URL(path, standIn.url);
    if (url.pathname.startsWith(TWIRP_PREFIX)) {
      return handleResults(results, url.pathname.slice(TWIRP_PREFIX.length), method, req.headers, body.toString('utf8'), res);
    }
    if (url.pathname.startsWith(BLOB_PREFIX)) return storage().handle(req, res, url, body);
    if (url.pathname.startsWith('/repos/')) return handleRest(req, res, url);
    sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: `stand-in error: ${String(error)}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const standIn: GitHubStandIn = {
    url: `http://127.0.0.1:${port}`,
    currentRun,
    githubToken,
    requests,
    uploads,
    addCurrentRunArtifact(artifact) {
      // As if uploaded by an earlier job of this run: each gets its own job id, which keeps
      // GetSignedArtifactURL (run, job, name) unambiguous even for same-named artifacts.
      return { id: addArtifact(current, artifact, randomUUID()).id };
    },
    addRunArtifact(repo, runId, artifact) {
      if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new Error(`repository must be owner/name: ${repo}`);
      return { id: addArtifact(runRecord(repo, runId), artifact, randomUUID()).id };
    },
    env() {
      return {
        ACTIONS_RUNTIME_TOKEN: runtimeToken,
        ACTIONS_RESULTS_URL: `${standIn.url}/`,
        GITHUB_API_URL: standIn.url,
        // Only checked by the client (its host must be github.com, *.ghe.com or *.localhost,
        // else GHESNotSupportedError); nothing contacts it.
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: currentRun.repository,
        GITHUB_RUN_ID: String(currentRun.runId),
      };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return standIn;
}

/** A JWT with `alg: none` and an empty signature: the client decodes the token, never verifies it. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'none' })}.${part(claims)}.`;
}
