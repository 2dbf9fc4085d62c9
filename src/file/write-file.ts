/** Writing a file whole or not at all, its folders created: a reader never sees half of it. */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `bytes` to a temporary file beside `path`, then renames it over `path`. */
export function writeFileWhole(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, bytes, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Creates the folders of `path` and checks that a file can be written there; throws what the file system says. */
export function checkWritable(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new Error('it is a directory');
  accessSync(dirname(path), constants.W_OK);
  if (existing) accessSync(path, constants.W_OK);
}
