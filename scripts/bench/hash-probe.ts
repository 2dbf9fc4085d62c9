/**
 * A child process of the benchmark: does the work the action does on a file's bytes once, cold,
 * with the hash either inline or in the worker the action starts (dist/ run as a hash worker),
 * and prints the time as one JSON line.
 *
 * `node scripts/bench/hash-probe.ts inline|worker <signatures> <dist entry>`
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { HASH_WORKER_ARG, sha256Hex } from '../../src/file/checksum.ts';
import { parseOutputFile } from '../../src/file/output-file.ts';
import { makeOnchainOutput } from '../../test/helpers/output-generators.ts';

const [mode, count, distEntry] = process.argv.slice(2);
const text = makeOnchainOutput(Number(count));
const plain = Buffer.from(text, 'utf8');
// As readFileOnce reads them: a file hashed by a worker is read into a SharedArrayBuffer.
const bytes = mode === 'worker' ? new Uint8Array(new SharedArrayBuffer(plain.byteLength)) : plain;
if (mode === 'worker') bytes.set(plain);

const started = performance.now();
let spawnMs = 0;
let digest: string;
if (mode === 'worker') {
  const worker = new Worker(pathToFileURL(distEntry!), { argv: [HASH_WORKER_ARG], workerData: { bytes }, stdout: true, stderr: true });
  const answer = new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  spawnMs = performance.now() - started;
  parseOutputFile(bytes, 'probe.json');
  digest = await answer;
} else {
  parseOutputFile(bytes, 'probe.json');
  digest = sha256Hex(bytes);
}
const ms = performance.now() - started;
if (digest !== sha256Hex(plain)) throw new Error('the digests differ');
console.log(JSON.stringify({ ms, spawnMs, bytes: bytes.byteLength }));
