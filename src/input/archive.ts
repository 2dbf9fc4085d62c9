/**
 * Where the input archive goes: checked writable before Dfns is asked (so that an input is never
 * created for nothing), then written whole.
 */
import { join, resolve } from 'node:path';
import { ActionError, messageOf, type FailureOutcome } from '../base/errors.ts';
import { checkWritable, writeFileWhole } from '../file/write-file.ts';
import type { Operation } from '../schemas/operations.ts';

/** The archive cannot be written where `path` says; found before any call. */
export class ArchivePathError extends ActionError {
  override name = 'ArchivePathError';
  readonly title = 'Archive not writable';
}

/** Dfns created the input, but its archive could not be written: the input exists, the file does not. */
export class ArchiveWriteError extends ActionError {
  override name = 'ArchiveWriteError';
  readonly title = 'Archive not written';
  override get outcome(): FailureOutcome {
    return 'unknown';
  }
}

/** `path` relative to the workspace, or `dfns-<operation>-input-<store>.zip` under RUNNER_TEMP. */
export function archivePath(path: string | undefined, operation: Operation, storeId: string, place: { workspace: string; runnerTemp: string }): string {
  if (path !== undefined) return resolve(place.workspace, path);
  return join(place.runnerTemp, `dfns-${operation}-input-${storeId.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`);
}

export function checkArchivePath(path: string): void {
  try {
    checkWritable(path);
  } catch (error) {
    throw new ArchivePathError(`cannot write the input archive to ${path} ("path"): ${messageOf(error)}`, { cause: error });
  }
}

export function writeArchive(path: string, bytes: Uint8Array): void {
  try {
    writeFileWhole(path, bytes);
  } catch (error) {
    throw new ArchiveWriteError(`Dfns created the input archive, but it could not be written to ${path}: ${messageOf(error)}`, { cause: error });
  }
}
