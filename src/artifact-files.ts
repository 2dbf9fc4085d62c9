/**
 * Finds the keystore output among a downloaded artifact's files when `path` is not given:
 * the single `.json` keystore output, or the single zip archive holding one.
 */
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseKeystoreFile, pickKeystoreOutput, readFileOnce, type KeystoreFile } from './keystore-file.ts';
import type { LocatedFile } from './locate.ts';
import { safeText } from './safe-text.ts';
import { isZip } from './zip.ts';

/** An artifact with more files than this is not a keystore output's. */
export const MAX_ARTIFACT_FILES = 1000;
const LISTED_FILES = 20;

export function findKeystoreOutputIn(dir: string, artifactLabel: string): { located: LocatedFile; file: KeystoreFile } {
  const files = listFiles(dir);
  const candidates = files.filter((rel) => rel.toLowerCase().endsWith('.json') || startsWithZipMagic(join(dir, rel)));
  const list = (names: readonly string[]): string =>
    names.slice(0, LISTED_FILES).map((n) => `"${safeText(n)}"`).join(', ') +
    (names.length > LISTED_FILES ? ` and ${names.length - LISTED_FILES} more` : '');
  const { candidate, result } = pickKeystoreOutput(
    candidates,
    (rel) => parseKeystoreFile(readFileOnce(join(dir, rel), rel), rel),
    {
      several: (found) => `${artifactLabel} holds ${found.length} keystore outputs (${list(found)}); pass "path" to choose one`,
      none: (tried) =>
        `${artifactLabel} holds no keystore output (a .json keystore output, or a zip archive holding one${tried > 1 ? ', that is valid' : ''}). ` +
        `It contains: ${files.length === 0 ? '(no files)' : list(files)}`,
    },
  );
  return { located: { path: join(dir, candidate), displayPath: candidate }, file: result };
}

/** Regular files below `dir`, as relative paths, sorted; links are not followed. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    out.push(relative(dir, join(entry.parentPath, entry.name)));
    if (out.length > MAX_ARTIFACT_FILES) {
      throw new Error(`the artifact holds more than ${MAX_ARTIFACT_FILES} files; pass "path" to name the keystore output`);
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
