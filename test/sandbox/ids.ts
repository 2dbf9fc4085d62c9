/**
 * The ids of the fixtures (test/fixtures/*-output.json): the key store and organisation they
 * name, which the sandbox, the tests, the demo and the benchmark set up. Free of vitest, so that
 * the demo and the benchmark can import it.
 */

/** The `keystore_id` of the fixtures. */
export const STORE_ID = 'ks-01jz3m9q8x7w6v5t4s3r2p1n0m';
/** The `org_id` of the fixtures; the sandbox's tokens carry it. */
export const ORG_ID = 'or-2ka7p-8ft3m-9ocdbc9cnq1i5sg7';
