/**
 * Taking the output from a workflow artifact, in this process (e2e.inProcess: the step code of
 * dist/, with the same scans): the real @actions/artifact client against loopback stand-ins of
 * GitHub's results service, REST API and blob store. Which artifact and which file in it, the
 * digest, another run and another repository, a fork, and each refusal with its message. The
 * route through the built bundle: test/e2e/artifact.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../github/github-stand-in.ts';
import { failureMessage } from '../helpers/action-runner.ts';
import { fixtureText, onlyOne, sha256, startE2E, type E2E } from '../helpers/e2e.ts';
import { startStableAddress, type StableAddress } from '../helpers/stable-address.ts';
import { artifactZip, expectCurrentRunArtifactSubmitted } from '../helpers/artifact-submitted.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
/** GITHUB_API_URL of every run of this file (see test/helpers/stable-address.ts): the REST API of the test's stand-in. */
let restApi: StableAddress;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  restApi = await startStableAddress();
});
afterAll(async () => {
  await restApi?.close();
  await e2e?.close();
});

/**
 * A GitHub stand-in of its own for each test (a loopback server, started in milliseconds): the
 * artifacts a run sees, and the requests a test counts, are only those the test itself made.
 */
let github: GitHubStandIn;
beforeEach(async () => {
  const standIn = await startGitHubStandIn({ repository: 'acme/keystore-ops', runId: 5000 });
  github = standIn;
  restApi.target = standIn.url;
  return async () => {
    restApi.target = undefined;
    await standIn.close();
  };
});

/**
 * Runs in process with the stand-in's environment (in a fresh workspace, removed with the run's
 * folders when the test ends); `event` becomes GITHUB_EVENT_PATH's content, in a folder of its
 * own, removed likewise.
 */
async function runWithArtifact(inputs: Record<string, string>, options: { env?: Record<string, string>; event?: unknown } = {}) {
  const env: Record<string, string> = { ...github.env(), GITHUB_API_URL: restApi.url, ...options.env };
  if (options.event !== undefined) {
    const eventDir = mkdtempSync(join(tmpdir(), 'dfns-action-event-'));
    onTestFinished(() => rmSync(eventDir, { recursive: true, force: true }));
    const eventPath = join(eventDir, 'event.json');
    writeFileSync(eventPath, JSON.stringify(options.event));
    Object.assign(env, { GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: eventPath });
  }
  e2e.secrets.push(github.githubToken);
  return e2e.inProcess.submit({ env, inputs: { 'github-token': github.githubToken, ...inputs } });
}

const workflowRun = (id: number, repository: string, head = repository) => ({
  action: 'completed',
  workflow_run: { id, repository: { full_name: repository }, head_repository: { full_name: head } },
});

/** The paths of the requests the stand-in received, in order. */
const requestPaths = (): string[] => github.requests.map((r) => r.path);

describe('an artifact of the current run', () => {
  it('finds the single keystore output in it, verifies the digest and submits the file', async () => {
    const zip = artifactZip({ 'keystore-output.json': onchain, 'notes.txt': 'fleet run 42' });
    const { id } = github.addCurrentRunArtifact({ name: 'fleet-output', zip });
    const run = await runWithArtifact({ 'artifact-name': 'fleet-output' });
    expectCurrentRunArtifactSubmitted(run, github, { id, zip, file: onchain });
  });

  it('uses the newest of several artifacts with the same name, and says which', async () => {
    github.addCurrentRunArtifact({ name: 'dup', zip: artifactZip({ 'old.json': onchain.replace('partial', 'fail') }) });
    const { id } = github.addCurrentRunArtifact({ name: 'dup', zip: artifactZip({ 'new.json': onchain }) });
    const run = await runWithArtifact({ 'artifact-name': 'dup', 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`2 artifacts are named "dup" in run 5000 of acme/keystore-ops (this run); using the newest, id ${id}`);
    expect(run.outputs['output-status']).toBe('partial');
  });

  it('fails on a digest mismatch, before any call to Dfns', async () => {
    github.addCurrentRunArtifact({ name: 'tampered', zip: artifactZip({ 'o.json': onchain }), digest: `sha256:${'0'.repeat(64)}` });
    const run = await runWithArtifact({ 'artifact-name': 'tampered' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^artifact \d+ \("tampered"\) does not match its digest sha256:0{64}: what was downloaded is not what was uploaded: re-run the upload\. Nothing was submitted\.$/,
    );
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
  });

  it('warns when the artifact has no digest to verify', async () => {
    github.addCurrentRunArtifact({ name: 'no-digest', zip: artifactZip({ 'o.json': onchain }), digest: null });
    const run = await runWithArtifact({ 'artifact-name': 'no-digest', 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        title: 'Artifact not verified',
        message: expect.stringMatching(/has no digest, so its download could not be verified/),
      }),
    );
    expect(run.outputs['artifact-digest']).toBe('');
  });

  it('lists the artifact names the run has, each once, when the name is not found, and says this run needs no permission', async () => {
    for (const name of ['fleet-output', 'dup', 'dup', 'tampered', 'no-digest']) {
      github.addCurrentRunArtifact({ name, zip: artifactZip({ 'o.json': onchain }) });
    }
    const run = await runWithArtifact({ 'artifact-name': 'missing-output' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      'no artifact named "missing-output" in run 5000 of acme/keystore-ops (this run); the run has: "fleet-output", "dup", "tampered", "no-digest". ' +
        "This run's artifacts are read with the runner's own token (no permission needed): check that a job of this run that " +
        'finished before this one ("needs:") uploaded it, under this name. Nothing was submitted.',
    );
  });

  it('lists the candidates when the artifact holds several keystore outputs, and takes the one "path" names', async () => {
    github.addCurrentRunArtifact({ name: 'two', zip: artifactZip({ 'a/out.json': onchain, 'b/out.json': onchain }) });
    const run = await runWithArtifact({ 'artifact-name': 'two' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      'the artifact "two" holds 2 outputs ("a/out.json", "b/out.json"); pass "path" to choose one. Nothing was submitted.',
    );
    const chosen = await runWithArtifact({ 'artifact-name': 'two', path: 'b/*.json', 'dry-run': 'true' });
    expect(chosen.exitCode).toBe(0);
    expect(chosen.outputs['file']).toMatch(/\/b\/out\.json$/);
  });

  it('lists what the artifact contains when it holds no keystore output', async () => {
    github.addCurrentRunArtifact({ name: 'junk', zip: artifactZip({ 'readme.txt': 'x', 'manifest.json': '{"type":"manifest"}' }) });
    const run = await runWithArtifact({ 'artifact-name': 'junk' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      "manifest.json: the output does not match Dfns's schema (1 violation):\n" +
        '  - type: expected "keystore-output" or "fleet-output", got "manifest" (the document type of a Dfns offline signer output)\n' +
        'Nothing was submitted.',
    );
    github.addCurrentRunArtifact({ name: 'junk2', zip: artifactZip({ 'readme.txt': 'x', 'a.json': '{}', 'b.json': '[]' }) });
    const run2 = await runWithArtifact({ 'artifact-name': 'junk2' });
    expect(failureMessage(run2)).toBe(
      'the artifact "junk2" holds no output (a .json keystore-output or fleet-output document, or a zip archive holding one, that is valid). It contains: "a.json", "b.json", "readme.txt". Nothing was submitted.',
    );
  });

  it('takes an output archive (a zip) out of the artifact and submits the archive itself', async () => {
    const archive = makeZip([{ name: 'output/keystore-output.json', data: onchain, method: 8 }]);
    github.addCurrentRunArtifact({ name: 'archive', zip: artifactZip({ 'fleet-output.zip': archive }) });
    const run = await runWithArtifact({ 'artifact-name': 'archive' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['checksum']).toBe(sha256(archive));
    expect(Buffer.compare(onlyOne(run.seen.submissions, 'submission').filePart, Buffer.from(archive))).toBe(0);
  });

  it('never writes artifact entries named with ".." outside the download directory', async () => {
    const zip = makeZip([
      { name: '../../escaped.json', data: '{"escaped":true}' },
      { name: 'ok/../../../escaped2.json', data: '{"escaped":true}' },
      { name: 'keystore-output.json', data: onchain },
    ]);
    github.addCurrentRunArtifact({ name: 'dotdot', zip });
    const run = await runWithArtifact({ 'artifact-name': 'dotdot', 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    const downloadDir = dirname(run.outputs['file']!);
    for (const dir of [run.runnerTemp, dirname(run.runnerTemp), dirname(dirname(run.runnerTemp)), run.workspace]) {
      expect(existsSync(join(dir, 'escaped.json')), dir).toBe(false);
      expect(existsSync(join(dir, 'escaped2.json')), dir).toBe(false);
    }
    expect(readdirSync(run.runnerTemp).filter((f) => f.startsWith('dfns-keystore-artifact-'))).toEqual([downloadDir.split('/').pop()]);
  });
});

describe('an artifact of another run', () => {
  it('is read through the REST API with the token, by run-id', async () => {
    const zip = artifactZip({ 'keystore-output.json': onchain });
    const { id } = github.addRunArtifact('acme/keystore-ops', 7001, { name: 'fleet-output', zip });
    const run = await runWithArtifact({ 'artifact-name': 'fleet-output', 'run-id': '7001', 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ 'run-id': '7001', 'artifact-id': String(id), 'artifact-digest': `sha256:${sha256(zip)}` });
    const rest = github.requests.filter((r) => r.path.startsWith('/repos/acme/keystore-ops/actions/runs/7001/artifacts'));
    expect(rest.length).toBeGreaterThan(0);
    expect(String(rest[0]!.headers['authorization'])).toMatch(/^(token|Bearer) /);
  });

  it('defaults to the run of the workflow_run event', async () => {
    github.addRunArtifact('acme/keystore-ops', 7002, { name: 'fleet-output', zip: artifactZip({ 'o.json': onchain }) });
    const run = await runWithArtifact(
      { 'artifact-name': 'fleet-output', 'dry-run': 'true' },
      { event: workflowRun(7002, 'acme/keystore-ops') },
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs['run-id']).toBe('7002');
  });

  it('reads another repository', async () => {
    github.addRunArtifact('acme/fleet-outputs', 31, { name: 'fleet-output', zip: artifactZip({ 'o.json': onchain }) });
    const run = await runWithArtifact({
      'artifact-name': 'fleet-output',
      repository: 'acme/fleet-outputs',
      'run-id': '31',
      'dry-run': 'true',
    });
    expect(run.exitCode).toBe(0);
    expect(requestPaths()).toContainEqual(expect.stringMatching(/^\/repos\/acme\/fleet-outputs\/actions\/runs\/31\/artifacts/));
  });

  it('refuses a run started from a fork, explaining the risk; allows it when told to', async () => {
    github.addRunArtifact('acme/keystore-ops', 7003, { name: 'fleet-output', zip: artifactZip({ 'o.json': onchain }) });
    const event = workflowRun(7003, 'acme/keystore-ops', 'stranger/keystore-ops');
    const refused = await runWithArtifact({ 'artifact-name': 'fleet-output' }, { event });
    expect(refused.exitCode).toBe(1);
    expect(failureMessage(refused)).toMatch(
      /^refusing the artifact of run 7003: that run was started from the fork stranger\/keystore-ops, not from acme\/keystore-ops\. Anyone can open a pull request from a fork, so its artifacts are untrusted data: .+ set "allow-fork-artifacts: true"\. Nothing was submitted\.$/,
    );
    expect(requestPaths(), 'nothing is downloaded from a refused run').toEqual([]);

    const allowed = await runWithArtifact(
      { 'artifact-name': 'fleet-output', 'allow-fork-artifacts': 'true', 'dry-run': 'true' },
      { event },
    );
    expect(allowed.exitCode).toBe(0);
    expect(allowed.annotations).toContainEqual(expect.objectContaining({ level: 'warning', title: 'Artifact from a fork' }));
  });

  it('fails fast with a clear error when the token is refused', async () => {
    github.addRunArtifact('acme/keystore-ops', 7004, { name: 'fleet-output', zip: artifactZip({ 'o.json': onchain }) });
    const run = await runWithArtifact({ 'artifact-name': 'fleet-output', 'run-id': '7004', 'github-token': 'ghs_wrong_token_0123456789' });
    // Fast: no back-off. @octokit/plugin-retry does not retry a 401 as a failed status (that back-off, 1, 4, 9, 16 and
    // 25 s, would outlast the test's timeout); @actions/artifact's \`retries: 5\` asks it again at once, 5 times.
    const listing = '/repos/acme/keystore-ops/actions/runs/7004/artifacts?per_page=100&page=1';
    expect(requestPaths()).toEqual(Array.from({ length: 6 }, () => listing));
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^failed listing the artifacts of run 7004 of acme\/keystore-ops: .*Bad credentials.*\. Reading another run's artifacts needs "github-token" with actions: read: for github\.token, give the job "permissions: actions: read"; for another repository, a token with actions: read there\. Nothing was submitted\.$/,
    );
  });
});

describe('where artifacts cannot be used', () => {
  it('explains what to do on GitHub Enterprise Server', async () => {
    const run = await runWithArtifact({ 'artifact-name': 'fleet-output' }, { env: { GITHUB_SERVER_URL: 'https://github.acme.internal' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      '"artifact-name" is not supported on GitHub Enterprise Server (https://github.acme.internal): @actions/artifact does not support it. ' +
        'Download the artifact in a step before this one (actions/download-artifact) and pass its file in "path" instead. Nothing was submitted.',
    );
  });

  it('refuses run-id and repository without artifact-name', async () => {
    const run = await e2e.inProcess.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'run-id': '12' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe('"run-id" applies only with "artifact-name"; set it, or remove it. Nothing was submitted.');
  });
});
