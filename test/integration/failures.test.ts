/**
 * Every way a run of the main action fails, in process (the step of dist/, src/runner/step.ts):
 * the exit code, the one `::error::` line a user reads, the outputs that were known, and what
 * reached the sandbox (nothing, where nothing may). The JSON reader's own refusals (invalid UTF-8,
 * a byte-order mark, duplicate keys, syntax errors) are test/unit/json.test.ts's, with the file's
 * name before them in test/unit/files.test.ts and test/unit/reader-fuzz.test.ts; the child process
 * that fails before any call is test/e2e/failures.test.ts.
 */
import { rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { MAX_FILE_BYTES } from '../../src/file/output-file.ts';
import { failureMessage, makeWorkspace } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, sha256, startE2E, type E2E } from '../helpers/e2e.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('p256');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e?.close());
// No fault a test injected, and its run did not take, is left for the next test.
beforeEach(() => e2e.sandbox.clearFaults());

/**
 * Runs, expects failure before any network call, with a message that ends saying nothing was
 * submitted (on a line of its own after a list); returns the message without that sentence.
 */
async function refusedLocally(files: Record<string, string | Uint8Array>, inputs: Record<string, string>): Promise<string> {
  const message = expectRefusedLocally(await e2e.inProcess.submit({ files, inputs }));
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
    // Sparse: its size is what is refused, not its bytes (and writing it costs nothing).
    const workspace = makeWorkspace({ 'big.json': '' });
    onTestFinished(() => rmSync(workspace, { recursive: true, force: true }));
    truncateSync(join(workspace, 'big.json'), MAX_FILE_BYTES + 1);
    const run = await e2e.inProcess.submit({ workspace, inputs: { path: 'big.json' } });
    expect(expectRefusedLocally(run)).toBe(
      'big.json: the file is 64.0 MiB, over the limit of 64 MiB for an output. Nothing was submitted.',
    );
  });
});

describe('schema', () => {
  it('sets the outputs it knew before failing', async () => {
    const bad = onchain.replace('"version": 1', '"version": 2');
    const run = await e2e.inProcess.submit({ files: { 'o.json': bad }, inputs: { path: 'o.json' } });
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
    const inner = makeZip([{ name: 'x.json', data: onchain }]);
    const zip = makeZip([
      { name: 'notes.txt', data: 'hello' },
      { name: 'inner.zip', data: inner },
    ]);
    expect(await refusedLocally({ 'out.zip': zip }, { path: 'out.zip' })).toBe(
      'out.zip: the archive holds no output (a .json entry with "type" "keystore-output" or "fleet-output"). Entries: "notes.txt" (5 bytes), "inner.zip" (' +
        inner.byteLength +
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
    const run = await e2e.inProcess.submit({ files: { 'out.zip': zip }, inputs: { path: 'out.zip', 'dry-run': 'true' } });
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
    const run = await e2e.inProcess.submit({
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
    const run = await e2e.inProcess.submit({
      files: { 'o.json': onchain },
      inputs: { path: 'o.json', 'dfns-credential-id': 'cr-someone-else' },
    });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      `"dfns-credential-id" (cr-someone-else) is not a key credential of this service account; the token accepts: ${e2e.credential.credentialId}. Nothing was submitted.`,
    );
    expect(run.outputs['status']).toBe('failed');
  });

  it('refuses http to a non-loopback API before reading anything', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'o.json': onchain },
      inputs: { path: 'o.json', 'dfns-api-url': 'http://dfns.example' },
    });
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
    const run = await e2e.inProcess.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'dfns-token': forged } });
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
      const run = await e2e.inProcess.submit({
        files: { 'o.json': fixtureText(fixture) },
        inputs: { path: 'o.json', 'store-id': 'ks-readonly' },
      });
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
    const run = await e2e.inProcess.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json', 'store-id': 'ks-unknown' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^Dfns answered 404 while submitting the output: .+ \(Dfns error id \d+\)\. No key store "ks-unknown" was found in this organisation: check "store-id"/,
    );
  });

  it('quotes an answer of the wrong shape', async () => {
    e2e.sandbox.injectFault('action', { kind: 'wrong-shape' });
    const run = await e2e.inProcess.submit({ files: { 'o.json': onchain }, inputs: { path: 'o.json' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^unexpected answer from Dfns while signing the user action \(POST \/auth\/action\) \(HTTP 200\): it does not have the documented shape \(userAction: .+\); it answered: "\{.*\}"\. Nothing was submitted\.$/,
    );
    expect(run.seen.submissions, 'nothing was submitted').toEqual([]);
  });
});
