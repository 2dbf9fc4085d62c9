/**
 * Reads an output archive (a zip) in memory, never extracting it. Strict, because one audited
 * file must not mean two things to two readers: every byte must belong to exactly one entry,
 * local headers must agree with the central directory, names must be unique and unambiguous.
 * Only stored and deflated entries are read, through node:zlib with a hard output cap.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { hasUnshowableChars, safeText } from '../base/safe-text.ts';
import { mib } from '../base/units.ts';
import { listFirst } from '../base/lists.ts';

export const ZIP_MAX_ENTRIES = 1000;
/** Sum of the entries' declared uncompressed sizes. */
export const ZIP_MAX_TOTAL_UNCOMPRESSED = 256 * 1024 * 1024;
export const ZIP_MAX_ENTRY_UNCOMPRESSED = 64 * 1024 * 1024;
/** Uncompressed / compressed size, per entry, for entries over ZIP_RATIO_MIN_SIZE uncompressed. */
export const ZIP_MAX_RATIO = 200;
const ZIP_RATIO_MIN_SIZE = 1024 * 1024;
/** The end record (22 bytes) plus the longest comment: how far from the end the record may start. */
const ZIP_EOCD_SEARCH_BYTES = 22 + 0xffff;

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipEntry {
  /** As stored: UTF-8 when flagged (bit 11), else CP437. */
  name: string;
  /** `name` through safeText, for messages. */
  displayName: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  encrypted: boolean;
  isDirectory: boolean;
  /** What the entry is, by its external attributes (a Unix mode, or the MS-DOS folder bit) and its name. */
  kind: EntryKind;
  localHeaderOffset: number;
  /** Absolute, a drive letter, a ".." segment, a backslash, a control or invisible character, or empty. */
  unsafeName: boolean;
}

/** `other`: a device, a FIFO or a socket, or a folder whose name does not end in "/" (or the reverse). */
type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

/** Why an entry is refused in any archive the action reads or writes. */
type EntryProblem = 'unsafe-name' | 'symlink' | 'not-a-file' | 'folder-with-data';

/** How a message names the entries of each problem. */
const PROBLEM_LABELS: Record<EntryProblem, string> = {
  'unsafe-name': 'entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character)',
  symlink: 'symbolic links',
  'not-a-file': 'entries that are not regular files (by their external attributes: devices, pipes, sockets)',
  'folder-with-data': 'folder entries that hold data',
};

/**
 * Why an entry is refused, or undefined. Only regular files (and empty folder entries) with safe,
 * relative names are taken: an archive is carried to machines that extract it, where a link or a
 * name like "../x" would reach outside its folder.
 */
function entryProblem(entry: ZipEntry): EntryProblem | undefined {
  if (entry.unsafeName) return 'unsafe-name';
  if (entry.kind === 'symlink') return 'symlink';
  if (entry.kind === 'other') return 'not-a-file';
  if (entry.kind === 'directory' && entry.uncompressedSize > 0) return 'folder-with-data';
  return undefined;
}

/** How many refused entries a message lists, of each problem. */
export const MAX_LISTED_REFUSED_ENTRIES = 20;

/**
 * What is refused in `entries`, grouped by problem (`entries with unsafe names (…): "../x", "/y";
 * symbolic links: "l"`), or undefined when nothing is.
 */
export function describeRefusedEntries(entries: readonly ZipEntry[]): string | undefined {
  const groups = new Map<EntryProblem, string[]>();
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem !== undefined) groups.set(problem, [...(groups.get(problem) ?? []), entry.displayName]);
  }
  if (groups.size === 0) return undefined;
  return [...groups]
    .map(([problem, names]) => `${PROBLEM_LABELS[problem]}: ${listFirst(names, MAX_LISTED_REFUSED_ENTRIES, (n) => `"${n}"`)}`)
    .join('; ');
}

/** An entry with what listZip checks against its local header. */
interface CentralRecord extends ZipEntry {
  flags: number;
  nameBytes: Uint8Array;
}

const [LOCAL, CENTRAL, END, ZIP64_LOCATOR, DESCRIPTOR] = [0x04034b50, 0x02014b50, 0x06054b50, 0x07064b50, 0x08074b50];
const [ENCRYPTED, HAS_DESCRIPTOR, STRONG_ENCRYPTION, UTF8_NAME] = [0x1, 0x8, 0x40, 0x800];
/** Flags that change how an entry reads: local header and central directory must agree on them. */
const MEANINGFUL_FLAGS = ENCRYPTED | HAS_DESCRIPTOR | STRONG_ENCRYPTION | UTF8_NAME;
const [ZIP64_EXTRA, UNICODE_PATH_EXTRA] = [0x0001, 0x7075];
const AES_METHOD = 99;
const METHOD_NAMES: Record<number, string> = {
  9: 'deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'zstd',
  95: 'xz',
  98: 'PPMd',
  [AES_METHOD]: 'AES encryption',
};
/**
 * Code page 437, bytes 0x80 to 0xFF: what names mean without the UTF-8 flag (APPNOTE 4.4.4).
 * Bytes below 0x80 are read as ASCII, so control bytes stay control characters (and unsafe).
 */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const ZIP64 = 'uses ZIP64, which is not supported (outputs are far below 4 GiB)';
/** `ignoreBOM`: a name starting with U+FEFF keeps it, as other readers show it (the default drops it). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether the bytes start as a zip: a local file header, or the end record of an empty archive. */
export function isZip(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return false;
  return (bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6);
}

/** Lists the entries from the central directory, after checking the whole archive's structure and limits. */
export function listZip(bytes: Uint8Array): ZipEntry[] {
  const reader = new Reader(bytes);
  const end = findEndRecord(reader);
  const [count, size, offset] = [reader.u16(end + 10), reader.u32(end + 12), reader.u32(end + 16)];
  const locator = end >= 20 && reader.u32(end - 20) === ZIP64_LOCATOR;
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff || locator) {
    throw new ZipError(`the archive ${ZIP64}`);
  }
  if (reader.u16(end + 4) !== 0 || reader.u16(end + 6) !== 0 || reader.u16(end + 8) !== count) {
    throw new ZipError('the archive spans several disks (a split or spanned zip), which is not supported');
  }
  if (count > ZIP_MAX_ENTRIES) {
    throw new ZipError(`the archive has ${count} entries, over the limit of ${ZIP_MAX_ENTRIES}`);
  }
  if (offset + size !== end) {
    throw corrupt(`the central directory (${size} bytes at offset ${offset}) does not end where the end record starts (offset ${end})`);
  }
  const records: CentralRecord[] = [];
  let p = offset;
  for (let k = 1; k <= count; k++) {
    if (p + 46 > end || reader.u32(p) !== CENTRAL) {
      throw corrupt(`central directory record ${k} of ${count} at offset ${p} is invalid`);
    }
    const next = p + 46 + reader.u16(p + 28) + reader.u16(p + 30) + reader.u16(p + 32);
    if (next > end) throw corrupt(`central directory record ${k} runs past the central directory`);
    records.push(readCentralRecord(reader, p));
    p = next;
  }
  if (p !== end) throw corrupt(`the central directory holds ${end - p} bytes after its ${count} declared records`);
  checkNamesAndTotal(records);
  checkLayout(reader, records, offset);
  return records.map(({ flags: _flags, nameBytes: _nameBytes, ...entry }) => entry);
}

/**
 * Reads one entry's data, stored (0) or deflated (8), checking its limits, size and CRC-32.
 * A stored entry's data is a view into `bytes`.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const where = `entry "${entry.displayName}"`;
  const { method, compressedSize, uncompressedSize } = entry;
  if (entry.encrypted) throw new ZipError(`${where} is encrypted; archives must not be encrypted`);
  if (method !== 0 && method !== 8) {
    const known = METHOD_NAMES[method] === undefined ? '' : ` (${METHOD_NAMES[method]})`;
    throw new ZipError(`${where} uses compression method ${method}${known}; only 0 (stored) and 8 (deflate) are supported`);
  }
  if (uncompressedSize > ZIP_MAX_ENTRY_UNCOMPRESSED) {
    throw new ZipError(`${where} declares ${uncompressedSize} bytes uncompressed, over the limit of ${mib(ZIP_MAX_ENTRY_UNCOMPRESSED)}`);
  }
  if (uncompressedSize > ZIP_RATIO_MIN_SIZE && uncompressedSize > compressedSize * ZIP_MAX_RATIO) {
    throw new ZipError(
      `${where} looks like a zip bomb: ${compressedSize} bytes declared to expand to ${uncompressedSize} ` +
        `(over ${ZIP_MAX_RATIO} times)`,
    );
  }
  const { start, end } = locateData(new Reader(bytes), entry);
  const stored = bytes.subarray(start, end);
  const data = method === 0 ? stored : inflate(stored, uncompressedSize, where);
  if (data.byteLength !== uncompressedSize) {
    const verb = method === 0 ? 'holds' : 'inflates to';
    throw new ZipError(`${where} ${verb} ${data.byteLength} bytes, but the archive declares ${uncompressedSize}`);
  }
  const actual = crc32(data) >>> 0;
  if (actual !== entry.crc32) {
    throw new ZipError(`${where} fails its CRC-32 check: the archive declares ${hex32(entry.crc32)}, the data gives ${hex32(actual)}`);
  }
  return data;
}

/** Little-endian reads; callers check bounds first. */
class Reader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u16(at: number): number {
    return this.view.getUint16(at, true);
  }

  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
}

/** The end record: searched backwards, it must end exactly at the end of the file and be the only one that does. */
function findEndRecord(reader: Reader): number {
  const length = reader.bytes.byteLength;
  const found: number[] = [];
  let mismatched: number | undefined;
  for (let p = length - 22; p >= 0 && p >= length - ZIP_EOCD_SEARCH_BYTES; p--) {
    if (reader.bytes[p] !== 0x50 || reader.u32(p) !== END) continue;
    if (p + 22 + reader.u16(p + 20) === length) found.push(p);
    else mismatched ??= p;
  }
  if (found.length > 1) {
    throw new ZipError('the archive has two end of central directory records (one in the comment); refusing an ambiguous archive');
  }
  if (found[0] !== undefined) return found[0];
  if (mismatched !== undefined) {
    throw corrupt(`its end record (offset ${mismatched}) does not match the file's length: the archive is truncated or has data appended`);
  }
  throw corrupt('no end of central directory record: the archive is truncated or not a zip file');
}

function readCentralRecord(reader: Reader, p: number): CentralRecord {
  const [flags, method] = [reader.u16(p + 8), reader.u16(p + 10)];
  const [nameLength, extraLength] = [reader.u16(p + 28), reader.u16(p + 30)];
  const nameBytes = reader.bytes.subarray(p + 46, p + 46 + nameLength);
  const name = decodeName(nameBytes, flags);
  const record: CentralRecord = {
    name,
    displayName: safeText(name),
    method,
    compressedSize: reader.u32(p + 20),
    uncompressedSize: reader.u32(p + 24),
    crc32: reader.u32(p + 16),
    encrypted: (flags & (ENCRYPTED | STRONG_ENCRYPTION)) !== 0 || method === AES_METHOD,
    isDirectory: name.endsWith('/'),
    kind: entryKind(name, reader.u16(p + 4) >>> 8, reader.u32(p + 38)),
    localHeaderOffset: reader.u32(p + 42),
    unsafeName: isUnsafeName(name),
    flags,
    nameBytes,
  };
  const where = `entry "${record.displayName}"`;
  const extra = extraFields(reader.bytes.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
  const sizes = [record.compressedSize, record.uncompressedSize, record.localHeaderOffset];
  if (extra.has(ZIP64_EXTRA) || sizes.includes(0xffffffff)) throw new ZipError(`${where} ${ZIP64}`);
  if (reader.u16(p + 34) !== 0) {
    throw new ZipError(`${where} starts on another disk; split or spanned zips are not supported`);
  }
  // Info-ZIP's Unicode Path field (version, CRC-32 of the header name, UTF-8 name): some readers prefer it.
  const unicodePath = extra.get(UNICODE_PATH_EXTRA);
  const unicodeName = unicodePath && new TextDecoder('utf-8', { ignoreBOM: true }).decode(unicodePath.subarray(5));
  if (unicodePath && (unicodePath.byteLength < 5 || unicodeName !== name)) {
    throw new ZipError(`${where} carries a different name in its Unicode Path extra field; refusing an ambiguous archive`);
  }
  return record;
}

function checkNamesAndTotal(records: readonly CentralRecord[]): void {
  const names = new Set<string>();
  let total = 0;
  for (const record of records) {
    if (names.has(record.name)) {
      throw new ZipError(`the archive holds two entries named "${record.displayName}"; refusing an ambiguous archive`);
    }
    names.add(record.name);
    total += record.uncompressedSize;
  }
  if (total > ZIP_MAX_TOTAL_UNCOMPRESSED) {
    const largest = records.reduce((a, b) => (b.uncompressedSize > a.uncompressedSize ? b : a));
    throw new ZipError(
      `the archive's entries declare ${total} bytes uncompressed in total, ` +
        `over the limit of ${mib(ZIP_MAX_TOTAL_UNCOMPRESSED)} ` +
        `(largest: entry "${largest.displayName}", ${largest.uncompressedSize} bytes)`,
    );
  }
}

/**
 * Every byte before the central directory belongs to exactly one entry, in order, with no gaps
 * (where a streaming reader would find a hidden entry) and no overlaps; each local header agrees
 * with its central record, and each data descriptor with the central sizes.
 */
function checkLayout(reader: Reader, records: readonly CentralRecord[], directoryOffset: number): void {
  let at = 0;
  for (const record of [...records].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)) {
    const where = `entry "${record.displayName}"`;
    const h = record.localHeaderOffset;
    if (h < at) throw corrupt(`${where} overlaps the entry before it`);
    if (h > at) {
      const which = at === 0 ? 'the first' : 'an';
      throw corrupt(`${which} entry is preceded by ${h - at} bytes that belong to no entry (offset ${at})`);
    }
    const data = locateData(reader, record);
    const declared = [record.crc32, record.compressedSize, record.uncompressedSize].join();
    const descriptor = (record.flags & HAS_DESCRIPTOR) !== 0;
    const agrees =
      sameBytes(reader.bytes.subarray(h + 30, h + 30 + reader.u16(h + 26)), record.nameBytes) &&
      (reader.u16(h + 6) & MEANINGFUL_FLAGS) === (record.flags & MEANINGFUL_FLAGS) &&
      reader.u16(h + 8) === record.method &&
      (descriptor || [reader.u32(h + 14), reader.u32(h + 18), reader.u32(h + 22)].join() === declared);
    if (!agrees) {
      throw corrupt(`${where}: its local header disagrees with the central directory (name, flags, method or sizes)`);
    }
    at = data.end;
    if (descriptor) {
      const signed = at + 4 <= directoryOffset && reader.u32(at) === DESCRIPTOR; // the signature is optional
      const d = signed ? at + 4 : at;
      if (d + 12 > directoryOffset || [reader.u32(d), reader.u32(d + 4), reader.u32(d + 8)].join() !== declared) {
        throw corrupt(`${where}: its data descriptor is missing or disagrees with the central directory`);
      }
      at = d + 12;
    }
    if (at > directoryOffset) throw corrupt(`${where} runs into the central directory`);
  }
  if (at !== directoryOffset) throw corrupt(`${directoryOffset - at} bytes at offset ${at} belong to no entry`);
}

/** The range of an entry's (compressed) data, after its local header. */
function locateData(reader: Reader, entry: ZipEntry): { start: number; end: number } {
  const { byteLength } = reader.bytes;
  const p = entry.localHeaderOffset;
  const where = `entry "${entry.displayName}"`;
  if (p + 30 > byteLength || reader.u32(p) !== LOCAL) throw corrupt(`${where}: no local header at offset ${p}`);
  const start = p + 30 + reader.u16(p + 26) + reader.u16(p + 28);
  if (start > byteLength) {
    throw corrupt(`${where}: its local header's name and extra field run past the end of the file`);
  }
  const end = start + entry.compressedSize;
  if (end > byteLength) throw corrupt(`${where}: its data runs past the end of the file`);
  return { start, end };
}

/** Inflates, never producing more than `declared` bytes: a lying header fails here, not by exhausting memory. */
function inflate(compressed: Uint8Array, declared: number, where: string): Uint8Array {
  let result: { buffer: Uint8Array; engine: { bytesWritten: number } };
  try {
    // `info: true` also returns the engine, whose bytesWritten counts the compressed bytes consumed.
    const options = { maxOutputLength: Math.max(1, declared), info: true };
    result = inflateRawSync(compressed, options) as unknown as typeof result;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ZipError(`${where} inflates to more than the ${declared} bytes the archive declares`);
    }
    throw new ZipError(`${where} has corrupt compressed data (${message ?? String(error)})`);
  }
  const unread = compressed.byteLength - result.engine.bytesWritten;
  if (unread !== 0) throw new ZipError(`${where} has ${unread} bytes after the end of its compressed data`);
  return result.buffer;
}

/** Extra fields by id; a malformed list counts as corruption. */
function extraFields(extra: Uint8Array): Map<number, Uint8Array> {
  const fields = new Map<number, Uint8Array>();
  for (let p = 0; p < extra.byteLength;) {
    const length = p + 4 > extra.byteLength ? Infinity : (extra[p + 2] ?? 0) | ((extra[p + 3] ?? 0) << 8);
    if (p + 4 + length > extra.byteLength) throw corrupt('an extra field is truncated');
    fields.set((extra[p] ?? 0) | ((extra[p + 1] ?? 0) << 8), extra.subarray(p + 4, p + 4 + length));
    p += 4 + length;
  }
  return fields;
}

function decodeName(bytes: Uint8Array, flags: number): string {
  const cp437 = Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH.charAt(b - 0x80)));
  if ((flags & UTF8_NAME) === 0) return cp437.join('');
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ZipError(`an entry name flagged as UTF-8 is not valid UTF-8 (as CP437: "${safeText(cp437.join(''))}")`);
  }
}

function isUnsafeName(name: string): boolean {
  const absolute = name.startsWith('/') || /^[A-Za-z]:/.test(name);
  return name === '' || absolute || name.includes('\\') || hasUnshowableChars(name) || name.split('/').includes('..');
}

/** Hosts whose external attributes carry a Unix mode in their upper 16 bits: Unix, and OS X. */
const UNIX_HOSTS = new Set([3, 19]);
const [S_IFMT, S_IFREG, S_IFDIR, S_IFLNK] = [0o170000, 0o100000, 0o040000, 0o120000];
const MSDOS_DIRECTORY = 0x10;

function entryKind(name: string, host: number, external: number): EntryKind {
  const named = name.endsWith('/') ? 'directory' : 'file';
  const mode = UNIX_HOSTS.has(host) ? (external >>> 16) & S_IFMT : 0;
  const given =
    mode === 0
      ? (external & MSDOS_DIRECTORY) !== 0
        ? 'directory'
        : named
      : mode === S_IFREG
        ? 'file'
        : mode === S_IFDIR
          ? 'directory'
          : mode === S_IFLNK
            ? 'symlink'
            : 'other';
  if (given === 'symlink' || given === 'other') return given;
  return given === named ? given : 'other';
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

function corrupt(what: string): ZipError {
  return new ZipError(`the archive is corrupt: ${what}`);
}

function hex32(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
}
