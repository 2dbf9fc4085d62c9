/**
 * Where the output file comes from: the workspace (`path`), or a workflow artifact
 * (`artifact-name`, and `path` inside it or the single output it holds). `@actions/artifact` is
 * loaded only when an artifact is used.
 */
import type { Logger } from '../../base/logger.ts';
import { safeText } from '../../base/safe-text.ts';
import { locateFile, type LocatedFile } from '../../file/locate.ts';
import type { OutputFile, ReadFile } from '../../file/output-file.ts';
import type { ArtifactStepInputs, RunContext } from '../../github/artifact.ts';
import type { OutputReceipt } from '../../report/receipt.ts';

export interface ObtainedFile {
  located: LocatedFile;
  /** The `file` output: relative to the workspace, or absolute for a file of an artifact. */
  fileOutput: string;
  /** Already read and parsed while searching an artifact. */
  found?: { read: ReadFile; file: OutputFile };
}

export interface SourceIO extends Logger {
  setOutput(name: string, value: string): void;
}

/** The file named by `path` in the workspace, or taken from the artifact; `onArtifact` hears of the artifact used. */
export async function obtainFile(
  source: { path: string; artifact: ArtifactStepInputs | undefined },
  place: { workspace: string; run: RunContext },
  io: SourceIO,
  onArtifact: (artifact: NonNullable<OutputReceipt['artifact']>) => void,
): Promise<ObtainedFile> {
  if (!source.artifact) {
    const located = locateFile(source.path, place.workspace);
    return { located, fileOutput: located.displayPath };
  }
  const { fetchArtifact } = await import('../../github/artifact.ts');
  const artifact = await fetchArtifact(source.artifact, place.run, io);
  io.setOutput('artifact-id', String(artifact.id));
  // What GitHub's API answered, through the gate.
  const digest = artifact.digest === undefined ? null : safeText(artifact.digest, 100);
  io.setOutput('artifact-digest', digest ?? '');
  io.setOutput('run-id', String(artifact.runId));
  onArtifact({ name: safeText(artifact.name), id: artifact.id, digest, repository: safeText(artifact.repository), runId: artifact.runId });
  const label = `the artifact "${safeText(artifact.name)}"`;
  if (source.path) {
    const located = locateFile(source.path, artifact.downloadPath, label);
    return { located, fileOutput: located.path };
  }
  const { findOutputIn } = await import('../../github/artifact-files.ts');
  const found = findOutputIn(artifact.downloadPath, label);
  return { located: found.located, fileOutput: found.located.path, found: { read: found.read, file: found.file } };
}
