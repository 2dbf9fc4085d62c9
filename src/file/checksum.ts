/**
 * SHA-256 as 64 lowercase hex characters (@noble/hashes), on the main thread, fed the bytes as
 * readFileOnce reads them (its speed, and its share of a large output's run: BENCHMARKS.md).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ActionError } from '../base/errors.ts';

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** A SHA-256 fed a piece at a time. */
export interface Sha256Stream {
  update(bytes: Uint8Array): void;
  hex(): string;
}

export function sha256Stream(): Sha256Stream {
  const hash = sha256.create();
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => bytesToHex(hash.digest()),
  };
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
