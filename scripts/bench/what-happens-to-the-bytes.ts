/**
 * What happens to the bytes of the output file, from its reading to its upload; with the
 * SHA-256 throughput of @noble/hashes (what the action hashes with) and of node:crypto, measured
 * in the benchmark's process, and the hash's share of the largest dry run's profile.
 */
import { sha256Hex } from '../../src/file/checksum.ts';
import { checksumOf, LARGEST } from './fixtures.ts';
import { count, ms } from './format.ts';
import { median } from './runner.ts';
import { selfTime, type Profiles } from './where-the-time-goes.ts';

/** SHA-256 throughput, warm, MB/s. */
export interface Hashing {
  nobleMBps: number;
  cryptoMBps: number;
}

/** SHA-256 throughput of @noble/hashes (through src/) and node:crypto in this process, warm (medians of 5 passes over 16 MiB). */
export function measureHashing(): Hashing {
  const bytes = new Uint8Array(16 * 2 ** 20).map((_, i) => (i * 2654435761) >>> 24);
  const rate = (hash: () => void): number => {
    hash();
    const times = Array.from({ length: 5 }, () => {
      const started = performance.now();
      hash();
      return performance.now() - started;
    });
    return bytes.byteLength / 1e6 / (median(times) / 1000);
  };
  return { nobleMBps: rate(() => sha256Hex(bytes)), cryptoMBps: rate(() => checksumOf(bytes)) };
}

export function bytesSection(hashing: Hashing, profiles: Profiles): string {
  const noble = selfTime(profiles.largeDry, (l) => l === '@noble/hashes');
  return `## What happens to the bytes

- **Read once, hashed as it is read.** \`readFileOnce\` (\`src/file/output-file.ts\`) reads the file into one buffer,
  1 MiB at a time, and feeds each piece to SHA-256 (\`@noble/hashes\`, on the main thread) as soon as it is read;
  those bytes are then decoded, and uploaded as the file part. Here \`@noble/hashes\` hashes ${hashing.nobleMBps.toFixed(0)} MB/s
  (warm, in the benchmark's process; \`node:crypto\`: ${hashing.cryptoMBps.toFixed(0)} MB/s). In the profile of the ${count(LARGEST)}-signature
  dry run, \`@noble/hashes\` takes ${ms(noble)} of the ${ms(profiles.largeDry.totalMs)} sampled.
- **Decoded once, parsed once.** The bytes are decoded to one string (\`isUtf8\`, then Buffer's
  decoder); \`JSON.parse\` builds the value once; the strict scan (duplicate keys, lone surrogates,
  number range) walks the same string without building anything.
- **Validated once.** zod checks the parsed value; what the run uses is the parsed value itself.
  (zod builds its own output objects while it checks; they are dropped at once.)
- **Never re-serialized, never copied whole.** The data part embeds the file's own JSON text (the white
  space between its tokens removed), and is never built as one string (\`src/dfns/data-part.ts\`): each
  request body is written as a stream, a slice of the text at a time (JSON-escaped for the init request's
  \`userActionPayload\`; encoded to UTF-8), and the multipart file part is the file's bytes themselves
  (\`src/dfns/body.ts\`).`;
}
