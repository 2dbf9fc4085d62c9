/** Locating, reading and recognising the output file: pure modules on real files in a temp dir. */
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOutputIn } from '../../src/github/artifact-files.ts';
import { ChecksumMismatchError, sha256Hex } from '../../src/file/checksum.ts';
import { OutputFileError, MAX_FILE_BYTES, parseOutputFile, readFileOnce } from '../../src/file/output-file.ts';
import { LocateError, locateFile } from '../../src/file/locate.ts';
import { fixtureText, sha256 } from '../helpers/e2e.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const onchain = fixtureText('onchain-sign-output.json');

function dir(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'dfns-files-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
};

describe('locateFile', () => {
  it('resolves a relative path, an absolute path and a glob matching one file', () => {
    const root = dir({ 'a/out.json': onchain, 'b/notes.txt': 'x' });
    expect(locateFile('a/out.json', root)).toEqual({ path: join(root, 'a/out.json'), displayPath: 'a/out.json' });
    expect(locateFile(join(root, 'a/out.json'), '/elsewhere').displayPath).toBe(join(root, 'a/out.json'));
    expect(locateFile('**/*.json', root).displayPath).toBe('a/out.json');
  });

  it('names what was searched, and lists at most 20 matches', () => {
    const files = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`m/${String(i).padStart(2, '0')}.json`, '{}']));
    const root = dir(files);
    const several = thrown(() => locateFile('m/*.json', root, 'the artifact "x"'));
    expect(several).toBeInstanceOf(LocateError);
    expect(several.message).toMatch(
      /^the glob "m\/\*\.json" matches 25 files in the artifact "x" \(.+\); it must match exactly one\. Matches: "m\/00\.json", .*"m\/19\.json" and 5 more$/,
    );
    expect(thrown(() => locateFile('/no/such/file.json', root)).message).toBe(
      'no file at "/no/such/file.json": searched /no/such/file.json',
    );
    expect(thrown(() => locateFile('m/*.yaml', root)).message).toMatch(/^no file matches the glob "m\/\*\.yaml": searched the workspace/);
  });
});

describe('readFileOnce', () => {
  it('refuses an empty file and a file over the cap', () => {
    const root = dir({ 'empty.json': '', 'big.json': '' });
    // Sparse: the size is what is refused, not the bytes.
    truncateSync(join(root, 'big.json'), MAX_FILE_BYTES + 1);
    expect(thrown(() => readFileOnce(join(root, 'empty.json'), 'empty.json')).message).toBe('empty.json: the file is empty');
    expect(thrown(() => readFileOnce(join(root, 'big.json'), 'big.json')).message).toBe(
      'big.json: the file is 64.0 MiB, over the limit of 64 MiB for an output',
    );
  });
});

describe('parseOutputFile', () => {
  it('keeps the text as the file has it, less JSON white space at the ends only', () => {
    const padded = `\n\t ${onchain.trim()} \r\n`;
    expect(parseOutputFile(Buffer.from(padded), 'o.json').jsonText).toBe(onchain.trim());
    // U+00A0 is not JSON white space: a strict parser refuses it, so must we.
    expect(thrown(() => parseOutputFile(Buffer.from(`${onchain.trim()}\u00a0`), 'o.json'))).toBeInstanceOf(OutputFileError);
  });

  it('reports line numbers of the file itself, leading blank lines included', () => {
    const text = `\n\n${onchain.replace('"version": 1,', '"version": 1')}`;
    expect(thrown(() => parseOutputFile(Buffer.from(text), 'o.json')).message).toMatch(/^o\.json: invalid JSON at line 6, column 3/);
  });

  it('refuses archives with unsafe entry names, listing them escaped', () => {
    const zip = makeZip([
      { name: '../evil.json', data: onchain },
      { name: 'ok\u001b[2J.json', data: '{}' },
    ]);
    expect(thrown(() => parseOutputFile(zip, 'o.zip')).message).toBe(
      'o.zip: the archive holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): ' +
        '"../evil.json", "ok\\x1B[2J.json"; refusing it',
    );
  });

  it('refuses symbolic links, other file types and folder entries with data, by their external attributes', () => {
    const zip = makeZip([
      { name: 'out.json', data: onchain, unixMode: 0o100644 },
      { name: 'link.json', data: '/etc/passwd', unixMode: 0o120777 },
      { name: 'fifo', data: '', unixMode: 0o010644 },
      { name: 'dir/', data: 'x', unixMode: 0o040755 },
      { name: 'not-a-dir', data: '', unixMode: 0o040755 },
    ]);
    expect(thrown(() => parseOutputFile(zip, 'o.zip')).message).toBe(
      'o.zip: the archive holds symbolic links: "link.json"; ' +
        'entries that are not regular files (by their external attributes: devices, pipes, sockets): "fifo", "not-a-dir"; ' +
        'folder entries that hold data: "dir/"; refusing it',
    );
  });

  it('takes regular files and empty folders, by Unix mode or by MS-DOS attributes', () => {
    const zip = makeZip([
      { name: 'out/', data: '', unixMode: 0o040755 },
      { name: 'out/out.json', data: onchain, unixMode: 0o100644 },
      { name: 'notes/', data: '' },
    ]);
    expect(parseOutputFile(zip, 'o.zip').entryName).toBe('out/out.json');
  });

  it('names a zip error once, with the archive name', () => {
    const zip = makeZip([{ name: 'out.json', data: onchain, encrypted: true }]);
    expect(thrown(() => parseOutputFile(zip, 'o.zip')).message).toBe(
      'o.zip: entry "out.json" is encrypted; archives must not be encrypted',
    );
  });

  it('ignores macOS metadata entries when looking for the output', () => {
    const zip = makeZip([
      { name: '__MACOSX/._out.json', data: 'junk' },
      { name: 'out.json', data: onchain },
    ]);
    expect(parseOutputFile(zip, 'o.zip').entryName).toBe('out.json');
  });
});

describe('findOutputIn (an artifact without "path")', () => {
  it('finds a zip archive by its leading bytes whatever its name', () => {
    const archive = makeZip([{ name: 'o.json', data: onchain }]);
    const root = dir({ 'fleet-output.bin': archive, 'readme.md': '# x' });
    const { located, file } = findOutputIn(root, 'the artifact "a"');
    expect(located.displayPath).toBe('fleet-output.bin');
    expect(file.shape).toBe('archive');
    expect(sha256Hex(file.bytes)).toBe(sha256(archive));
  });

  it('lists what the artifact contains when it holds nothing usable', () => {
    const root = dir({});
    expect(thrown(() => findOutputIn(root, 'the artifact "a"')).message).toBe(
      'the artifact "a" holds no output (a .json keystore-output or fleet-output document, or a zip archive holding one). It contains: (no files)',
    );
  });
});

describe('ChecksumMismatchError', () => {
  it('says both checksums and that nothing was submitted', () => {
    expect(new ChecksumMismatchError('o.json', 'a'.repeat(64), 'b'.repeat(64)).message).toBe(
      `o.json: SHA-256 checksum mismatch: expected ${'a'.repeat(64)} ("expected-checksum"), the file has ${'b'.repeat(64)}. ` +
        'The file is not the one that was reviewed',
    );
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
