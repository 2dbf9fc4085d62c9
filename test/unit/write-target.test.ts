/**
 * The files a run writes (file/write-target.ts): the check before any call does what the write
 * will do and always ends; the write never replaces what the run did not write.
 */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSameFile, prepareTarget, TargetError, writeTarget, type TargetRules } from '../../src/file/write-target.ts';

const NEVER: TargetRules = { existingFile: 'remove it' };
const MINE: TargetRules = { existingFile: 'remove it', mayReplace: (path) => readFileSync(path, 'utf8').startsWith('mine') };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dfns-target-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TargetError);
    return (error as Error).message;
  }
  throw new Error('expected a TargetError');
}

describe('prepareTarget', () => {
  it('makes the folders, leaves no probe behind, and finds nothing wrong with a new file', () => {
    prepareTarget(join(dir, 'a', 'b', 'r.json'), NEVER);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual([]);
  });

  it.each([
    ['a folder', (p: string) => mkdirSync(p), 'a folder is there, and the action only writes regular files: give the path of a new file'],
    [
      'a symbolic link',
      (p: string) => symlinkSync('/etc/hostname', p),
      'a symbolic link is there, and the action only writes regular files: give the path of a new file',
    ],
    [
      'a named pipe',
      (p: string) => execFileSync('mkfifo', [p]),
      'a named pipe (FIFO) is there, and the action only writes regular files: give the path of a new file',
    ],
    [
      'a file it may not replace',
      (p: string) => writeFileSync(p, 'theirs'),
      'a file already exists there, which this run did not write; remove it',
    ],
  ])('refuses %s', (_, make, message) => {
    const path = join(dir, 'target');
    make(path);
    expect(refusal(() => prepareTarget(path, MINE))).toBe(message);
  });

  it('refuses a device', () => {
    expect(refusal(() => prepareTarget('/dev/null', NEVER))).toBe(
      'a device (null) is there, and the action only writes regular files: give the path of a new file',
    );
  });

  it('accepts a file it may replace', () => {
    writeFileSync(join(dir, 'r.json'), 'mine, earlier');
    prepareTarget(join(dir, 'r.json'), MINE);
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it("ends, naming the folder, where Node's recursive mkdir would loop for ever", () => {
    expect(refusal(() => prepareTarget('/proc/dfns-receipts/deeper/r.json', NEVER))).toMatch(
      /^the folder \/proc\/dfns-receipts cannot be created: .+ \(E[A-Z]+ on mkdir\)$/,
    );
  });

  it('finds what only a real write finds: /sys takes no new file, even for root', () => {
    expect(refusal(() => prepareTarget('/sys/dfns-r.json', NEVER))).toMatch(/^a file cannot be written in \/sys: .+ \(E[A-Z]+ on open\)$/);
  });

  it('names a part of the path that is a file', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(refusal(() => prepareTarget(join(dir, 'file', 'r.json'), NEVER))).toBe(`${join(dir, 'file')} is not a folder`);
  });
});

describe('writeTarget', () => {
  it('writes a new file whole, and leaves no temporary file', () => {
    writeTarget(join(dir, 'x', 'a.zip'), Buffer.from('PK'), NEVER);
    expect(readFileSync(join(dir, 'x', 'a.zip'), 'utf8')).toBe('PK');
    expect(readdirSync(join(dir, 'x'))).toEqual(['a.zip']);
  });

  it('replaces a file it may replace, and never one it may not', () => {
    writeFileSync(join(dir, 'r.json'), 'mine, earlier');
    writeTarget(join(dir, 'r.json'), Buffer.from('mine, now'), MINE);
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe('mine, now');
    writeFileSync(join(dir, 'other.json'), 'theirs');
    expect(refusal(() => writeTarget(join(dir, 'other.json'), Buffer.from('x'), MINE))).toBe(
      'a file already exists there, which this run did not write; remove it',
    );
    expect(readFileSync(join(dir, 'other.json'), 'utf8')).toBe('theirs');
    expect(readdirSync(dir).sort()).toEqual(['other.json', 'r.json']);
  });
});

describe('isSameFile', () => {
  it('by place, through "..", and by inode for a hard link', () => {
    writeFileSync(join(dir, 'out.json'), '{}');
    linkSync(join(dir, 'out.json'), join(dir, 'hard.json'));
    mkdirSync(join(dir, 'sub'));
    expect(isSameFile(join(dir, 'sub', '..', 'out.json'), join(dir, 'out.json'))).toBe(true);
    expect(isSameFile(join(dir, 'hard.json'), join(dir, 'out.json'))).toBe(true);
    expect(isSameFile(join(dir, 'new.json'), join(dir, 'sub', '..', 'new.json'))).toBe(true);
    expect(isSameFile(join(dir, 'new.json'), join(dir, 'out.json'))).toBe(false);
  });
});
