/** SHA-256 of the file's bytes, as 64 lowercase hex characters. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** Compares a computed checksum with the one the workflow expects (already lower-cased). */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
  constructor(file: string, expected: string, actual: string) {
    super(
      `${file}: SHA-256 checksum mismatch: expected ${expected} ("expected-checksum"), the file has ${actual}. ` +
        'The file is not the one that was reviewed: nothing was submitted',
    );
  }
}
