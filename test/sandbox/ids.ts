/**
 * Dfns-shaped ids: the ids of the fixtures (test/fixtures/*-output.json), the key store and
 * organisation they name, which the sandbox, the tests, the demo and the benchmark set up; and
 * the random ids the sandbox makes. Free of vitest, so that the demo and the benchmark can
 * import it.
 */
import { randomInt } from 'node:crypto';

/** The `keystore_id` of the fixtures. */
export const STORE_ID = 'ks-01jz3m9q8x7w6v5t4s3r2p1n0m';
/** The `org_id` of the fixtures; the sandbox's tokens carry it. */
export const ORG_ID = 'or-2ka7p-8ft3m-9ocdbc9cnq1i5sg7';

const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random id in the shape of Dfns's: `<prefix>-xxxxx-xxxxx-xxxxxxxxxxxxxxxx` (`or-…`, `us-…`, `gr-…`). */
export function randomDfnsId(prefix: string): string {
  const pick = (n: number) => Array.from({ length: n }, () => ID_CHARS[randomInt(ID_CHARS.length)]).join('');
  return `${prefix}-${pick(5)}-${pick(5)}-${pick(16)}`;
}
