/**
 * Every way a run fails, through dist/index.js: the exit code, the one `::error::` line a user
 * reads, the outputs that were known, and what reached the sandbox (nothing, where nothing may).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureMessage } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, sha256, startE2E, type E2E } from '../helpers/e2e.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('p256');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());
// No fault a test injected, and its run did not take, is left for the next test.
beforeEach(() => e2e.sandbox.clearFaults());

/**
 * Runs, expects failure before any network call, with a message that ends saying nothing was
 * submitted (on a line of its own after a list); returns the message without that sentence.
 */
async function refusedLocally(files: Record<string, string | Uint8Array>, inputs: Record<string, string>): Promise<string> {
  const message = expectRefusedLocally(await e2e.submit({ files, inputs }));
  // ". Nothing was submitted." after a sentence, "\nNothing was submitted." after a list.
  const nothingSubmitted = /(\. |\n)Nothing was submitted\.$/;
  expect(message).toMatch(nothingSubmitted);
  return message.replace(nothingSubmitted, '');
}

describe('locating the file', () => {
  it('names what was searched when nothing matches', async () => {
    const message = await refusedLocally({}, { path: 'fleet/*.json' });
    expect(message).toMatch(/^no file matches the glob "fleet\/\*\.json": searched the workspace \(.+\)$/);
  });

  it('lists the matches when a glob matches several files', async () => {
    const message = await refusedLocally({ 'a/one.json': onchain, 'a/two.json': onchain }, { path: 'a/*.json' });
    expect(message).toMatch(
      /^the glob "a\/\*\.json" matches 2 files in the workspace \(.+\); it must match exactly one\. Matches: "a\/one\.json", "a\/two\.json"$/,
    );
  });

  it('refuses a missing path and a directory', async () => {
    expect(await refusedLocally({}, { path: 'missing.json' })).toMatch(/^no file at "missing\.json": searched the workspace/);
    expect(await refusedLocally({ 'dir/x.txt': 'x' }, { path: 'dir' })).toBe(
      '"dir" is a directory: give the output file\'s path, or a glob such as "dir/*.json"',
    );
  });

  it('refuses a file over 64 MiB before reading it', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024 + 1, 0x20);
    expect(await refusedLocally({ 'big.json': big }, { path: 'big.json' })).toBe(
      'big.json: the file is 64.0 MiB, over the limit of 64 MiB for an output',
    );
  });
});

describe('strict JSON', () => {
  it('refuses bytes that are not UTF-8, with the offset', async () => {
    const bytes = Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(await refusedLocally({ 'o.json': bytes }, { path: 'o.json' })).toMatch(/^o\.json: .*not valid UTF-8.*byte offset 9/);
  });

  it('refuses a byte-order mark', async () => {
    expect(await refusedLocally({ 'o.json': '\ufeff' + onchain }, { path: 'o.json' })).toMatch(/^o\.json: .*byte-order mark/);
  });

  it('refuses duplicate keys with their path', async () => {
    const dup = onchain.replace('"type": "onchain-sign-v1",', '"type": "onchain-sign-v1", "type": "proof-of-control-v1",');
    expect(await refusedLocally({ 'o.json': dup }, { path: 'o.json' })).toMatch(
      /^o\.json: duplicate key "type" at outputs\["req-1"\] \(line 11, column 34\)$/,
    );
  });

  it('gives line and column of a syntax error', async () => {
    const broken = onchain.replace('"version": 1,', '"version": 1');
    expect(await refusedLocally({ 'o.json': broken }, { path: 'o.json' })).toMatch(/^o\.json: invalid JSON at line 4, column 3/);
  });
});

describe('schema', () => {
  it('lists each violation with its path', async () => {
    const bad = onchain.replace('"status": "partial"', '"status": "done"').replace('"signature": "3045', '"signature": "Z045');
    const message = await refusedLocally({ 'o.json': bad }, { path: 'o.json' });
    expect(message).toBe(
      "o.json: the keystore output does not match Dfns's schema (2 violations):\n" +
        '  - status: expected "success" or "partial" or "fail", got "done"\n' +
        '  - outputs["req-1"].result.success["key-a"].signature: expected lowercase hex',
    );
  });

  it('sets the outputs it knew before failing', async () => {
    const bad = onchain.replace('"version": 1', '"version": 2');
    const run = await e2e.submit({ files: { 'o.json': bad }, inputs: { path: 'o.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toEqual({
      file: 'o.json',
      checksum: sha256(bad),
      status: 'failed',
      'receipt-path': expect.stringMatching(/\.json$/),
    });
  });
});

describe('archives', () => {
  it('lists the entries when the archive holds no keystore output', async () => {
    const zip = makeZip([
      { name: 'notes.txt', data: 'hello' },
      { name: 'inner.zip', data: makeZip([{ name: 'x.json', data: onchain }]) },
    ]);
    expect(await refusedLocally({ 'out.zip': zip }, { path: 'out.zip' })).toBe(
      'out.zip: the archive holds no output (a .json entry with "type" "keystore-output" or "fleet-output"). Entries: "notes.txt" (5 bytes), "inner.zip" (' +
        makeZip([{ name: 'x.json', data: onchain }]).byteLength +
        ' bytes)',
    );
  });

  it('refuses an archive holding two keystore outputs, naming them', async () => {
    const zip = makeZip([
      { name: 'a.json', data: onchain },
      { name: 'b.json', data: onchain, method: 8 },
      { name: 'meta.json', data: '{"type":"something-else"}' },
    ]);
    expect(await refusedLocally({ 'out.zip': zip }, { path: 'out.zip' })).toMatch(
      /^out\.zip: the archive holds 2 outputs \("a\.json" \(\d+ bytes\), "b\.json" \(\d+ bytes\)\); it must hold exactly one$/,
    );
  });

  it('picks the one keystore output among several .json entries', async () => {
    const zip = makeZip([
      { name: 'meta.json', data: '{"type":"manifest"}' },
      { name: 'out.json', data: onchain },
    ]);
    const run = await e2e.submit({ files: { 'out.zip': zip }, inputs: { path: 'out.zip', 'dry-run': 'true' } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('(archive entry "out.json")');
  });

  it('reports errors inside the single .json entry with the entry name', async () => {
    const zip = makeZip([{ name: 'out.json', data: onchain.replace('"version": 1', '"version": 1, "version": 1') }]);
    expect(await refusedLocally({ 'out.zip': zip }, { path: 'out.zip' })).toMatch(
      /^out\.zip \(entry "out\.json"\): duplicate key "version" at \(root\)/,
    );
  });
});

describe('checksum and credentials', () => {
  it('fails on an expected-checksum mismatch before any network call', async () => {
    const wrong = 'F'.repeat(64);
    expect(await refusedLocally({ 'o.json': onchain }, { path: 'o.json', 'expected-checksum': wrong })).toBe(
      `o.json: SHA-256 checksum mismatch: expected ${'f'.repeat(64)} ("expected-checksum"), the file has ${sha256(onchain)}. ` +
        'The file is not the one that was reviewed',
    );
  });

  it('accepts the expected checksum in upper case', async () => {
    const run = await e2e.submit({
      files: { 'o.json': onchain },
      inputs: { path: 'o.json', 'expected-checksum': sha256(onchain).toUpperCase() },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('The checksum equals "expected-checksum".');
  });

  it('refuses an unusable key without echoing it', async () => {
    const garbage = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    const message = await refusedLocally({ 'o.json': onchain }, { path: 'o.json', 'dfns-private-key': garbage });
    expect(message).toMatch(
      /^step input "dfns-private-key" holds no PEM block; expected an unencrypted Ed25519, ECDSA P-256, secp256k1 or RSA/,
    );
  });

  it('says which credential ids the token accepts when dfns-credential-id is not one of them', async () => {
    const run = await e2e.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'dfns-credential-id': 'cr-someone-else' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      `"dfns-credential-id" (cr-someone-else) is not a key credential of this service account; the token accepts: ${e2e.credential.credentialId}. Nothing was submitted.`,
    );
    expect(run.outputs['status']).toBe('failed');
  });

  it('refuses http to a non-loopback API before reading anything', async () => {
    const run = await e2e.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'dfns-api-url': 'http://dfns.example' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      'step input "dfns-api-url" must use https (http is allowed only for loopback hosts, for testing), got "http://dfns.example". Nothing was submitted.',
    );
  });
});

describe('Dfns refusals', () => {
  it('explains a 401 (a token Dfns does not accept, e.g. from another region)', async () => {
    const valid = e2e.sandbox.issueToken();
    const forged = valid.slice(0, -4) + (valid.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const run = await e2e.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'dfns-token': forged } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('rejected');
    expect(failureMessage(run)).toMatch(
      /^Dfns answered 401 while creating the user action challenge \(POST \/auth\/action\/init\): .+ \(Dfns error id \d+\)\. The service account token is missing, malformed or expired, or belongs to another region/,
    );
  });

  it.each([
    ['onchain-sign-output.json', 'onchain-sign', 'KeyStores:Instructions:Keys:Sign', 'KeyStores:OnchainSignatures:Create'],
    ['genesis-output.json', 'genesis', 'KeyStores:Instructions:Fleets:Create', 'KeyStores:Fleets:Create'],
  ])(
    "explains a 403 for a missing permission (%s): the current name of %s's permission first",
    async (fixture, operation, current, earlier) => {
      e2e.sandbox.addKeyStore('ks-readonly', { operations: [] });
      const run = await e2e.submit({ files: { 'o.json': fixtureText(fixture) }, inputs: { path: 'o.json', 'store-id': 'ks-readonly' } });
      expect(run.exitCode).toBe(1);
      expect(run.outputs['status']).toBe('rejected');
      expect(failureMessage(run).replace(/Dfns error id \d+/, 'Dfns error id N')).toBe(
        `Dfns answered 403 while submitting the output: missing permission ${current} (Dfns error id N). ` +
          `The service account needs the permission ${current} (formerly ${earlier}) on the key store (operation "${operation}"), ` +
          "or Dfns refused the user action signature: check the service account's permissions in Dfns",
      );
    },
  );

  it('explains a 404 for an unknown key store', async () => {
    const run = await e2e.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'store-id': 'ks-unknown' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^Dfns answered 404 while submitting the output: .+ \(Dfns error id \d+\)\. No key store "ks-unknown" was found in this organisation: check "store-id"/,
    );
  });

  it('bounds all calls by timeout-seconds with a clear error', async () => {
    e2e.sandbox.injectFault('init', { kind: 'hang' }, Infinity);
    const started = Date.now();
    const run = await e2e.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'timeout-seconds': '1' } });
    e2e.sandbox.clearFaults();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(failureMessage(run)).toBe(
      'the Dfns calls did not finish within timeout-seconds (1 s); the deadline ran out while creating the user action challenge (POST /auth/action/init). ' +
        'Raise "timeout-seconds" if Dfns is slow from this runner, or check the network path to the Dfns API. Nothing was submitted.',
    );
  });

  it('quotes an answer of the wrong shape', async () => {
    e2e.sandbox.injectFault('action', { kind: 'wrong-shape' });
    const run = await e2e.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^unexpected answer from Dfns while signing the user action \(POST \/auth\/action\) \(HTTP 200\): it does not have the documented shape \(userAction: .+\); it answered: "\{.*\}"\. Nothing was submitted\.$/,
    );
    expect(run.seen.submissions, 'nothing was submitted').toEqual([]);
  });
});
