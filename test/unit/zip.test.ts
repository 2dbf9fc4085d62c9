import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  isZip,
  listZip,
  readZipEntry,
  ZIP_MAX_ENTRIES,
  ZIP_MAX_ENTRY_UNCOMPRESSED,
  ZIP_MAX_TOTAL_UNCOMPRESSED,
  ZipError,
  type ZipEntry,
} from '../../src/file/zip.ts';
import { extraField, makeZip, type ZipEntrySpec } from '../helpers/zip-writer.ts';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const MiB = 1024 * 1024;

/** The ZipError thrown by `fn`, by message. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ZipError);
    return (error as Error).message;
  }
  throw new Error('expected a ZipError');
}
const listRefusal = (zip: Uint8Array): string => refusal(() => listZip(zip));
/** Lists a one-entry archive and reads the entry. */
const readOnly = (spec: ZipEntrySpec): Uint8Array => {
  const zip = makeZip([spec]);
  return readZipEntry(zip, listZip(zip)[0]!);
};
const readRefusal = (spec: ZipEntrySpec): string => refusal(() => readOnly(spec));

/**
 * Raw deflate of `size` zeros without compressing (or holding) `size` bytes: one MiB of zeros
 * compressed once, in blocks flushed in full (they end on a byte and refer to nothing before
 * them), repeated, then the rest in the final block. Inflated, it is `size` zeros.
 */
function deflatedZeros(size: number): Uint8Array {
  const whole = Math.floor(size / MiB);
  const mib = deflateRawSync(new Uint8Array(MiB), { finishFlush: constants.Z_FULL_FLUSH });
  const last = deflateRawSync(new Uint8Array(size - whole * MiB));
  return Buffer.concat([...Array.from({ length: whole }, () => mib), last]);
}

/** The CRC-32 of `size` zeros, a MiB at a time. */
function crc32OfZeros(size: number): number {
  const mib = new Uint8Array(MiB);
  let crc = 0;
  for (let left = size; left > 0; left -= MiB) crc = crc32(left >= MiB ? mib : mib.subarray(0, left), crc);
  return crc;
}
/** Sets a little-endian 16-bit value, in a copy. */
const patched = (zip: Uint8Array, at: number, value: number): Uint8Array => {
  const copy = zip.slice();
  new DataView(copy.buffer).setUint16(at, value, true);
  return copy;
};

describe('isZip', () => {
  it('recognises a local header or an empty archive by the leading bytes', () => {
    expect(isZip(makeZip([{ name: 'a.json', data: '{}' }]))).toBe(true);
    expect(isZip(makeZip([]))).toBe(true);
    expect(isZip(new TextEncoder().encode('{"type":"keystore-output"}'))).toBe(false);
    expect(isZip(new Uint8Array([0x50, 0x4b, 0x03]))).toBe(false);
    expect(isZip(new Uint8Array([0x50, 0x4b, 0x07, 0x08]))).toBe(false);
  });
});

describe('listZip and readZipEntry on a normal archive', () => {
  const json = JSON.stringify({ type: 'keystore-output', outputs: { a: 'x'.repeat(5000) } });
  const zip = makeZip(
    [
      { name: 'out/', data: '' },
      { name: 'out/keystore.json', data: json, method: 8 },
      { name: 'README.txt', data: 'read me', method: 0 },
      { name: 'Grüße/ü.json', data: '{}' },
      { name: 'streamed.json', data: '[1]', dataDescriptor: true },
    ],
    { comment: 'made by a test' },
  );

  it('lists entries from the central directory', () => {
    const entries = listZip(zip);
    expect(entries.map((e) => [e.name, e.method, e.isDirectory, e.unsafeName, e.encrypted])).toEqual([
      ['out/', 0, true, false, false],
      ['out/keystore.json', 8, false, false, false],
      ['README.txt', 0, false, false, false],
      ['Grüße/ü.json', 8, false, false, false],
      ['streamed.json', 8, false, false, false],
    ]);
    const entry = entries[1]!;
    expect(entry.uncompressedSize).toBe(json.length);
    expect(entry.compressedSize).toBeLessThan(json.length);
    expect(entry.localHeaderOffset).toBe(30 + 'out/'.length);
    expect(entry.displayName).toBe('out/keystore.json');
  });

  it('reads stored, deflated and data-descriptor entries', () => {
    const entries = listZip(zip);
    expect(entries.map((e) => text(readZipEntry(zip, e)))).toEqual(['', json, 'read me', '{}', '[1]']);
  });

  it('reads an empty archive as no entries', () => {
    expect(listZip(makeZip([]))).toEqual([]);
  });

  it('decodes names as UTF-8 when flagged, else as CP437', () => {
    const cp437 = makeZip([{ name: 'x', nameBytes: new Uint8Array([0x82, 0x81, 0xe1, 0x2e, 0x6a]), data: '' }]);
    expect(listZip(cp437)[0]!.name).toBe('éüß.j');
    const utf8 = makeZip([{ name: 'é€.json', data: '' }]);
    expect(listZip(utf8)[0]!.name).toBe('é€.json');
  });

  it('refuses a name flagged as UTF-8 that is not', () => {
    const zip = makeZip([{ name: 'x', utf8Name: true, nameBytes: new Uint8Array([0x61, 0xc3, 0x28]), data: '' }]);
    expect(listRefusal(zip)).toBe('an entry name flagged as UTF-8 is not valid UTF-8 (as CP437: "a├(")');
  });

  it('flags unsafe names, and shows them escaped', () => {
    const names = ['/etc/passwd', 'C:/x.json', 'c:x', '../x.json', 'a/../../x', 'a/..', 'a\\b.json', 'a\x00.json', 'a\nb', ''];
    const safe = ['a..b/c.json', 'dir/', './x.json', '...', 'ok/…/x'];
    const entries = listZip(makeZip([...names, ...safe].map((name) => ({ name, data: '' }))));
    expect(entries.filter((e) => e.unsafeName).map((e) => e.name)).toEqual(names);
    expect(entries.find((e) => e.name === 'a\nb')!.displayName).toBe('a\\x0Ab');
  });
});

describe('limits', () => {
  it(`refuses more than ${ZIP_MAX_ENTRIES} entries`, () => {
    const entries = Array.from({ length: ZIP_MAX_ENTRIES + 1 }, (_, i) => ({ name: `f${i}`, data: '' }));
    expect(listRefusal(makeZip(entries))).toBe('the archive has 1001 entries, over the limit of 1000');
    expect(listZip(makeZip(entries.slice(1)))).toHaveLength(ZIP_MAX_ENTRIES);
  });

  it('refuses a declared total uncompressed size over the limit', () => {
    const size = ZIP_MAX_TOTAL_UNCOMPRESSED / 4 + 1;
    const entries = ['a', 'b', 'c', 'd'].map((name) => ({ name, data: '', method: 0, declaredUncompressedSize: size }));
    expect(listRefusal(makeZip(entries))).toBe(
      "the archive's entries declare 268435460 bytes uncompressed in total, over the limit of 256 MiB " +
        '(largest: entry "a", 67108865 bytes)',
    );
  });

  it('refuses an entry declaring more than the per-entry limit', () => {
    expect(readRefusal({ name: 'big.json', data: 'x', method: 0, declaredUncompressedSize: ZIP_MAX_ENTRY_UNCOMPRESSED + 1 })).toBe(
      'entry "big.json" declares 67108865 bytes uncompressed, over the limit of 64 MiB',
    );
  });

  it('refuses a real zip bomb (64 MiB + 1 of zeros, deflated) before inflating it', () => {
    // The construction, at 3 MiB + 1: it inflates to as many bytes, with the CRC-32 of as many zeros.
    const small = inflateRawSync(deflatedZeros(3 * MiB + 1));
    expect({ length: small.byteLength, crc: crc32(small) }).toEqual({ length: 3 * MiB + 1, crc: crc32OfZeros(3 * MiB + 1) });
    const size = ZIP_MAX_ENTRY_UNCOMPRESSED + 1;
    const zip = makeZip([
      {
        name: 'bomb.json',
        data: '',
        method: 8,
        compressed: deflatedZeros(size),
        crc32: crc32OfZeros(size),
        declaredUncompressedSize: size,
      },
    ]);
    expect(zip.byteLength).toBeLessThan(200_000);
    expect(refusal(() => readZipEntry(zip, listZip(zip)[0]!))).toBe(
      'entry "bomb.json" declares 67108865 bytes uncompressed, over the limit of 64 MiB',
    );
  });

  it('refuses a compression ratio over the limit for entries over 1 MiB', () => {
    // One byte over 1 MiB is enough: the ratio is checked, and zeros deflate a thousandfold.
    expect(readRefusal({ name: 'zeros.json', data: new Uint8Array(MiB + 1) })).toMatch(
      /^entry "zeros\.json" looks like a zip bomb: \d+ bytes declared to expand to 1048577 \(over 200 times\)$/,
    );
    // At 1 MiB the ratio is not checked: a small, highly compressible output is fine.
    expect(readOnly({ name: 'zeros.json', data: new Uint8Array(MiB) })).toHaveLength(MiB);
  });

  it('stops an entry inflating to more than declared at the declared size, not after inflating it', () => {
    // 64 KiB of zeros, then bytes that are no deflate block: only a reader that inflates past
    // the declared size reaches them.
    const compressed = Buffer.concat([
      deflateRawSync(new Uint8Array(64 * 1024), { finishFlush: constants.Z_FULL_FLUSH }),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
    ]);
    const spec = { name: 'liar.json', data: '', method: 8, compressed, declaredUncompressedSize: 1000 };
    expect(readRefusal(spec)).toBe('entry "liar.json" inflates to more than the 1000 bytes the archive declares');
    expect(readRefusal({ ...spec, declaredUncompressedSize: 0 })).toBe(
      'entry "liar.json" inflates to more than the 0 bytes the archive declares',
    );
    expect(readRefusal({ ...spec, declaredUncompressedSize: 65 * 1024 })).toBe(
      'entry "liar.json" has corrupt compressed data (invalid block type)',
    );
  });

  it('refuses an entry inflating to less than declared', () => {
    expect(readRefusal({ name: 'short.json', data: 'hello', declaredUncompressedSize: 10 })).toBe(
      'entry "short.json" inflates to 5 bytes, but the archive declares 10',
    );
    expect(readRefusal({ name: 'stored.json', data: 'hello', method: 0, declaredUncompressedSize: 10 })).toBe(
      'entry "stored.json" holds 5 bytes, but the archive declares 10',
    );
  });
});

describe('refused entries', () => {
  it('refuses encrypted entries', () => {
    expect(readRefusal({ name: 'secret.json', data: '{}', encrypted: true })).toBe(
      'entry "secret.json" is encrypted; archives must not be encrypted',
    );
    expect(listZip(makeZip([{ name: 'aes.json', data: '{}', method: 99 }]))[0]!.encrypted).toBe(true);
  });

  it('refuses compression methods other than stored and deflate, naming the method', () => {
    expect(readRefusal({ name: 'x.json', data: 'x', method: 14 })).toBe(
      'entry "x.json" uses compression method 14 (LZMA); only 0 (stored) and 8 (deflate) are supported',
    );
    expect(readRefusal({ name: 'x.json', data: 'x', method: 77 })).toBe(
      'entry "x.json" uses compression method 77; only 0 (stored) and 8 (deflate) are supported',
    );
  });

  it('refuses a CRC-32 mismatch', () => {
    expect(readRefusal({ name: 'x.json', data: '{}', crc32: 0x12345678 })).toBe(
      'entry "x.json" fails its CRC-32 check: the archive declares 0x12345678, the data gives 0xA3A6BF43',
    );
  });

  it('refuses corrupt deflate data, and data after the end of the deflate stream', () => {
    const compressed = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    expect(readRefusal({ name: 'x.json', data: 'x', compressed })).toMatch(/^entry "x\.json" has corrupt compressed data \(.+\)$/);
    const truncated = deflateRawSync(Buffer.from('x'.repeat(100) + 'y'.repeat(100))).subarray(0, 5);
    expect(readRefusal({ name: 'x.json', data: 'x', compressed: truncated, declaredUncompressedSize: 200 })).toBe(
      'entry "x.json" has corrupt compressed data (unexpected end of file)',
    );
    const trailing = Buffer.concat([deflateRawSync(Buffer.from('{}')), Buffer.from('hidden')]);
    expect(readRefusal({ name: 'x.json', data: '{}', compressed: trailing })).toBe(
      'entry "x.json" has 6 bytes after the end of its compressed data',
    );
  });

  it('names a hostile entry safely', () => {
    expect(readRefusal({ name: 'evil\u202e\x1b[2J.json', data: 'x', encrypted: true })).toBe(
      'entry "evil\\u202E\\x1B[2J.json" is encrypted; archives must not be encrypted',
    );
  });
});

describe('unsupported archive kinds', () => {
  const one = [{ name: 'a.json', data: '{}' }];

  it('refuses ZIP64, by sizes, entry count or extra field', () => {
    const zip64 = 'the archive uses ZIP64, which is not supported (outputs are far below 4 GiB)';
    expect(listRefusal(makeZip(one, { entryCount: 0xffff }))).toBe(zip64);
    expect(listRefusal(makeZip(one, { centralDirectoryOffset: 0xffffffff }))).toBe(zip64);
    expect(listRefusal(makeZip([{ ...one[0]!, declaredUncompressedSize: 0xffffffff }]))).toBe(
      'entry "a.json" uses ZIP64, which is not supported (outputs are far below 4 GiB)',
    );
    expect(listRefusal(makeZip([{ ...one[0]!, extra: extraField(0x0001, new Uint8Array(8)) }]))).toBe(
      'entry "a.json" uses ZIP64, which is not supported (outputs are far below 4 GiB)',
    );
  });

  it('refuses multi-disk archives', () => {
    expect(listRefusal(makeZip(one, { disk: 1 }))).toBe('the archive spans several disks (a split or spanned zip), which is not supported');
  });
});

describe('truncated and corrupt archives', () => {
  const zip = makeZip([
    { name: 'a.json', data: '{"a":1}' },
    { name: 'b.json', data: '{"b":2}' },
  ]);
  const second = listZip(zip)[1]!.localHeaderOffset;

  it('refuses an archive without an end record', () => {
    expect(listRefusal(zip.subarray(0, zip.byteLength - 10))).toBe(
      'the archive is corrupt: no end of central directory record: the archive is truncated or not a zip file',
    );
    expect(listRefusal(new Uint8Array(0))).toMatch(/no end of central directory record/);
  });

  it('refuses data appended after the end record', () => {
    const appended = Buffer.concat([zip, Buffer.from('junk')]);
    expect(listRefusal(appended)).toBe(
      `the archive is corrupt: its end record (offset ${zip.byteLength - 22}) does not match the file's length: ` +
        'the archive is truncated or has data appended',
    );
  });

  it('refuses a central directory out of bounds', () => {
    expect(listRefusal(makeZip([{ name: 'a', data: 'x' }], { centralDirectoryOffset: 1_000_000 }))).toMatch(
      /^the archive is corrupt: the central directory \(\d+ bytes at offset 1000000\) does not end where the end record starts \(offset \d+\)$/,
    );
  });

  it('refuses a central directory with fewer records than declared', () => {
    expect(listRefusal(makeZip([{ name: 'a', data: 'x' }], { entryCount: 2 }))).toMatch(
      /^the archive is corrupt: central directory record 2 of 2 at offset \d+ is invalid$/,
    );
  });

  it('refuses a local header signature mismatch', () => {
    const broken = zip.slice();
    broken[second] = 0x51;
    expect(listRefusal(broken)).toBe(`the archive is corrupt: entry "b.json": no local header at offset ${second}`);
    expect(refusal(() => readZipEntry(broken, listZip(zip)[1]!))).toBe(
      `the archive is corrupt: entry "b.json": no local header at offset ${second}`,
    );
  });

  it('refuses a local header name length pointing outside the file', () => {
    expect(listRefusal(patched(zip, second + 26, 0xffff))).toBe(
      'the archive is corrupt: entry "b.json": its local header\'s name and extra field run past the end of the file',
    );
  });

  it('refuses an entry whose data runs past the end of the file', () => {
    const entry: ZipEntry = { ...listZip(zip)[1]!, compressedSize: 1_000_000 };
    expect(refusal(() => readZipEntry(zip, entry))).toBe('the archive is corrupt: entry "b.json": its data runs past the end of the file');
  });
});

describe('archives that could mean two things', () => {
  it('refuses two entries with the same name', () => {
    const zip = makeZip([
      { name: 'out.json', data: '{"a":1}' },
      { name: 'out.json', data: '{"a":2}' },
    ]);
    expect(listRefusal(zip)).toBe('the archive holds two entries named "out.json"; refusing an ambiguous archive');
  });

  it('refuses a local header naming the entry differently from the central directory', () => {
    expect(listRefusal(makeZip([{ name: 'a.json', localName: 'b.json', data: '{}' }]))).toBe(
      'the archive is corrupt: entry "a.json": its local header disagrees with the central directory (name, flags, method or sizes)',
    );
  });

  it('refuses a Unicode Path extra field carrying another name', () => {
    const other = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), Buffer.from('other.json')]);
    const same = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), Buffer.from('a.json')]);
    expect(listRefusal(makeZip([{ name: 'a.json', data: '{}', extra: extraField(0x7075, other) }]))).toBe(
      'entry "a.json" carries a different name in its Unicode Path extra field; refusing an ambiguous archive',
    );
    expect(listZip(makeZip([{ name: 'a.json', data: '{}', extra: extraField(0x7075, same) }]))).toHaveLength(1);
  });

  it('refuses bytes that belong to no entry (a hidden entry for streaming readers)', () => {
    const hidden = makeZip([
      { name: 'a.json', data: '{}' },
      { name: 'b.json', data: '{}', paddingBefore: 7 },
    ]);
    expect(listRefusal(hidden)).toMatch(/^the archive is corrupt: an entry is preceded by 7 bytes that belong to no entry \(offset \d+\)$/);
  });

  it('refuses two entries sharing the same data', () => {
    const zip = makeZip([
      { name: 'a.json', data: '{}' },
      { name: 'b.json', data: '{}', localHeaderOffset: 0 },
    ]);
    expect(listRefusal(zip)).toBe('the archive is corrupt: entry "b.json" overlaps the entry before it');
  });

  it('refuses a comment hiding a second end record', () => {
    const inner = makeZip([]); // a complete 22-byte end record, comment length 0
    const zip = makeZip([{ name: 'a.json', data: '{}' }], { comment: inner });
    expect(listRefusal(zip)).toBe(
      'the archive has two end of central directory records (one in the comment); refusing an ambiguous archive',
    );
  });

  it('accepts a comment merely containing the signature', () => {
    const zip = makeZip([{ name: 'a.json', data: '{}' }], { comment: 'PK\x05\x06 is the signature' });
    expect(listZip(zip)).toHaveLength(1);
  });

  it('refuses a data descriptor that disagrees with the central directory', () => {
    const zip = makeZip([{ name: 'a.json', data: '{}', dataDescriptor: true }]);
    const broken = zip.slice();
    const descriptor = 30 + 'a.json'.length + listZip(zip)[0]!.compressedSize;
    broken[descriptor + 4] = broken[descriptor + 4]! ^ 0xff; // the CRC-32, after the signature
    expect(listRefusal(broken)).toBe(
      'the archive is corrupt: entry "a.json": its data descriptor is missing or disagrees with the central directory',
    );
  });
});

const python = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('interoperability with Python zipfile', () => {
  it.skipIf(!python)("reads python's archives, and python reads ours", () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
    try {
      const script = [
        'import sys, zipfile',
        "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
        "    z.writestr('out/', '')",
        '    z.writestr(\'out/keystore.json\', \'{"type": "keystore-output"}\' * 50, compress_type=zipfile.ZIP_DEFLATED)',
        "    z.writestr('Grüße.txt', 'stored', compress_type=zipfile.ZIP_STORED)",
        'z = zipfile.ZipFile(sys.argv[2])',
        'assert z.testzip() is None',
        "print('|'.join(i.filename + '=' + z.read(i).decode() for i in z.infolist()))",
      ].join('\n');
      const theirs = join(dir, 'python.zip');
      const ours = join(dir, 'ours.zip');
      writeFileSync(
        ours,
        makeZip([
          { name: 'a.json', data: '{"a":1}' },
          { name: 'é/', data: '' },
          { name: 'b', data: 'bb', method: 0 },
        ]),
      );
      const printed = execFileSync('python3', ['-c', script, theirs, ours], { encoding: 'utf8' });
      expect(printed.trim()).toBe('a.json={"a":1}|é/=|b=bb');

      const zip = readFileSync(theirs);
      const entries = listZip(zip);
      expect(entries.map((e) => [e.name, e.method, e.isDirectory])).toEqual([
        ['out/', 0, true],
        ['out/keystore.json', 8, false],
        ['Grüße.txt', 0, false],
      ]);
      expect(text(readZipEntry(zip, entries[1]!))).toBe('{"type": "keystore-output"}'.repeat(50));
      expect(text(readZipEntry(zip, entries[2]!))).toBe('stored');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
