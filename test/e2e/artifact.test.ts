/**
 * The artifact route through the built bundle: the real @actions/artifact client inside
 * dist/index.js, against loopback stand-ins of GitHub's results service, REST API and blob store.
 * Which artifact and which file, the digest, forks, and every refusal: test/integration/artifact.test.ts.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../github/github-stand-in.ts';
import { fixtureText, sha256, startE2E, type E2E } from '../helpers/e2e.ts';
import { artifactZip, expectCurrentRunArtifactSubmitted } from '../helpers/artifact-submitted.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
});
afterAll(() => e2e?.close());

/**
 * A GitHub stand-in of its own for each test (a loopback server, started in milliseconds): the
 * artifacts a run sees, and the requests a test counts, are only those the test itself made.
 */
let github: GitHubStandIn;
beforeEach(async () => {
  const standIn = await startGitHubStandIn({ repository: 'acme/keystore-ops', runId: 5000 });
  github = standIn;
  return () => standIn.close();
});

/** Runs dist/ with the stand-in's environment, in a fresh workspace (removed with the run's folders when the test ends). */
function runWithArtifact(inputs: Record<string, string>) {
  e2e.secrets.push(github.githubToken);
  return e2e.submit({ env: github.env(), inputs: { 'github-token': github.githubToken, ...inputs } });
}

it('downloads an artifact of this run through the results service, verifies its digest and submits the file; another run is read through the REST API', async () => {
  const zip = artifactZip({ 'keystore-output.json': onchain, 'notes.txt': 'fleet run 42' });
  const { id } = github.addCurrentRunArtifact({ name: 'fleet-output', zip });
  const run = await runWithArtifact({ 'artifact-name': 'fleet-output' });
  expectCurrentRunArtifactSubmitted(run, github, { id, zip, file: onchain });

  const other = artifactZip({ 'keystore-output.json': onchain });
  const { id: otherId } = github.addRunArtifact('acme/keystore-ops', 7001, { name: 'fleet-output', zip: other });
  const fromOtherRun = await runWithArtifact({ 'artifact-name': 'fleet-output', 'run-id': '7001', 'dry-run': 'true' });
  expect(fromOtherRun.exitCode).toBe(0);
  expect(fromOtherRun.outputs).toMatchObject({
    'run-id': '7001',
    'artifact-id': String(otherId),
    'artifact-digest': `sha256:${sha256(other)}`,
  });
  const rest = github.requests.filter((r) => r.path.startsWith('/repos/acme/keystore-ops/actions/runs/7001/artifacts'));
  expect(rest.map((r) => String(r.headers['authorization']))).toContainEqual(expect.stringMatching(/^(token|Bearer) /));
});
