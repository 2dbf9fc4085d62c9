/** Uploads one file as an artifact of the current run (the receipt, an input archive). */
import { basename, dirname } from 'node:path';

/** The artifact's id; `retentionDays` undefined: the repository's default. Throws what @actions/artifact throws. */
export async function uploadFile(
  name: string,
  path: string,
  retentionDays: number | undefined,
): Promise<{ id: number | undefined; file: string }> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const result = await new DefaultArtifactClient().uploadArtifact(name, [path], dirname(path), {
    ...(retentionDays === undefined ? {} : { retentionDays }),
  });
  return { id: result.id, file: basename(path) };
}
