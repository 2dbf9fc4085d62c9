/**
 * SHA-256 of the file's bytes, as 64 lowercase hex characters (@noble/hashes).
 *
 * A large file is hashed in a worker thread while the main thread decodes, parses and
 * validates it: the two take about as long, so the hash costs no wall time. The worker reads
 * the very bytes the main thread parses, without a copy, when they live in a
 * SharedArrayBuffer (readFileOnce reads large files into one). A small file is hashed inline:
 * starting a worker costs more than hashing a few megabytes. So is any file on a single CPU.
 *
 * The worker runs this module's own file (in dist/, the bundle): loaded in a worker thread
 * started here, it hashes the bytes it was given, posts the digest and ends (the entry point
 * imports this module first, and checks isHashWorker() before running the action). Should the
 * worker fail to start or answer, the bytes are hashed inline: the digest is the same either
 * way. node:worker_threads is only loaded when a worker is used.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ActionError } from '../base/errors.ts';

/** Files of at least this many bytes are hashed in a worker thread (see BENCHMARKS.md). */
export const HASH_WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** In the worker's process.argv: it tells the bundle, before anything else loads, that it only hashes. */
export const HASH_WORKER_ARG = '--dfns-keystore-output-action-sha256-worker';
const HEX_DIGEST = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** Compares a computed checksum with the one the workflow expects (already lower-cased). */
export class ChecksumMismatchError extends ActionError {
  override name = 'ChecksumMismatchError';
  readonly title = 'Checksum mismatch';
  constructor(file: string, expected: string, actual: string) {
    super(
      `${file}: SHA-256 checksum mismatch: expected ${expected} ("expected-checksum"), the file has ${actual}. ` +
        'The file is not the one that was reviewed',
    );
  }
}

/** Where a digest was computed, for the debug log. */
export type HashedIn = 'inline' | 'worker' | 'inline after a worker failure';

export interface Digest {
  hex: string;
  hashedIn: HashedIn;
}

/**
 * Starts hashing `bytes`: in a worker thread when they are large, else inline (the promise is
 * then already settled). The bytes must not change until the promise settles.
 */
export function startSha256(bytes: Uint8Array, minWorkerBytes = HASH_WORKER_MIN_BYTES): Promise<Digest> {
  // With one CPU, the worker would only take turns with the parsing, after starting up.
  if (bytes.byteLength < minWorkerBytes || isHashWorker() || availableParallelism() < 2) return hashInline(bytes, 'inline');
  return hashInWorker(bytes);
}

/** True in a worker thread started by startSha256: the entry point then only serves the hash. */
export function isHashWorker(): boolean {
  return process.argv.includes(HASH_WORKER_ARG) && !process.getBuiltinModule('node:worker_threads').isMainThread;
}

interface WorkerRequest {
  bytes: Uint8Array;
}

/** Hashes now; a throw becomes a rejection. */
function hashInline(bytes: Uint8Array, hashedIn: HashedIn): Promise<Digest> {
  return new Promise((resolve) => resolve({ hex: sha256Hex(bytes), hashedIn }));
}

function hashInWorker(bytes: Uint8Array): Promise<Digest> {
  return new Promise((resolve) => {
    let settled = false;
    const inline = (): void => {
      if (settled) return;
      settled = true;
      resolve(hashInline(bytes, 'inline after a worker failure'));
    };
    // A SharedArrayBuffer is shared with the worker; any other buffer is copied into one.
    let shared = bytes;
    if (!(bytes.buffer instanceof SharedArrayBuffer)) {
      shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
      shared.set(bytes);
    }
    let worker: Worker;
    try {
      const { Worker } = process.getBuiltinModule('node:worker_threads');
      const request: WorkerRequest = { bytes: shared };
      worker = new Worker(new URL(import.meta.url), { argv: [HASH_WORKER_ARG], workerData: request, stdout: true, stderr: true });
    } catch {
      inline();
      return;
    }
    worker.once('message', (message: unknown) => {
      if (settled) return;
      if (typeof message !== 'string' || !HEX_DIGEST.test(message)) {
        inline();
        return;
      }
      settled = true;
      resolve({ hex: message, hashedIn: 'worker' });
    });
    worker.once('error', inline);
    worker.once('exit', inline);
  });
}

// In a hash worker: hash the shared bytes, answer, and end the thread (in dist/, before the
// rest of the bundle loads for nothing). The answer is delivered before the exit is seen.
if (isHashWorker()) {
  const threads = process.getBuiltinModule('node:worker_threads');
  threads.parentPort?.postMessage(sha256Hex((threads.workerData as WorkerRequest).bytes));
  process.exit(0);
}
