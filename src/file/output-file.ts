/**
 * Reads the output file once and turns its bytes into a validated offline signer output (a
 * keystore-output or a fleet-output document).
 *
 * Two shapes: the bare output JSON, or an output archive (a zip, recognised by its leading
 * bytes) holding exactly one `.json` entry that is an output. In both, the bytes read here are
 * the bytes hashed and uploaded, and `jsonText` is the output's own text, which the submission
 * embeds as it is (nothing is re-serialized, no field is dropped).
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { HASH_WORKER_MIN_BYTES } from './checksum.ts';
import { decodeUtf8Strict, parseStrictJson } from './json.ts';
import { validateOutput, type OfflineSignerOutput } from '../schemas/documents.ts';
import { isInputDocument, NOT_AN_OUTPUT } from '../schemas/input-document.ts';
import { describeValue } from '../schemas/violations.ts';
import { safeText } from '../base/safe-text.ts';
import { mib } from '../base/units.ts';
import { describeRefusedEntries, isZip, listZip, readZipEntry, type ZipEntry } from './zip.ts';
import { ActionError, messageOf } from '../base/errors.ts';
import { listFirst } from '../base/lists.ts';

/** The largest output file accepted. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** How many archive entries an error lists. */
export const MAX_LISTED_ENTRIES = 20;

export type FileShape = 'json' | 'archive';

export interface OutputFile {
  /** The file's bytes: hashed and uploaded as they are. */
  bytes: Uint8Array;
  shape: FileShape;
  /** The entry holding the output, for an archive. */
  entryName?: string;
  /** The output's JSON text, without surrounding white space. */
  jsonText: string;
  output: OfflineSignerOutput;
}

/** The file could not be read, or is not a valid output. The message names the file (and entry). */
export class OutputFileError extends ActionError {
  override name = 'OutputFileError';
  readonly title = 'Invalid output file';
}

/**
 * Reads the whole file into memory once, refusing files over MAX_FILE_BYTES. A file of
 * HASH_WORKER_MIN_BYTES or more is read into a SharedArrayBuffer, so that the thread that
 * hashes it reads these very bytes without a copy.
 */
export function readFileOnce(path: string, displayPath: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_FILE_BYTES) throw tooLarge(displayPath, size);
    const bytes = (size >= HASH_WORKER_MIN_BYTES && readShared(fd, size)) || readFileSync(fd);
    if (bytes.byteLength > MAX_FILE_BYTES) throw tooLarge(displayPath, bytes.byteLength);
    if (bytes.byteLength === 0) throw new OutputFileError(`${safeText(displayPath)}: the file is empty`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The file's `size` bytes in a SharedArrayBuffer; undefined (read it again) if it is not `size` bytes long. */
function readShared(fd: number, size: number): Uint8Array | undefined {
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  let read = 0;
  for (let n = -1; read < size && n !== 0; read += n) n = readSync(fd, bytes, read, size - read, read);
  // A file that shrank or grew while being read: the caller reads it whole from the start.
  return read === size && readSync(fd, new Uint8Array(1), 0, 1, size) === 0 ? bytes : undefined;
}

function tooLarge(displayPath: string, size: number): OutputFileError {
  return new OutputFileError(
    `${safeText(displayPath)}: the file is ${mib(size)}, over the limit of ${mib(MAX_FILE_BYTES)} for an output`,
  );
}

/** Parses and validates the bytes of either shape. Errors name the file, and the entry in an archive. */
export function parseOutputFile(bytes: Uint8Array, displayPath: string): OutputFile {
  const name = safeText(displayPath);
  if (!isZip(bytes)) return { bytes, shape: 'json', ...parseOutput(bytes, name) };

  const entries = withContext(name, () => listZip(bytes));
  const refused = describeRefusedEntries(entries);
  if (refused !== undefined) throw new OutputFileError(`${name}: the archive holds ${refused}; refusing it`);
  const where = (entry: ZipEntry): string => `${name} (entry "${entry.displayName}")`;
  const { candidate, result } = pickOutput(
    entries.filter(isJsonCandidate),
    // readZipEntry's own messages name the entry; errors in its content get the entry added.
    (entry) => parseOutput(withContext(name, () => readZipEntry(bytes, entry)), where(entry)),
    {
      several: (found) => `${name}: the archive holds ${found.length} outputs (${listEntries(found)}); it must hold exactly one`,
      none: (tried) =>
        `${name}: the archive holds no output (a .json entry with "type" "keystore-output" or "fleet-output"${tried > 1 ? ' that is valid' : ''}). ` +
        `Entries: ${entries.length === 0 ? '(none)' : listEntries(entries)}`,
    },
  );
  return { bytes, shape: 'archive', entryName: candidate.name, ...result };
}

/**
 * Picks the one output among candidates (archive entries, files of an artifact).
 * A single candidate is loaded as it is, so its own error (say, a schema violation) is what the
 * user reads; among several, exactly one must load.
 */
export function pickOutput<C, R>(
  candidates: readonly C[],
  load: (candidate: C) => R,
  messages: { several: (found: C[]) => string; none: (tried: number) => string },
): { candidate: C; result: R } {
  if (candidates.length === 1 && candidates[0] !== undefined) {
    return { candidate: candidates[0], result: load(candidates[0]) };
  }
  const loaded = candidates.flatMap((candidate) => {
    try {
      return [{ candidate, result: load(candidate) }];
    } catch {
      return [];
    }
  });
  if (loaded.length === 1 && loaded[0]) return loaded[0];
  if (loaded.length > 1) throw new OutputFileError(messages.several(loaded.map((l) => l.candidate)));
  throw new OutputFileError(messages.none(candidates.length));
}

function parseOutput(bytes: Uint8Array, where: string): { jsonText: string; output: OfflineSignerOutput } {
  const text = withContext(where, () => decodeUtf8Strict(bytes));
  // Parsed untrimmed, so that line numbers are the file's; only JSON's own white space is cut.
  const value = withContext(where, () => parseStrictJson(text));
  if (isInputDocument(value)) {
    throw new OutputFileError(`${where}: ${NOT_AN_OUTPUT} (its "type" is ${describeValue((value as { type: unknown }).type)})`);
  }
  const output = withContext(where, () => validateOutput(value));
  return { jsonText: trimJsonWhitespace(text), output };
}

/** Cuts JSON's own white space (space, tab, LF, CR) at both ends; String.trim cuts more. */
function trimJsonWhitespace(text: string): string {
  const isSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isJsonCandidate(entry: ZipEntry): boolean {
  if (entry.isDirectory || !entry.name.toLowerCase().endsWith('.json')) return false;
  // macOS archivers add AppleDouble files ("__MACOSX/._x.json"): metadata, not outputs.
  return !entry.name.startsWith('__MACOSX/') && !basename(entry.name).startsWith('._');
}

function listEntries(entries: readonly ZipEntry[]): string {
  return listFirst(entries, MAX_LISTED_ENTRIES, (e) => `"${e.displayName}"${e.isDirectory ? '' : ` (${e.uncompressedSize} bytes)`}`);
}

/** Prefixes an error's message with where it happened, keeping it as the cause. */
function withContext<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof OutputFileError) throw error;
    const message = messageOf(error);
    throw new OutputFileError(`${where}: ${message}`, { cause: error });
  }
}

