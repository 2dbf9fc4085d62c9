/**
 * SHA-256 inline and in a worker thread: the same digest either way, the worker reading the
 * bytes it was given (shared, not copied), and dist/ able to serve as its own hash worker.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { HASH_WORKER_ARG, HASH_WORKER_MIN_BYTES, isHashWorker, sha256Hex, startSha256 } from '../../src/file/checksum.ts';
import { readFileOnce } from '../../src/file/output-file.ts';
import { makeWorkspace, ROOT, runAction } from '../helpers/action-runner.ts';
import { makeOnchainOutput } from '../helpers/output-generators.ts';

const nodeSha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('startSha256', () => {
  it('hashes a small file inline', async () => {
    const bytes = randomBytes(1000);
    await expect(startSha256(bytes)).resolves.toEqual({ hex: nodeSha256(bytes), hashedIn: 'inline' });
    expect(isHashWorker()).toBe(false);
  });

  it('hashes in a worker thread from the threshold on, shared or copied bytes alike', async () => {
    const plain = randomBytes(3 * 1024 * 1024 + 7);
    const shared = new Uint8Array(new SharedArrayBuffer(plain.byteLength));
    shared.set(plain);
    const hashedIn = availableParallelism() > 1 ? 'worker' : 'inline'; // never a worker on one CPU
    for (const bytes of [plain, shared]) {
      await expect(startSha256(bytes, 1024)).resolves.toEqual({ hex: nodeSha256(plain), hashedIn });
    }
    // The empty input and a view into a larger buffer.
    await expect(startSha256(new Uint8Array(0), 0)).resolves.toEqual({ hex: nodeSha256(new Uint8Array(0)), hashedIn });
    const view = shared.subarray(5, 5000);
    await expect(startSha256(view, 0)).resolves.toMatchObject({ hex: nodeSha256(view) });
  });

  it('keeps the inline digest equal to node:crypto', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('readFileOnce', () => {
  it('reads a file of the worker threshold or more into a SharedArrayBuffer, a smaller one into a Buffer', () => {
    const large = randomBytes(HASH_WORKER_MIN_BYTES);
    const ws = makeWorkspace({ 'large.json': large, 'small.json': '{}' });
    const bytes = readFileOnce(join(ws, 'large.json'), 'large.json');
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(bytes).equals(large)).toBe(true);
    expect(readFileOnce(join(ws, 'small.json'), 'small.json').buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('dist/index.js as a hash worker', () => {
  const entry = join(ROOT, 'dist', 'index.js');

  it.skipIf(!existsSync(entry))('hashes the shared bytes, answers and exits without running the action', async () => {
    const bytes = new Uint8Array(new SharedArrayBuffer(100_000));
    bytes.set(randomBytes(bytes.byteLength));
    const worker = new Worker(pathToFileURL(entry), {
      argv: [HASH_WORKER_ARG],
      workerData: { bytes },
      stdout: true,
      stderr: true,
      // No GITHUB_* or INPUT_* variables: the action itself would fail at once.
      env: {},
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const answer = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      void exited.then((code) => reject(new Error(`the worker exited with code ${code} without answering: ${output}`)));
    });
    const exitCode = await exited;
    expect(answer).toBe(nodeSha256(bytes));
    expect(exitCode).toBe(0);
    expect(output).toBe('');
  });

  it.skipIf(!existsSync(entry) || availableParallelism() < 2)('is what a dry run of a large file uses (the hash module is in the entry chunk)', async () => {
    const text = makeOnchainOutput(Math.ceil(HASH_WORKER_MIN_BYTES / 400));
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(HASH_WORKER_MIN_BYTES);
    const run = await runAction({ files: { 'out.json': text }, inputs: { path: 'out.json', 'dry-run': 'true' } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('::debug::SHA-256 computed in a worker thread');
    expect(run.outputs['checksum']).toBe(nodeSha256(Buffer.from(text)));
  });
});
