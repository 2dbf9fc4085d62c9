/**
 * The GitHub stand-in driven by the REAL `@actions/artifact` client, in a child process (the
 * client reads GITHUB_API_URL when it loads, so it needs the stand-in's environment from the
 * start). One child serves the whole file: loading the client is most of a child's time, and
 * each test's calls leave the child's environment as they found it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type StandInArtifact } from '../github/github-stand-in.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OTHER_REPO = 'someone-else/uploader';
const OTHER_RUN = 31_337;

/**
 * Reads one JSON line of ops at a time from stdin, runs `client[call](...args)` for each op in
 * order (`setEnv` changes process.env first), and answers one line of results; then puts
 * process.env back as it was before the line. Ends when stdin does.
 */
const DRIVER = `
import { createInterface } from 'node:readline';
import { DefaultArtifactClient } from '@actions/artifact';
const client = new DefaultArtifactClient();
for await (const line of createInterface({ input: process.stdin })) {
  const saved = { ...process.env };
  const out = [];
  for (const op of JSON.parse(line)) {
    try {
      if (op.call === 'setEnv') { Object.assign(process.env, op.env); out.push({ ok: true }); continue; }
      out.push({ ok: true, value: await client[op.call](...op.args) });
    } catch (e) {
      out.push({ ok: false, error: { name: e.name, message: e.message, status: e.status } });
    }
  }
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  process.stdout.write('\\n@@RESULTS@@' + JSON.stringify(out) + '\\n');
}
process.exit(0); // stdin closed: the file is done (open keep-alive sockets must not keep the process)
`;

type Op =
  | { call: 'setEnv'; env: Record<string, string> }
  | { call: 'getArtifact' | 'listArtifacts' | 'downloadArtifact' | 'uploadArtifact'; args: unknown[] };
interface OpResult {
  ok: boolean;
  value?: any;
  error?: { name: string; message: string; status?: number };
}

let standIn: GitHubStandIn;
let tmp: string;
let findBy: { token: string; workflowRunId: number; repositoryOwner: string; repositoryName: string };
const ids: Record<string, number> = {};
/** sha256 digests of the zips added, by the same keys as `ids`. */
const digests: Record<string, string> = {};

/** The child running DRIVER: started by the first test that calls the client, ended after the file. */
let client: { child: ChildProcessWithoutNullStreams; results: AsyncIterator<string>; stderr: string[] } | undefined;

function startClient(): NonNullable<typeof client> {
  const env: Record<string, string | undefined> = { ...process.env, ...standIn.env(), GITHUB_WORKSPACE: tmp };
  for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) delete env[name];
  const child = spawn(process.execPath, ['--input-type=module', '-e', DRIVER], { cwd: ROOT, env });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout });
  async function* results(): AsyncGenerator<string> {
    for await (const line of lines) if (line.startsWith('@@RESULTS@@')) yield line.slice('@@RESULTS@@'.length);
  }
  return { child, results: results(), stderr };
}

/** Runs `ops` in order in the client's child process; the tests call it one at a time. */
async function runClient(ops: Op[]): Promise<OpResult[]> {
  client ??= startClient();
  client.child.stdin.write(`${JSON.stringify(ops)}\n`);
  const next = await client.results.next();
  if (next.done) throw new Error(`the client's process ended (exit code ${client.child.exitCode}):\n${client.stderr.join('')}`);
  return JSON.parse(next.value) as OpResult[];
}

const zipOf = (files: Record<string, string>): Uint8Array => makeZip(Object.entries(files).map(([name, data]) => ({ name, data })));
const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const freshDir = (name: string): string => {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

beforeAll(async () => {
  standIn = await startGitHubStandIn({ repository: 'octo-org/keystore-outputs', runId: 4242 });
  tmp = mkdtempSync(join(tmpdir(), 'gh-stand-in-'));
  findBy = { token: standIn.githubToken, workflowRunId: OTHER_RUN, repositoryOwner: 'someone-else', repositoryName: 'uploader' };

  const add = (key: string, run: [string, number] | null, artifact: StandInArtifact): void => {
    ids[key] = (run ? standIn.addRunArtifact(run[0], run[1], artifact) : standIn.addCurrentRunArtifact(artifact)).id;
    digests[key] = sha256(artifact.zip);
  };
  add('current-old', null, { name: 'keystore-output', zip: zipOf({ 'output.json': '{"v":"old"}' }) });
  add('current', null, {
    name: 'keystore-output',
    zip: makeZip([
      { name: 'output.json', data: '{"v":"current"}' },
      { name: 'nested/dir/notes.txt', data: 'stored entry', method: 0 },
    ]),
  });
  add('wrong-digest', null, { name: 'tampered', zip: zipOf({ 'a.txt': 'a' }), digest: `sha256:${'0'.repeat(64)}` });
  add('no-digest', null, { name: 'legacy', zip: zipOf({ 'b.txt': 'b' }), digest: null });
  const other: [string, number] = [OTHER_REPO, OTHER_RUN];
  add('other-old', other, {
    name: 'keystore-output',
    zip: zipOf({ 'output.json': '{"v":"other-old"}' }),
    createdAt: '2026-01-01T00:00:00Z',
  });
  add('other-new', other, { name: 'keystore-output', zip: zipOf({ 'output.json': '{"v":"other-new"}' }) });
  add('other-log', other, { name: 'logs', zip: zipOf({ 'log.txt': 'log' }), id: 5000 });
});

afterAll(async () => {
  if (client) {
    const exited = new Promise((done) => client!.child.once('exit', done));
    client.child.stdin.end();
    await exited;
  }
  await standIn.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('GitHub stand-in with the real @actions/artifact client', () => {
  it('finds and downloads the newest same-named artifact of the current run through the results service', async () => {
    const path = freshDir('current');
    const seen = standIn.requests.length;
    const [got, downloaded] = await runClient([
      { call: 'getArtifact', args: ['keystore-output'] },
      { call: 'downloadArtifact', args: [ids['current'], { path, expectedHash: digests['current'] }] },
    ]);
    expect(got).toMatchObject({
      ok: true,
      value: { artifact: { id: ids['current'], name: 'keystore-output', digest: digests['current'] } },
    });
    expect(downloaded).toEqual({ ok: true, value: { downloadPath: path, digestMismatch: false } });
    expect(readFileSync(join(path, 'output.json'), 'utf8')).toBe('{"v":"current"}');
    expect(readFileSync(join(path, 'nested/dir/notes.txt'), 'utf8')).toBe('stored entry');

    const twirp = standIn.requests.slice(seen).filter((r) => r.path.startsWith('/twirp/'));
    expect(twirp.map((r) => r.path.split('/').pop())).toEqual(['ListArtifacts', 'ListArtifacts', 'GetSignedArtifactURL']);
    expect(twirp[0]!.headers['authorization']).toBe(`Bearer ${standIn.env()['ACTIONS_RUNTIME_TOKEN']}`);
    expect(JSON.parse(twirp[0]!.body!)).toEqual({
      workflow_run_backend_id: standIn.currentRun.workflowRunBackendId,
      workflow_job_run_backend_id: standIn.currentRun.workflowJobRunBackendId,
      name_filter: 'keystore-output',
    });
    expect(JSON.parse(twirp[1]!.body!)).toMatchObject({ id_filter: String(ids['current']) });
  });

  it('lists, picks and downloads artifacts of another run and repository through REST with a token', async () => {
    const path = freshDir('other');
    const seen = standIn.requests.length;
    const [all, latest, got, downloaded] = await runClient([
      { call: 'listArtifacts', args: [{ findBy }] },
      { call: 'listArtifacts', args: [{ latest: true, findBy }] },
      { call: 'getArtifact', args: ['keystore-output', { findBy }] },
      { call: 'downloadArtifact', args: [ids['other-new'], { path, findBy, expectedHash: digests['other-new'] }] },
    ]);
    expect((all!.value.artifacts as Array<{ id: number }>).map((a) => a.id).sort()).toEqual(
      [ids['other-old'], ids['other-new'], ids['other-log']].sort(),
    );
    expect((latest!.value.artifacts as Array<{ id: number }>).map((a) => a.id)).toEqual([5000, ids['other-new']]);
    expect(got!.value.artifact).toEqual({
      id: ids['other-new'],
      name: 'keystore-output',
      size: expect.any(Number) as number,
      createdAt: expect.stringMatching(/^20\d\d-/) as string,
      digest: digests['other-new'],
    });
    expect(downloaded!.value).toEqual({ downloadPath: path, digestMismatch: false });
    expect(readFileSync(join(path, 'output.json'), 'utf8')).toBe('{"v":"other-new"}');

    const rest = standIn.requests.slice(seen).filter((r) => r.path.startsWith('/repos/'));
    expect(rest.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/someone-else/uploader/actions/runs/${OTHER_RUN}/artifacts?per_page=100&page=1`,
      `GET /repos/someone-else/uploader/actions/runs/${OTHER_RUN}/artifacts?per_page=100&page=1`,
      `GET /repos/someone-else/uploader/actions/runs/${OTHER_RUN}/artifacts?name=keystore-output`,
      `GET /repos/someone-else/uploader/actions/artifacts/${ids['other-new']}/zip`,
    ]);
    expect(rest.map((r) => r.headers['authorization'])).toEqual(rest.map(() => `token ${standIn.githubToken}`));
  });

  it('reports a digest mismatch, and handles an artifact without a digest', async () => {
    const [tampered, mismatch, legacy, legacyDownload] = await runClient([
      { call: 'getArtifact', args: ['tampered'] },
      { call: 'downloadArtifact', args: [ids['wrong-digest'], { path: freshDir('tampered'), expectedHash: `sha256:${'0'.repeat(64)}` }] },
      { call: 'getArtifact', args: ['legacy'] },
      { call: 'downloadArtifact', args: [ids['no-digest'], { path: freshDir('legacy') }] },
    ]);
    expect(tampered!.value.artifact.digest).toBe(`sha256:${'0'.repeat(64)}`);
    expect(mismatch).toEqual({ ok: true, value: { downloadPath: join(tmp, 'tampered'), digestMismatch: true } });
    expect(readFileSync(join(tmp, 'tampered', 'a.txt'), 'utf8')).toBe('a');
    expect(legacy!.value.artifact).not.toHaveProperty('digest');
    expect(legacyDownload).toEqual({ ok: true, value: { downloadPath: join(tmp, 'legacy'), digestMismatch: false } });
    expect(readFileSync(join(tmp, 'legacy', 'b.txt'), 'utf8')).toBe('b');
  });

  it('fails fast: missing artifacts, a wrong token, a GHES server URL', async () => {
    const runtimeToken = standIn.env()['ACTIONS_RUNTIME_TOKEN']!;
    const seen = standIn.requests.length;
    const results = await runClient([
      { call: 'getArtifact', args: ['missing'] },
      { call: 'getArtifact', args: ['missing', { findBy }] },
      { call: 'downloadArtifact', args: [999_999, { path: freshDir('missing') }] },
      { call: 'downloadArtifact', args: [999_999, { path: freshDir('missing'), findBy }] },
      { call: 'getArtifact', args: ['keystore-output', { findBy: { ...findBy, token: 'ghs_wrong' } }] },
      { call: 'downloadArtifact', args: [ids['other-new'], { path: freshDir('missing'), findBy: { ...findBy, token: 'ghs_wrong' } }] },
      // Still decodes to the right scp claim, but is not the token the service issued.
      { call: 'setEnv', env: { ACTIONS_RUNTIME_TOKEN: `${runtimeToken}forged` } },
      { call: 'getArtifact', args: ['keystore-output'] },
      { call: 'setEnv', env: { GITHUB_SERVER_URL: 'https://ghes.example.com' } },
      { call: 'getArtifact', args: ['keystore-output'] },
    ]);
    const [missing, missingRest, missingId, missingIdRest, badToken, badTokenDownload, , badRuntimeToken, , ghes] = results;
    expect(missing!.error).toMatchObject({
      name: 'ArtifactNotFoundError',
      message: expect.stringContaining('Artifact not found for name: missing') as string,
    });
    expect(missingRest!.error).toMatchObject({
      name: 'ArtifactNotFoundError',
      message: expect.stringContaining('Artifact not found for name: missing') as string,
    });
    expect(missingId!.error).toMatchObject({
      name: 'ArtifactNotFoundError',
      message: expect.stringContaining('No artifacts found for ID: 999999') as string,
    });
    expect(missingIdRest!.error).toMatchObject({
      name: 'HttpError',
      status: 404,
      message: 'Not Found - https://docs.github.com/rest/actions/artifacts#download-an-artifact',
    });
    expect(badToken!.error).toMatchObject({ name: 'HttpError', status: 401, message: 'Bad credentials - https://docs.github.com/rest' });
    expect(badTokenDownload!.error).toMatchObject({ status: 401 });
    expect(badRuntimeToken!.error).toMatchObject({
      name: 'Error',
      message:
        'Failed to ListArtifacts: Received non-retryable error: Failed request: (401) Unauthorized: invalid or missing runtime token',
    });
    expect(ghes!.error).toMatchObject({ name: 'GHESNotSupportedError' });
    // Fast: each failure is the stand-in's answer to one request, not a wait for a timeout or a
    // retry with back-off (which more requests, or a test timeout, would show). The one lookup
    // repeated is the wrong token's: @actions/artifact sets its REST client to retry any error
    // five times, at once.
    const listArtifacts = 'POST /twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts';
    const runArtifacts = `GET /repos/${OTHER_REPO}/actions/runs/${OTHER_RUN}/artifacts`;
    expect(standIn.requests.slice(seen).map((r) => `${r.method} ${r.path}`)).toEqual([
      listArtifacts,
      `${runArtifacts}?name=missing`,
      listArtifacts,
      `GET /repos/${OTHER_REPO}/actions/artifacts/999999/zip`,
      ...Array.from({ length: 6 }, () => `${runArtifacts}?name=keystore-output`),
      `GET /repos/${OTHER_REPO}/actions/artifacts/${ids['other-new']}/zip`,
      listArtifacts,
    ]);
  });

  it('captures an upload made with uploadArtifact, which then is an artifact of the current run', async () => {
    const root = freshDir('to-upload');
    writeFileSync(join(root, 'receipt.json'), '{"receipt":true}');
    const seen = standIn.requests.length;
    const uploadsBefore = standIn.uploads.length;
    const [uploaded, got] = await runClient([
      { call: 'uploadArtifact', args: ['receipt', [join(root, 'receipt.json')], root] },
      { call: 'getArtifact', args: ['receipt'] },
    ]);
    expect(uploaded).toMatchObject({ ok: true });
    const uploads = standIn.uploads.slice(uploadsBefore);
    expect(uploads).toHaveLength(1);
    const upload = uploads[0]!;
    expect(upload.name).toBe('receipt');
    expect(Object.fromEntries(Object.entries(upload.files).map(([name, data]) => [name, data.toString('utf8')]))).toEqual({
      'receipt.json': '{"receipt":true}',
    });
    expect(upload.size).toBe(upload.zip.length);
    expect(uploaded!.value).toEqual({ id: upload.id, size: upload.size, digest: sha256(upload.zip).slice('sha256:'.length) });
    expect(got!.value.artifact).toMatchObject({ id: upload.id, name: 'receipt', size: upload.size, digest: sha256(upload.zip) });
    const blobPuts = standIn.requests
      .slice(seen)
      .filter((r) => r.method === 'PUT')
      .map((r) => new URL(r.path, standIn.url).searchParams.get('comp'));
    expect(blobPuts).toEqual(['block', 'blocklist']);
  });

  it('answers outside the client the way GitHub does', async () => {
    const unknown = await fetch(`${standIn.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: 'Not Found' });
    const twirp = await fetch(`${standIn.url}/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
      body: '{}',
    });
    expect(twirp.status).toBe(401);
    expect(await twirp.json()).toMatchObject({ code: 'unauthenticated' });
    const rest = await fetch(`${standIn.url}/repos/${OTHER_REPO}/actions/runs/${OTHER_RUN}/artifacts?per_page=1&page=2`, {
      headers: { authorization: `Bearer ${standIn.githubToken}` },
    });
    expect(rest.status).toBe(200);
    const page = (await rest.json()) as { total_count: number; artifacts: Array<{ id: number }> };
    expect(page.total_count).toBe(3);
    expect(page.artifacts).toHaveLength(1);
    expect(rest.headers.get('link')).toContain('rel="next"');
  });
});
