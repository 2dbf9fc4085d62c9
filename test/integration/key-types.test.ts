/**
 * A submission signed with each key type the action reads, in this process (e2e.inProcess: the
 * step code of dist/, with the same scans), against a sandbox of its own that checks the
 * signature: what the sandbox received, byte for byte. One of them through the built bundle:
 * test/e2e/submit.test.ts.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { KeyKind, PemFormat } from '../helpers/credentials.ts';
import { startE2E, type E2E } from '../helpers/e2e.ts';
import { expectOnchainSubmitted, ONCHAIN_OUTPUT } from '../helpers/output-submitted.ts';

const KEYS: Array<[KeyKind, PemFormat]> = [
  ['ed25519', 'pkcs8'],
  ['p256', 'sec1'],
  ['secp256k1', 'pkcs8'],
  ['rsa', 'pkcs1'],
];

describe.each(KEYS)('a submission signed with a %s key (%s PEM)', (kind, format) => {
  // A sandbox of its own: the test counts every request and connection the sandbox saw.
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E(kind, format);
    // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
    e2e.sandbox.setRequestIds(false);
  });
  afterAll(() => e2e?.close());

  it('validates, signs and submits the bare JSON output; Dfns gets exactly the file', async () => {
    const run = await e2e.inProcess.submit({ files: { 'fleet/output.json': ONCHAIN_OUTPUT }, inputs: { path: 'fleet/*.json' } });
    expectOnchainSubmitted(e2e, run);
  });
});
