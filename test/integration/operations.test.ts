/**
 * The seven offline signer operations, in this process (e2e.inProcess: the step code of dist/,
 * with the same scans), against the sandbox: each taken from the file and submitted to its own
 * endpoint, Dfns's answer reported; every refusal of a file whose operation cannot be told, or
 * does not match the `operation` input, before any call; a request too large for Dfns; and the
 * file shapes (a bare JSON output, an output archive, a large output). A fleet operation through
 * the built bundle: test/e2e/operations.test.ts.
 */
import { compactJson } from '../helpers/compact-json.ts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, onlyOne, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { makeZip } from '../helpers/zip-writer.ts';
import { expectOperationSubmitted } from '../helpers/output-submitted.ts';
import { makeOnchainOutput } from '../helpers/output-generators.ts';
import { FLEET_ANSWER_MESSAGES, GATEWAY_TOO_LARGE_MESSAGE } from '../sandbox/dfns-sandbox.ts';

const onchain = fixtureText('onchain-sign-output.json');
const poc = fixtureText('proof-of-control-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());

/** A fixture with its `outputs` replaced. */
function withOutputs(fixture: string, outputs: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...JSON.parse(fixtureText(fixture)), outputs, ...extra }, null, 2);
}

const onchainEntry = (JSON.parse(fixtureText('onchain-sign-output.json')).outputs as Record<string, unknown>)['req-1'];
const pocEntry = (JSON.parse(fixtureText('proof-of-control-output.json')).outputs as Record<string, unknown>)['poc-1'];
const genesisEntries = JSON.parse(fixtureText('genesis-output.json')).outputs as Record<string, unknown>;

describe.each([
  ['onchain-sign', 'onchain-sign-output.json', null],
  ['proof-of-control', 'proof-of-control-output.json', null],
  ['genesis', 'genesis-output.json', FLEET_ANSWER_MESSAGES['genesis']],
  ['clone', 'clone-output.json', FLEET_ANSWER_MESSAGES['clone']],
  ['add-mac-user', 'add-mac-user-output.json', FLEET_ANSWER_MESSAGES['add-mac-user']],
  ['add-provisioner', 'add-provisioner-output.json', FLEET_ANSWER_MESSAGES['add-provisioner']],
  ['key-harvest', 'key-harvest-output.json', FLEET_ANSWER_MESSAGES['key-harvest']],
] as const)('%s', (operation, fixture, message) => {
  it(`is taken from the file and submitted to /${operation}/output; Dfns's answer is reported`, async () => {
    const text = fixtureText(fixture);
    const run = await e2e.inProcess.submit({ files: { 'out.json': text }, inputs: { path: 'out.json' } });
    expectOperationSubmitted(e2e, run, operation, text, message);
  });
});

describe('fleet outputs', () => {
  it('submits a fleet output inside a zip archive: the zip is the file part, the operation from its entry', async () => {
    const genesis = fixtureText('genesis-output.json');
    const zip = makeZip([
      { name: 'ceremony/', data: '' },
      { name: 'ceremony/fleet-output.json', data: genesis, method: 8 },
      { name: 'ceremony/transcript.txt', data: 'genesis ceremony transcript' },
    ]);
    const run = await e2e.inProcess.submit({ files: { 'genesis.zip': zip }, inputs: { path: 'genesis.zip' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      operation: 'genesis',
      status: 'success',
      checksum: sha256(zip),
      'dfns-message': FLEET_ANSWER_MESSAGES.genesis,
    });
    expect(run.stdout).toContain('Fleet output: genesis.zip (archive entry "ceremony/fleet-output.json")');
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission).toMatchObject({ accepted: true, operation: 'genesis' });
    expect(Buffer.compare(submission.filePart, Buffer.from(zip))).toBe(0);
    expect(submission.dataPart).toBe(`{"outputJson":${compactJson(genesis)},"fileChecksum":"${sha256(zip)}"}`);
    expect(receiptOf(run).file).toMatchObject({ shape: 'archive', entry: 'ceremony/fleet-output.json', sha256: sha256(zip) });
  });

  it('names the operation in a dry run too, without any call', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': fixtureText('key-harvest-output.json') },
      inputs: { path: 'out.json', 'dry-run': 'true', 'dfns-token': '', 'dfns-credential-id': '', 'dfns-private-key': '' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'key-harvest', status: 'dry-run' });
    expect(run.summary).toContain('### 🧪 Dry run (`key-harvest`): the output is valid; nothing was submitted to Dfns');
  });

  it('refuses a fleet output whose keystore_id is empty unless store-id names the key store', async () => {
    const empty = withOutputs('clone-output.json', JSON.parse(fixtureText('clone-output.json')).outputs, { keystore_id: '' });
    const message = await refusedLocally({ 'out.json': empty }, { path: 'out.json' }, 'Key store not determined', 'clone');
    expect(message).toBe(
      'the output\'s keystore_id is empty, so it names no key store: set "store-id" to the key store it belongs to. Nothing was submitted.',
    );
    const run = await e2e.inProcess.submit({ files: { 'out.json': empty }, inputs: { path: 'out.json', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(0);
    expect(onlyOne(run.seen.submissions, 'submission')).toMatchObject({ accepted: true, operation: 'clone', storeId: STORE_ID });
  });
});

/** Runs, expects failure before any network call, returns the message; `operation` is the output expected, if any. */
async function refusedLocally(
  files: Record<string, string>,
  inputs: Record<string, string>,
  title?: string,
  operation?: string,
): Promise<string> {
  const run = await e2e.inProcess.submit({ files, inputs });
  const message = expectRefusedLocally(run, title === undefined ? {} : { title });
  expect(run.outputs['operation'], 'the operation output').toBe(operation);
  return message;
}

describe('an operation the file does not tell, refused before any call', () => {
  it('entries of several kinds: names the kinds and asks for "operation"', async () => {
    const mixed = withOutputs('onchain-sign-output.json', { 'req-1': onchainEntry, 'poc-1': pocEntry, 'poc-2': pocEntry });
    expect(await refusedLocally({ 'out.json': mixed }, { path: 'out.json' }, 'Operation not determined')).toBe(
      'the keystore output holds entries of several kinds (1 onchain-sign-v1, 2 proof-of-control-v1), so the operation it is for ' +
        'cannot be taken from it: set "operation" to the one it is for (onchain-sign, proof-of-control). Nothing was submitted.',
    );
  });

  it.each([
    ['onchain-sign-output.json', 'keystore output', 'onchain-sign, proof-of-control'],
    ['genesis-output.json', 'fleet output', 'genesis, clone, add-mac-user, add-provisioner, key-harvest'],
  ])('no entries (%s): asks for "operation", naming the operations of its document type', async (fixture, document, choices) => {
    const empty = withOutputs(fixture, {});
    expect(await refusedLocally({ 'out.json': empty }, { path: 'out.json' }, 'Operation not determined')).toBe(
      `the ${document} has no entries, so the operation it is for cannot be taken from it: ` +
        `set "operation" to the one it is for (${choices}). Nothing was submitted.`,
    );
  });
});

describe('an "operation" input the file does not match, refused before any call', () => {
  it('of another document type: names both', async () => {
    const message = await refusedLocally(
      { 'out.json': fixtureText('onchain-sign-output.json') },
      { path: 'out.json', operation: 'genesis' },
      'Operation does not match the file',
    );
    expect(message).toBe(
      'step input "operation" is genesis, which takes a fleet-output document, but the file is a keystore-output (entries: 2 onchain-sign-v1): ' +
        'set "operation" to onchain-sign, or leave it empty to take the operation from the file. Nothing was submitted.',
    );
  });

  it.each([
    ['onchain-sign-output.json', 'proof-of-control', 'proof-of-control-v1', 'keystore output', '2 onchain-sign-v1', 'onchain-sign'],
    ['genesis-output.json', 'clone', 'clone-registration', 'fleet output', '1 genesis-registration', 'genesis'],
  ])('none of whose entries are its kind (%s as %s): names both', async (fixture, operation, kind, document, found, fitting) => {
    const message = await refusedLocally(
      { 'out.json': fixtureText(fixture) },
      { path: 'out.json', operation },
      'Operation does not match the file',
    );
    expect(message).toBe(
      `step input "operation" is ${operation}, which takes ${kind} entries, but the ${document} holds none (entries: ${found}): ` +
        `set "operation" to ${fitting}, or leave it empty to take the operation from the file. Nothing was submitted.`,
    );
  });
});

describe('an "operation" input the file allows', () => {
  it('submits a file with no entries to the operation given', async () => {
    const empty = withOutputs('proof-of-control-output.json', {});
    const run = await e2e.inProcess.submit({ files: { 'out.json': empty }, inputs: { path: 'out.json', operation: 'proof-of-control' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ operation: 'proof-of-control', status: 'success', 'outputs-count': '0' });
    expect(run.stdout).toContain('Operation: proof-of-control (given by step input "operation")');
    expect(onlyOne(run.seen.submissions, 'submission')).toMatchObject({ accepted: true, operation: 'proof-of-control' });
    expect(receiptOf(run).request).toMatchObject({ operation: 'proof-of-control', operationFrom: 'step-input' });
  });

  it('submits entries of several kinds to the operation given, with a warning naming the others', async () => {
    const mixed = withOutputs('onchain-sign-output.json', { 'req-1': onchainEntry, 'poc-1': pocEntry });
    const run = await e2e.inProcess.submit({
      files: { 'out.json': mixed },
      inputs: { path: 'out.json', operation: 'onchain-sign' },
      // What the sandbox notes: an entry that belongs elsewhere reached /onchain-sign/output, as the warning said it would.
      protocolProblems: [
        `/key-stores/${STORE_ID}/onchain-sign/output: entry "poc-1" is proof-of-control-v1, which belongs to proof-of-control, submitted to onchain-sign`,
      ],
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ operation: 'onchain-sign', status: 'success' });
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'Entries of other kinds',
      message:
        'the keystore output also holds entries of other kinds (1 proof-of-control-v1), which do not belong to onchain-sign; ' +
        'they are submitted with it, and Dfns decides what to do with them',
    });
  });

  it('a genesis output given as genesis: as from the file, but recorded as given', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': withOutputs('genesis-output.json', genesisEntries) },
      inputs: { path: 'out.json', operation: 'genesis' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ operation: 'genesis', 'dfns-message': FLEET_ANSWER_MESSAGES.genesis });
    expect(run.summary).toContain('| Operation | `genesis` (given by a step input) |');
  });
});

describe('a request too large for Dfns (413 from a gateway)', () => {
  it.each([
    [
      'the challenge, which carries the output as its signed payload',
      'init',
      'creating the user action challenge (POST /auth/action/init)',
      'carrying it as its signed payload',
    ],
    ['the submission', 'submit', 'submitting the output', 'carrying it'],
  ] as const)(
    'refusing %s: says how large the file and the request were, and that nothing was submitted',
    async (_, call, label, carrying) => {
      const text = fixtureText('genesis-output.json');
      const fileBytes = Buffer.byteLength(text);
      // The init body is about the file's size; the multipart body holds it twice (data part and file).
      e2e.sandbox.setBodyLimit(call === 'init' ? fileBytes : Math.round(fileBytes * 1.6));
      // No limit for the next test, whatever happens in this one.
      onTestFinished(() => e2e.sandbox.setBodyLimit(undefined));
      const run = await e2e.inProcess.submit({ files: { 'out.json': text }, inputs: { path: 'out.json' } });
      expect(run.exitCode).toBe(1);
      expect(run.outputs['status']).toBe('rejected');
      const { requests } = run.seen;
      expect(requests.map((r) => `${r.call} ${r.status}`)).toEqual(
        call === 'init' ? ['init 413'] : ['init 200', 'action 200', 'submit 413'],
      );
      expect(run.seen.submissions.map((s) => s.accepted)).toEqual(call === 'init' ? [] : [false]);
      const requestBytes = Number(requests.at(-1)!.headers['content-length']);
      expect(requestBytes).toBeGreaterThan(fileBytes);
      expect(failureMessage(run).replace(/Dfns error id \d+/, 'Dfns error id N')).toBe(
        `Dfns answered 413 while ${label}: ${GATEWAY_TOO_LARGE_MESSAGE} (Dfns error id N). ` +
          `The request was too large for Dfns (or a gateway in front of it): the file is ${(fileBytes / 1024).toFixed(1)} KiB (${fileBytes} bytes), ` +
          `and the request ${carrying} was ${(requestBytes / 1024).toFixed(1)} KiB (${requestBytes} bytes). ` +
          'Dfns documents no size limit: ask Dfns support how large a submission may be, and whether the fleet can split its output. Nothing was submitted.',
      );
      expect(receiptOf(run)).toMatchObject({
        outcome: 'rejected',
        answer: { call, httpStatus: 413, errorMessage: GATEWAY_TOO_LARGE_MESSAGE },
      });
    },
  );
});

describe('file shapes and operations', () => {
  it('submits an output archive as it is: the zip is the file part, its checksum the fileChecksum', async () => {
    const zip = makeZip([
      { name: 'output/', data: '' },
      { name: 'output/keystore-output.json', data: onchain, method: 8 },
      { name: 'output/README.txt', data: 'signed offline' },
    ]);
    const run = await e2e.inProcess.submit({ files: { 'output.zip': zip }, inputs: { path: 'output.zip' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['checksum']).toBe(sha256(zip));
    expect(run.outputs['status']).toBe('success');
    expect(run.stdout).toContain('(archive entry "output/keystore-output.json")');
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission.accepted).toBe(true);
    expect(Buffer.compare(submission.filePart, Buffer.from(zip))).toBe(0);
    expect(submission.dataPart).toBe(`{"outputJson":${compactJson(onchain)},"fileChecksum":"${sha256(zip)}"}`);
  });

  it('submits a large output (25,000 signatures, over 8 MiB): hashed as read, the body streamed from the same bytes', async () => {
    const large = makeOnchainOutput(25_000);
    expect(Buffer.byteLength(large)).toBeGreaterThan(8 * 1024 * 1024);
    const run = await e2e.inProcess.submit({ files: { 'large.json': large }, inputs: { path: 'large.json' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'success', checksum: sha256(large) });
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission.accepted).toBe(true);
    expect(Buffer.compare(submission.filePart, Buffer.from(large))).toBe(0);
    expect(submission.dataPart).toBe(`{"outputJson":${compactJson(large)},"fileChecksum":"${sha256(large)}"}`);
  });

  it('submits a proof-of-control output to the proof-of-control endpoint', async () => {
    const run = await e2e.inProcess.submit({ files: { 'poc.json': poc }, inputs: { path: 'poc.json', operation: 'proof-of-control' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      operation: 'proof-of-control',
      status: 'success',
      'outputs-count': '1',
      'output-status': 'success',
    });
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission).toMatchObject({ accepted: true, operation: 'proof-of-control' });
    expect(submission.path).toBe(`/key-stores/${STORE_ID}/proof-of-control/output`);
  });

  it("submits to the store-id input when it differs from the output's keystore_id, with a warning that names both", async () => {
    const storeId = 'ks-01jz3-other-store_2';
    e2e.sandbox.addKeyStore(storeId);
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'store-id': storeId } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['store-id']).toBe(storeId);
    expect(onlyOne(run.seen.submissions, 'submission')).toMatchObject({
      accepted: true,
      storeId,
      path: `/key-stores/${storeId}/onchain-sign/output`,
    });
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'store-id differs from the output',
      message: `step input "store-id" (${storeId}) differs from the output's keystore_id (${STORE_ID}); submitting to step input "store-id". Check that this output belongs to that key store.`,
    });
  });
});
