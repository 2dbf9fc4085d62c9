/**
 * A tiny zip writer for tests: normal archives, and hostile ones through overrides that make
 * the headers lie. Writes local headers, data, the central directory and the end record.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  data: Uint8Array | string;
  /** 0 stores, 8 deflates; any other method number writes `data` (or `compressed`) as it is. Default: 8, or 0 for empty data. */
  method?: number;
  /** Sizes and CRC written in both headers instead of the true ones. */
  declaredUncompressedSize?: number;
  declaredCompressedSize?: number;
  crc32?: number;
  /** Sets the encryption flag (the data is not actually encrypted). */
  encrypted?: boolean;
  /** Sets flag bit 11 and writes the name as UTF-8; else the name is written as latin1. Default: whether the name is non-ASCII. */
  utf8Name?: boolean;
  /** The exact name bytes, in both headers. */
  nameBytes?: Uint8Array;
  /** A different name in the local header only. */
  localName?: string;
  /** The central directory record's extra field (see extraField). */
  extra?: Uint8Array;
  /** Sets flag bit 3: zero sizes in the local header, a signed data descriptor after the data. */
  dataDescriptor?: boolean;
  /** The bytes written as compressed data, instead of compressing `data`. */
  compressed?: Uint8Array;
  /** Junk bytes written before this entry's local header. */
  paddingBefore?: number;
  /** The local header offset written in the central directory, instead of the true one. */
  localHeaderOffset?: number;
  /**
   * A Unix mode (type and permissions, e.g. 0o120777 for a symbolic link) written in the upper 16
   * bits of the external attributes, as Info-ZIP does. Default: none (only the MS-DOS folder bit).
   */
  unixMode?: number;
}

export interface ZipOptions {
  comment?: string | Uint8Array;
  /** End record overrides. */
  entryCount?: number;
  disk?: number;
  centralDirectoryOffset?: number;
}

const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

export function makeZip(entries: ZipEntrySpec[], opts: ZipOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const push = (bytes: Uint8Array): void => {
    chunks.push(bytes);
    offset += bytes.byteLength;
  };

  for (const e of entries) {
    if (e.paddingBefore) push(new Uint8Array(e.paddingBefore).fill(0x20));
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const method = e.method ?? (data.byteLength === 0 ? 0 : 8);
    const body = e.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = e.crc32 ?? crc32(data);
    const size = e.declaredUncompressedSize ?? data.byteLength;
    const compressedSize = e.declaredCompressedSize ?? body.byteLength;
    const utf8 = e.utf8Name ?? /[^\x20-\x7e]/.test(e.name);
    const name = e.nameBytes ?? Buffer.from(e.name, utf8 ? 'utf8' : 'latin1');
    const localName = e.localName === undefined ? name : Buffer.from(e.localName, utf8 ? 'utf8' : 'latin1');
    const flags = (e.encrypted ? 0x1 : 0) | (e.dataDescriptor ? 0x8 : 0) | (utf8 ? 0x800 : 0);
    const localOffset = offset;

    const [local, l] = record(30 + localName.byteLength);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, flags, true);
    l.setUint16(8, method, true);
    l.setUint16(12, DOS_DATE, true);
    if (!e.dataDescriptor) {
      l.setUint32(14, crc, true);
      l.setUint32(18, compressedSize, true);
      l.setUint32(22, size, true);
    }
    l.setUint16(26, localName.byteLength, true);
    local.set(localName, 30);
    push(local);
    push(body);
    if (e.dataDescriptor) {
      const [descriptor, d] = record(16);
      [0x08074b50, crc, compressedSize, size].forEach((value, i) => d.setUint32(i * 4, value, true));
      push(descriptor);
    }

    const extra = e.extra ?? new Uint8Array(0);
    const [c, v] = record(46 + name.byteLength + extra.byteLength);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, (3 << 8) | 20, true); // made by Unix, version 2.0
    v.setUint16(6, 20, true);
    v.setUint16(8, flags, true);
    v.setUint16(10, method, true);
    v.setUint16(14, DOS_DATE, true);
    v.setUint32(16, crc, true);
    v.setUint32(20, compressedSize, true);
    v.setUint32(24, size, true);
    v.setUint16(28, name.byteLength, true);
    v.setUint16(30, extra.byteLength, true);
    // The Unix mode, if any, then the MS-DOS directory attribute.
    v.setUint32(38, (((e.unixMode ?? 0) << 16) | (e.name.endsWith('/') ? 0x10 : 0)) >>> 0, true);
    v.setUint32(42, e.localHeaderOffset ?? localOffset, true);
    c.set(name, 46);
    c.set(extra, 46 + name.byteLength);
    central.push(c);
  }

  const directoryOffset = offset;
  central.forEach(push);
  const comment = typeof opts.comment === 'string' ? Buffer.from(opts.comment, 'utf8') : (opts.comment ?? new Uint8Array(0));
  const [end, v] = record(22 + comment.byteLength);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(4, opts.disk ?? 0, true);
  v.setUint16(6, opts.disk ?? 0, true);
  v.setUint16(8, opts.entryCount ?? entries.length, true);
  v.setUint16(10, opts.entryCount ?? entries.length, true);
  v.setUint32(12, offset - directoryOffset, true);
  v.setUint32(16, opts.centralDirectoryOffset ?? directoryOffset, true);
  v.setUint16(20, comment.byteLength, true);
  end.set(comment, 22);
  push(end);
  const zip = new Uint8Array(offset); // a plain Uint8Array: a Buffer's slice() would be a view
  let at = 0;
  for (const chunk of chunks) {
    zip.set(chunk, at);
    at += chunk.byteLength;
  }
  return zip;
}

/** One extra field: id, length, data. */
export function extraField(id: number, data: Uint8Array): Uint8Array {
  const [field, v] = record(4 + data.byteLength);
  v.setUint16(0, id, true);
  v.setUint16(2, data.byteLength, true);
  field.set(data, 4);
  return field;
}

function record(size: number): [Uint8Array, DataView] {
  const bytes = new Uint8Array(size);
  return [bytes, new DataView(bytes.buffer)];
}
