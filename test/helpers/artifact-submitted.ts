/**
 * An output taken from a workflow artifact, asserted the same way whether the submit action ran
 * through the built bundle (test/e2e/artifact.test.ts) or in this process
 * (test/integration/artifact.test.ts).
 */
import { expect } from 'vitest';
import type { GitHubStandIn } from '../github/github-stand-in.ts';
import { onlyOne, sha256, type E2ERun } from './e2e.ts';
import { makeZip } from './zip-writer.ts';

/** An artifact's zip of these files, deflated as upload-artifact writes them. */
export const artifactZip = (files: Record<string, string | Uint8Array>): Uint8Array =>
  makeZip(Object.entries(files).map(([name, data]) => ({ name, data, method: 8 as const })));

/**
 * Asserts that `run` took `file` from the artifact `fleet-output` (`id`, `zip`) of the current run
 * (5000 of acme/keystore-ops) through the results service, verified its digest and submitted it.
 */
export function expectCurrentRunArtifactSubmitted(
  run: E2ERun,
  github: GitHubStandIn,
  artifact: { id: number; zip: Uint8Array; file: string },
): void {
  const { id, zip, file } = artifact;
  expect(run.exitCode).toBe(0);
  expect(run.outputs).toMatchObject({
    status: 'success',
    'artifact-id': String(id),
    'artifact-digest': `sha256:${sha256(zip)}`,
    'run-id': '5000',
    checksum: sha256(file),
  });
  expect(run.outputs['file']).toMatch(/dfns-keystore-artifact-[^/]+\/keystore-output\.json$/);
  expect(run.outputs['file']!.slice(0, run.runnerTemp.length)).toBe(run.runnerTemp);
  expect(run.stdout).toContain(
    `Artifact "fleet-output" (id ${id}) from run 5000 of acme/keystore-ops (this run): digest sha256:${sha256(zip)} verified`,
  );
  expect(Buffer.from(onlyOne(run.seen.submissions, 'submission').filePart).toString('utf8')).toBe(file);
  // The current run is read through the results service, not the REST API.
  const paths = github.requests.map((r) => r.path);
  expect(paths).toContainEqual(expect.stringContaining('ListArtifacts'));
  expect(paths.filter((path) => path.startsWith('/repos/'))).toEqual([]);
}
