/**
 * Reads the output file once and turns its bytes into a validated offline signer output (a
 * keystore-output or a fleet-output document).
 *
 * Two shapes: the bare output JSON, or an output archive (a zip, recognised by its leading
 * bytes) holding exactly one `.json` entry that is an output. In both, the bytes read here are
 * the bytes hashed and uploaded, and `jsonText` is the output's own text, which the submission
 * embeds as it is (nothing is re-serialized, no field is dropped).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { sha256Stream } from './checksum.ts';
import { decodeUtf8Strict, parseStrictJson } from './json.ts';
import { validateOutput, type OfflineSignerOutput } from '../documents/documents.ts';
import { isInputArchiveDocument, NOT_AN_OUTPUT } from '../documents/input-archive-document.ts';
import { describeValue } from '../documents/violations.ts';
import { safeText } from '../base/safe-text.ts';
import { mib } from '../base/units.ts';
import { describeRefusedEntries, isZip, listZip, readZipEntry, type ZipEntry } from './zip.ts';
import { ActionError, messageOf } from '../base/errors.ts';
import { listFirst } from '../base/lists.ts';

/** The largest output file accepted. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** How many archive entries an error lists. */
const MAX_LISTED_ENTRIES = 20;

type FileShape = 'json' | 'archive';

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

/** A file's bytes, read once, and their SHA-256 (hex), computed as they were read. */
export interface ReadFile {
  bytes: Uint8Array;
  sha256: string;
}

/** Bytes read per call: each piece is hashed as soon as it is read. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads the whole file into memory once, hashing it as it goes, and refuses an empty file or one
 * over MAX_FILE_BYTES. A file that grows while it is read is read to its end (and refused past
 * the limit).
 */
export function readFileOnce(path: string, displayPath: string): ReadFile {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_FILE_BYTES) throw tooLarge(displayPath, size);
    const hash = sha256Stream();
    // One byte more than the size: reading nothing into it is how the end of the file shows.
    let bytes = Buffer.allocUnsafeSlow(size + 1);
    let length = 0;
    for (;;) {
      if (length === bytes.byteLength) {
        if (length > MAX_FILE_BYTES) throw tooLarge(displayPath, length);
        const larger = Buffer.allocUnsafeSlow(Math.min(length * 2 + READ_CHUNK_BYTES, MAX_FILE_BYTES + 1));
        bytes.copy(larger);
        bytes = larger;
      }
      const n = readSync(fd, bytes, length, Math.min(READ_CHUNK_BYTES, bytes.byteLength - length), length);
      if (n === 0) break;
      hash.update(bytes.subarray(length, length + n));
      length += n;
    }
    if (length === 0) throw new OutputFileError(`${safeText(displayPath)}: the file is empty`);
    return { bytes: bytes.subarray(0, length), sha256: hash.hex() };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(displayPath: string, size: number): OutputFileError {
  return new OutputFileError(`${safeText(displayPath)}: the file is ${mib(size)}, over the limit of ${mib(MAX_FILE_BYTES)} for an output`);
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
    (entry) =>
      parseOutput(
        withContext(name, () => readZipEntry(bytes, entry)),
        where(entry),
      ),
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
  if (isInputArchiveDocument(value)) {
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
