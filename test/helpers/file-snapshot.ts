/**
 * What stood on disk before a run, to check that the run changed none of it: every file under the
 * folders given (and any single path, a device say), by type and content.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export type Snapshot = Map<string, string>;

/** Each path under `roots` (a root may be a single file or a device), with what it is. */
export function snapshot(...roots: string[]): Snapshot {
  const seen: Snapshot = new Map();
  const visit = (path: string): void => {
    let stat;
    try {
      stat = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      return; // ENOTDIR, say: nothing stands there
    }
    if (!stat) return;
    if (stat.isDirectory()) {
      seen.set(path, 'folder');
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (stat.isFile()) {
      seen.set(path, `file ${createHash('sha256').update(readFileSync(path)).digest('hex')} mode ${(stat.mode & 0o7777).toString(8)}`);
    } else if (stat.isSymbolicLink()) {
      seen.set(path, `link to ${readlinkSync(path)}`);
    } else {
      seen.set(path, `special ${stat.mode.toString(8)} device ${stat.rdev}`);
    }
  };
  for (const root of roots) visit(root);
  return seen;
}

/** Fails, naming each, when a path of `before` is gone or changed (paths added since are fine). */
export function expectUnchanged(before: Snapshot): void {
  const roots = [...before.keys()];
  const after = snapshot(...roots.filter((path) => !roots.some((other) => other !== path && path.startsWith(`${other}/`))));
  const changed = roots
    .filter((path) => after.get(path) !== before.get(path))
    .map((path) => `${path}: ${before.get(path)} -> ${after.get(path) ?? 'gone'}`);
  expect(changed, 'files that stood before the run and were changed').toEqual([]);
}
