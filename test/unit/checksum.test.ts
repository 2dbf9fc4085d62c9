/**
 * SHA-256 on the main thread: the digest of the whole bytes, fed at once or a piece at a time as
 * readFileOnce reads them, equal to node:crypto's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex, sha256Stream } from '../../src/file/checksum.ts';
import { readFileOnce } from '../../src/file/output-file.ts';
import { makeWorkspace } from '../helpers/action-runner.ts';

const nodeSha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('sha256Hex and sha256Stream', () => {
  it('give the digest node:crypto gives, whole or in pieces', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const bytes = randomBytes(100_003);
    const stream = sha256Stream();
    for (let at = 0; at < bytes.byteLength; at += 4096) stream.update(bytes.subarray(at, at + 4096));
    expect(stream.hex()).toBe(nodeSha256(bytes));
    expect(sha256Stream().hex()).toBe(nodeSha256(new Uint8Array(0)));
  });
});

describe('readFileOnce', () => {
  let ws: string | undefined;
  afterEach(() => {
    if (ws !== undefined) rmSync(ws, { recursive: true, force: true });
    ws = undefined;
  });

  it('reads the bytes and hashes them as it reads, across several reads', () => {
    // Over 1 MiB, the bytes of one read: the digest is fed twice (a MiB, then 7 bytes). More
    // would only feed it more often: the digest is JavaScript, slow to run under coverage.
    const large = randomBytes(1024 * 1024 + 7);
    ws = makeWorkspace({ 'large.json': large, 'small.json': '{}' });
    const read = readFileOnce(join(ws, 'large.json'), 'large.json');
    expect({ length: read.bytes.byteLength, sha256: nodeSha256(read.bytes) }).toEqual({
      length: large.byteLength,
      sha256: nodeSha256(large),
    });
    expect(read.sha256).toBe(nodeSha256(large));
    expect(readFileOnce(join(ws, 'small.json'), 'small.json')).toEqual({ bytes: Buffer.from('{}'), sha256: nodeSha256(Buffer.from('{}')) });
  });

  it.runIf(process.platform === 'linux')('reads a file longer than its size says to its end (a /proc file, of size 0)', () => {
    const read = readFileOnce('/proc/self/status', 'status');
    expect(Buffer.from(read.bytes).toString()).toMatch(/^Name:\t.*\n[^]*\nPid:\t\d+\n/);
    expect(read.sha256).toBe(nodeSha256(read.bytes));
  });
});
