/**
 * A run that fails before any network call, through dist/index.js: the exit code, the one
 * `::error::` line a user reads, the outputs that were known, and that nothing reached the
 * sandbox. Every other way a run fails: test/integration/failures.test.ts, in process (and the
 * JSON reader's refusals, test/unit/json.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusedLocally, fixtureText, sha256, startE2E, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('p256');
});
afterAll(() => e2e?.close());

describe('schema', () => {
  it('lists each violation with its path, before any call, and sets the outputs it knew', async () => {
    const bad = onchain.replace('"status": "partial"', '"status": "done"').replace('"signature": "3045', '"signature": "Z045');
    const run = await e2e.submit({ files: { 'o.json': bad }, inputs: { path: 'o.json' } });
    expect(expectRefusedLocally(run, { title: 'Invalid output file' })).toBe(
      "o.json: the keystore output does not match Dfns's schema (2 violations):\n" +
        '  - status: expected "success" or "partial" or "fail", got "done"\n' +
        '  - outputs["req-1"].result.success["key-a"].signature: expected lowercase hex\n' +
        'Nothing was submitted.',
    );
    expect(run.outputs).toEqual({
      file: 'o.json',
      checksum: sha256(bad),
      status: 'failed',
      'receipt-path': expect.stringMatching(/\.json$/),
    });
  });
});
