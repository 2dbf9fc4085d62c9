/**
 * Where the input archive goes: checked before Dfns is asked (so that an input is never created
 * for nothing) by doing what the write will do, then written whole, never over an existing file.
 */
import { join, resolve } from 'node:path';
import { ActionError, messageOf } from '../../base/errors.ts';
import { CANCEL_ADVICE } from '../../base/version.ts';
import { prepareTarget, shown, writeTarget, type TargetRules } from '../../file/write-target.ts';
import type { Operation } from '../../documents/operations.ts';

/** An archive never replaces a file: the run did not write it. */
const ARCHIVE_RULES: TargetRules = {
  existingFile: 'the input archive never replaces a file: remove it, or give "path" the name of a new file',
};

/** The archive cannot be written where `path` says; found before any call. */
class ArchivePathError extends ActionError {
  override name = 'ArchivePathError';
  readonly title = 'Archive not writable';
}

/** Dfns created the input archive, but it could not be written: it exists at Dfns, the file does not. */
class ArchiveWriteError extends ActionError {
  override name = 'ArchiveWriteError';
  readonly title = 'Archive not written';
  constructor(message: string, options: ErrorOptions) {
    super(message, { ...options, effect: 'made' });
  }
}

/** `path` relative to the workspace, or `dfns-<operation>-input-<store>.zip` under RUNNER_TEMP. */
export function archivePath(
  path: string | undefined,
  operation: Operation,
  storeId: string,
  place: { workspace: string; runnerTemp: string },
): string {
  if (path !== undefined) return resolve(place.workspace, path);
  return join(place.runnerTemp, `dfns-${operation}-input-${storeId}.zip`);
}

export function checkArchivePath(path: string): void {
  try {
    prepareTarget(path, ARCHIVE_RULES);
  } catch (error) {
    throw new ArchivePathError(`cannot write the input archive to ${shown(path)} ("path"): ${messageOf(error)}`, { cause: error });
  }
}

export function writeArchive(path: string, bytes: Uint8Array): void {
  try {
    writeTarget(path, bytes, ARCHIVE_RULES);
  } catch (error) {
    throw new ArchiveWriteError(
      `Dfns created the input archive, but it could not be written to ${shown(path)}: ${messageOf(error)}. ` +
        `The input archive exists at Dfns and its fleet operation is open: do not re-run this workflow for it. ${CANCEL_ADVICE}`,
      { cause: error },
    );
  }
}
