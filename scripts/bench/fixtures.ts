/** The documents the action is run on, and their checksums as the benchmark computes them. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ROOT } from './bundles.ts';

/** A keystore output of about 1 KB: the cold start's and the submission's document. */
export const FIXTURE = join(ROOT, 'test', 'fixtures', 'onchain-sign-output.json');
/** A fleet output: the cold start's second document. */
export const FLEET_FIXTURE = join(ROOT, 'test', 'fixtures', 'genesis-output.json');
/** The sizes of the large outputs, in signatures (makeOnchainOutput). */
export const SIGNATURES = [1_000, 10_000, 100_000] as const;
export const LARGEST = SIGNATURES[SIGNATURES.length - 1]!;

/** SHA-256, hex, with node:crypto: what the action's checksum output must be. */
export const checksumOf = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
