/**
 * Finds the one file step input `path` names: a path (relative to the workspace, or absolute)
 * or a glob that must match exactly one file.
 */
import { globSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { hasUnshowableChars, safeText } from '../base/safe-text.ts';
import { ActionError } from '../base/errors.ts';
import { listNames } from '../base/lists.ts';

/** How many matches an error lists before "and N more". */
const MAX_LISTED_MATCHES = 20;

export interface LocatedFile {
  /** Absolute path. */
  path: string;
  /** The path as shown to users: relative to the base directory when inside it. */
  displayPath: string;
}

export class LocateError extends ActionError {
  override name = 'LocateError';
  readonly title: 'Output file not found' | 'Glob matches several files' | 'Not a file' | 'Unsafe file name';
  constructor(message: string, title: LocateError['title'] = 'Output file not found') {
    super(message);
    this.title = title;
  }
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Whether `path` is a glob (it holds *, ?, [, ], { or }). */
export function isGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/** `what` names the base for messages, e.g. "the workspace" or 'the artifact "fleet-output"'. */
export function locateFile(pattern: string, baseDir: string, what = 'the workspace'): LocatedFile {
  return showable(find(pattern, baseDir, what));
}

/**
 * The file, if its name can be shown as it is: it is given back as the `file` output and named in
 * the log. A name with a line break, a control or an invisible character is refused (a hostile
 * name could otherwise start a workflow command of its own, or hide what it is).
 */
export function showable(located: LocatedFile): LocatedFile {
  if (!hasUnshowableChars(located.path)) return located;
  throw new LocateError(
    `the file "${safeText(located.displayPath)}" has a name with line breaks, control or invisible characters (shown escaped), ` +
      'which the action does not take: rename it',
    'Unsafe file name',
  );
}

function find(pattern: string, baseDir: string, what: string): LocatedFile {
  const where = `${what} (${safeText(baseDir, 500)})`;
  if (!isGlob(pattern)) {
    const path = resolve(baseDir, pattern);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new LocateError(`no file at "${safeText(pattern)}": searched ${isAbsolute(pattern) ? safeText(path, 500) : where}`);
    if (stat.isDirectory()) {
      throw new LocateError(
        `"${safeText(pattern)}" is a directory: give the output file's path, or a glob such as "${safeText(pattern)}/*.json"`,
        'Not a file',
      );
    }
    if (!stat.isFile()) throw new LocateError(`"${safeText(pattern)}" is not a regular file`, 'Not a file');
    return { path, displayPath: display(path, baseDir) };
  }

  const matches = globSync(pattern, { cwd: baseDir })
    .map((m) => resolve(baseDir, m))
    .filter((m) => statSync(m, { throwIfNoEntry: false })?.isFile() === true)
    .sort();
  if (matches.length === 1 && matches[0] !== undefined) {
    return { path: matches[0], displayPath: display(matches[0], baseDir) };
  }
  if (matches.length === 0) {
    throw new LocateError(`no file matches the glob "${safeText(pattern)}": searched ${where}`);
  }
  throw new LocateError(
    `the glob "${safeText(pattern)}" matches ${matches.length} files in ${where}; it must match exactly one. ` +
      `Matches: ${listNames(
        matches.map((m) => display(m, baseDir)),
        MAX_LISTED_MATCHES,
      )}`,
    'Glob matches several files',
  );
}

function display(path: string, baseDir: string): string {
  const rel = relative(baseDir, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
