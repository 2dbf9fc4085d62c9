/**
 * The files a run writes (the receipt, an input archive): checked before any network call by
 * doing what the write will do, then written whole, and never over a file the run did not write.
 *
 * - Folders are made by a walk of our own, one level at a time, which always ends (Node's
 *   recursive mkdir loops for ever under /proc).
 * - What already stands at the target decides: nothing, or a regular file the caller may replace
 *   (a receipt of this action). A device, a FIFO, a socket, a folder or a symbolic link is
 *   refused, and so is any other file.
 * - The check writes a probe beside the target with the same temporary name, and places it the
 *   way the write will (a rename, or a link that never replaces), then removes it: what the file
 *   system refuses (a read-only mount, /proc, /sys, a folder without write access, root or not)
 *   is found before any call, not after.
 * - The write goes to a temporary file beside the target, which is then renamed over it (a file
 *   that may be replaced) or linked to it (when nothing may be replaced: the link fails if a file
 *   appeared meanwhile). A reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import {
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { messageOf } from '../base/errors.ts';
import { safeText } from '../base/safe-text.ts';

/** Characters of a path shown in a message. */
export const PATH_MAX_CHARS = 500;

/** What may stand at a target already. */
export interface TargetRules {
  /** Whether an existing regular file may be replaced (a receipt of this action); absent: never. */
  mayReplace?: (path: string) => boolean;
  /** What the refusal of an existing regular file says, after "a file already exists there". */
  existingFile: string;
}

/** The target cannot be written; the message says why, and what to do. */
export class TargetError extends Error {
  override name = 'TargetError';
}

/** Checks before any call that `path` can be written as writeTarget will write it. Throws TargetError. */
export function prepareTarget(path: string, rules: TargetRules): void {
  const replace = makeFoldersAndCheck(path, rules);
  const probe = temporaryName(path);
  const placed = temporaryName(path);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    place(probe, placed, replace);
  } catch (error) {
    throw new TargetError(`a file cannot be written in ${shown(dirname(path))}: ${fsReason(error)}`, { cause: error });
  } finally {
    rmSync(probe, { force: true });
    rmSync(placed, { force: true });
  }
}

/** Writes `bytes` whole at `path`. Throws TargetError. */
export function writeTarget(path: string, bytes: Uint8Array, rules: TargetRules): void {
  const replace = makeFoldersAndCheck(path, rules);
  const temporary = temporaryName(path);
  try {
    writeFileSync(temporary, bytes, { flag: 'wx' });
    place(temporary, path, replace);
  } catch (error) {
    throw new TargetError(`the file could not be written: ${fsReason(error)}`, { cause: error });
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Whether two paths name the same file: the same place, or (when both exist) the same inode. */
export function isSameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const [sa, sb] = [statSync(a, { throwIfNoEntry: false }), statSync(b, { throwIfNoEntry: false })];
  if (sa && sb) return sa.dev === sb.dev && sa.ino === sb.ino;
  return canonical(a) === canonical(b);
}

/** A path for a message: through the gate, bounded. */
export function shown(path: string): string {
  return safeText(path, PATH_MAX_CHARS);
}

/** Makes the target's folders and checks what stands at it; true when it is a file that may be replaced. */
function makeFoldersAndCheck(path: string, rules: TargetRules): boolean {
  makeFolders(dirname(resolve(path)));
  const existing = lstatSync(path, { throwIfNoEntry: false });
  if (existing === undefined) return false;
  if (!existing.isFile())
    throw new TargetError(
      `${describeNonFile(path, existing)} is there, and the action only writes regular files: give the path of a new file`,
    );
  if (rules.mayReplace?.(path)) return true;
  throw new TargetError(`a file already exists there, which this run did not write; ${rules.existingFile}`);
}

function describeNonFile(path: string, stat: Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return `a device (${shown(basename(path))})`;
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  return 'something other than a regular file';
}

/**
 * Makes `dir` and its missing parents, one level at a time, from the deepest that exists: a walk
 * that always ends, and says which folder could not be made.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    let stat: Stats | undefined;
    try {
      stat = statSync(at, { throwIfNoEntry: false });
    } catch (error) {
      throw new TargetError(`the folder ${shown(at)} cannot be examined: ${fsReason(error)}`, { cause: error });
    }
    if (stat) {
      if (!stat.isDirectory()) throw new TargetError(`${shown(at)} is not a folder`);
      break;
    }
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST' && statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw new TargetError(`the folder ${shown(folder)} cannot be created: ${fsReason(error)}`, { cause: error });
    }
  }
}

/**
 * Puts the written temporary file at `path`: renamed over it when it may be replaced, else linked
 * (which fails when a file is there) or, where the file system has no links, copied exclusively.
 */
function place(temporary: string, path: string, replace: boolean): void {
  if (replace) {
    renameSync(temporary, path);
    return;
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    copyFileSync(temporary, path, constants.COPYFILE_EXCL);
  }
}

function temporaryName(path: string): string {
  return `${path}.${randomBytes(6).toString('hex')}.tmp`;
}

function canonical(path: string): string {
  const absolute = resolve(path);
  try {
    return join(realpathSync(dirname(absolute)), basename(absolute));
  } catch {
    return absolute;
  }
}

/** What the file system said, without the path it quotes (the message names the path itself, through the gate). */
function fsReason(error: unknown): string {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string') return safeText(messageOf(error), 300);
  const reason = FS_REASONS[code] ?? code;
  return `${reason} (${code}${typeof syscall === 'string' ? ` on ${syscall}` : ''})`;
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'a file appeared there meanwhile',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  ENAMETOOLONG: 'the name is too long',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
};
