/**
 * Finds the output among a downloaded artifact's files when `path` is not given: the single
 * `.json` output (keystore-output or fleet-output), or the single zip archive holding one.
 */
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseOutputFile, pickOutput, readFileOnce, type OutputFile, type ReadFile } from '../file/output-file.ts';
import { showable, type LocatedFile } from '../file/locate.ts';
import { isZip } from '../file/zip.ts';
import { listNames } from '../base/lists.ts';
import { ArtifactError } from './artifact.ts';

/** An artifact with more files than this is not an output's. */
const MAX_ARTIFACT_FILES = 1000;
const LISTED_FILES = 20;

export function findOutputIn(dir: string, artifactLabel: string): { located: LocatedFile; read: ReadFile; file: OutputFile } {
  const files = listFiles(dir);
  const candidates = files.filter((rel) => rel.toLowerCase().endsWith('.json') || startsWithZipMagic(join(dir, rel)));
  const list = (names: readonly string[]): string => listNames(names, LISTED_FILES);
  const { candidate, result } = pickOutput(
    candidates,
    (rel) => {
      const read = readFileOnce(join(dir, rel), rel);
      return { read, file: parseOutputFile(read.bytes, rel) };
    },
    {
      several: (found) => `${artifactLabel} holds ${found.length} outputs (${list(found)}); pass "path" to choose one`,
      none: (tried) =>
        `${artifactLabel} holds no output (a .json keystore-output or fleet-output document, or a zip archive holding one${tried > 1 ? ', that is valid' : ''}). ` +
        `It contains: ${files.length === 0 ? '(no files)' : list(files)}`,
    },
  );
  return { located: showable({ path: join(dir, candidate), displayPath: candidate }), ...result };
}

/** Regular files below `dir`, as relative paths, sorted; links are not followed. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    out.push(relative(dir, join(entry.parentPath, entry.name)));
    if (out.length > MAX_ARTIFACT_FILES) {
      throw new ArtifactError(`the artifact holds more than ${MAX_ARTIFACT_FILES} files; pass "path" to name the output file`);
    }
  }
  return out.sort();
}

function startsWithZipMagic(path: string): boolean {
  if (!lstatSync(path).isFile()) return false;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return isZip(head.subarray(0, readSync(fd, head, 0, 4, 0)));
  } finally {
    closeSync(fd);
  }
}
