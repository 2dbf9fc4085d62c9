/**
 * First contact with a real Dfns, in this process (e2e.inProcess: the step code of dist/, with
 * the same scans), against the sandbox: the `data` part as every SDK sends it (compact, values as
 * written), an online dry run in every action and each check it fails, the cancel action's
 * sources of ids and refusals, Dfns's request ids, and a first set-up's mistakes. Their contracts
 * through the built bundle: test/e2e/first-contact.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { generateCredential, openSshPrivateKey } from '../helpers/credentials.ts';
import { expectRefusedLocally, fixtureText, onlyOne, sha256, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { makeZip } from '../helpers/zip-writer.ts';
import { compactJson } from '../helpers/compact-json.ts';
import { listZip, readZipEntry } from '../../src/file/zip.ts';

const onchain = fixtureText('onchain-sign-output.json');
const genesis = fixtureText('genesis-output.json');
const FIXTURE_GROUP = JSON.parse(genesis).group_id as string;

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  e2e.sandbox.addKeyStore('ks-an-mpc-store', { kind: 'Mpc' });
});
afterAll(() => e2e.close());
beforeEach(() => {
  e2e.sandbox.clearFaults();
  e2e.sandbox.resetSubmissionAnswer();
  e2e.sandbox.setKeyStoresReadable(true);
  e2e.sandbox.setRequestIds(true);
});

describe("the data part: the file's own JSON, written compactly as Dfns's SDKs send it", () => {
  it('is byte for byte the compact form of the file text, big numbers and spaces inside strings as written', async () => {
    const written = onchain.replace(
      '"generated_at"',
      '"note": "two  spaces,\\ttab and \\"quotes\\"",\r\n  "big": 9007199254740993,\n  "one": 1.0, "small": 1e-7,\n  "generated_at"',
    );
    const run = await e2e.inProcess.submit({ files: { 'out.json': written }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(0);
    const submission = onlyOne(run.seen.submissions, 'submission');
    expect(submission.accepted).toBe(true);
    expect(submission.dataPart).toBe(`{"outputJson":${compactJson(written)},"fileChecksum":"${sha256(written)}"}`);
    expect(submission.dataPart).toContain('"note":"two  spaces,\\ttab and \\"quotes\\"","big":9007199254740993,"one":1.0,"small":1e-7,');
    expect(submission.dataPart).not.toMatch(/[\r\n]/);
  });
});

describe("Dfns's request ids", () => {
  it('are left out when Dfns sends none', async () => {
    e2e.sandbox.setRequestIds(false);
    e2e.sandbox.injectFault('submit', {
      kind: 'status',
      status: 409,
      body: { error: { id: '7001', status: 409, message: 'already submitted' } },
    });
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(failureMessage(run)).toMatch(/^Dfns answered 409 while submitting the output: already submitted \(Dfns error id 7001\)\. /);
    const requests = receiptOf(run).requests as Array<{ requestId: string | null }>;
    expect(requests.map((r) => r.requestId)).toEqual(requests.map(() => null));
    expect(requests).toHaveLength(3);
  });
});

describe('dry-run: online', () => {
  it('input action and cancel action: the same checks, for their own requests', async () => {
    const input = await e2e.inProcess.createInputArchive({
      inputs: { operation: 'genesis', 'store-id': STORE_ID, request: GENESIS_BODY, 'dry-run': 'online' },
    });
    expect(input.exitCode).toBe(0);
    expect(input.outputs['status']).toBe('dry-run');
    expect(input.seen.inputs).toEqual([]);
    expect(receiptOf(input).checks.map((c: { result: string }) => c.result)).toEqual(['passed', 'passed', 'passed']);
    const cancel = await e2e.inProcess.cancel({ inputs: { 'store-id': STORE_ID, 'group-id': 'gr-never-canceled', 'dry-run': 'online' } });
    expect(cancel.exitCode).toBe(0);
    expect(cancel.outputs['status']).toBe('dry-run');
    expect(cancel.seen.cancels).toEqual([]);
    expect(receiptOf(cancel).checks.at(-1).detail).toContain(`challenge for POST /key-stores/${STORE_ID}/fleet-operations/cancel`);
  });

  it('a service account without KeyStores:Read: the key store is not checked, with a warning; the rest is', async () => {
    e2e.sandbox.setKeyStoresReadable(false);
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'dry-run': 'online' } });
    expect(run.exitCode).toBe(0);
    expect(receiptOf(run).checks.map((c: { result: string }) => c.result)).toEqual(['passed', 'not checked', 'passed']);
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'Key store not checked',
      message:
        'the service account lacks the permission KeyStores:Read, so the key store could not be looked up; the action needs no such ' +
        'permission for its real work: grant KeyStores:Read to have the key store checked too',
    });
  });

  it.each([
    [
      'an unknown key store',
      () => ({ 'store-id': 'ks-not-in-this-org' }),
      'Online check failed',
      (url: string) =>
        `the key store "ks-not-in-this-org" is not among the key stores of this organisation at ${url}: check "store-id" (or the file it was taken from) and "dfns-api-url" (the organisation's region). Nothing was submitted.`,
    ],
    [
      'a key store of another kind',
      () => ({ 'store-id': 'ks-an-mpc-store' }),
      'Online check failed',
      () =>
        'the key store "ks-an-mpc-store" is a key store of kind Mpc, not an offline signer fleet (OfflineSigner): check "store-id". Nothing was submitted.',
    ],
  ])('fails on %s, with its own message', async (_, inputs, title, message) => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'online', ...inputs() },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([{ level: 'error', title, message: message(e2e.sandbox.url) }]);
    expect(receiptOf(run).checks.map((c: { result: string }) => c.result)).toEqual(['passed', 'failed']);
    expect(run.seen.requests.map((r) => r.call)).toEqual(['stores']);
  });

  it('fails on a token of another region (Dfns answers 401)', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: {
        path: 'out.json',
        'dry-run': 'online',
        'dfns-token': e2e.sandbox.issueToken({ orgId: 'or-another-region', expiresInSeconds: 86_400 }),
      },
    });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^Dfns answered 401 while listing the key stores \(GET \/key-stores\): unauthorized: token is not for this organisation \(Dfns error id \d+, request id req-[0-9a-f]+\)\. The service account token is missing, malformed or expired, or belongs to another region/,
    );
    expect(receiptOf(run).checks).toEqual([
      { check: 'token and region', result: 'failed', detail: expect.stringMatching(/^Dfns answered 401/) },
    ]);
  });

  it("fails on a key that is not the credential's (Dfns refuses the signature)", async () => {
    const other = generateCredential('ed25519');
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'online', 'dfns-private-key': other.privateKeyPem },
    });
    e2e.secrets.push(other.privateKeyPem);
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /^Dfns answered 403 while signing the user action \(POST \/auth\/action\): invalid signature \(Dfns error id \d+, request id req-[0-9a-f]+\)\. Dfns refused the user action signature: check that "dfns-private-key" is the private key of the credential "dfns-credential-id"\. Nothing was submitted\.$/,
    );
    expect(receiptOf(run).checks.map((c: { check: string; result: string }) => `${c.check} ${c.result}`)).toEqual([
      'token and region passed',
      'key store passed',
      'credential and key failed',
    ]);
  });

  it('needs every credential: an online dry run checks them against Dfns', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dry-run': 'online', 'dfns-private-key': '' },
    });
    expect(expectRefusedLocally(run, { title: 'Invalid step input' })).toBe(
      '"dfns-private-key" is required for an online dry run, which checks them against Dfns (pass them from repository secrets), ' +
        'or set "dry-run: true" to check without Dfns. Nothing was submitted.',
    );
  });
});

const GENESIS_BODY = JSON.stringify({
  kind: 'Genesis',
  numProvisioners: 3,
  numOperational: 1,
  numSecp256k1: 2,
  numEd25519: 1,
  hsmGenesisSerial: 'HSM-0042',
});

describe('the cancel action', () => {
  /** An input created for genesis: its archive in the workspace, its group open at the sandbox. */
  async function openOperation(): Promise<{ workspace: string; groupId: string; archive: Buffer }> {
    const created = await e2e.inProcess.createInputArchive({
      inputs: { operation: 'genesis', 'store-id': STORE_ID, request: GENESIS_BODY, path: 'fleet/in.zip' },
    });
    expect(created.exitCode).toBe(0);
    const groupId = created.outputs['group-id']!;
    expect(groupId).toBe(onlyOne(created.seen.inputs, 'input').groupId);
    return { workspace: created.workspace, groupId, archive: onlyOne(created.seen.inputs, 'input').archive! };
  }

  it.each([
    ['the input archive', (archive: Buffer) => ({ 'in.zip': archive }), 'in.zip', 'input-archive'],
    ['its input/input.json alone', (archive: Buffer) => ({ 'input.json': inputDocumentOf(archive) }), 'input.json', 'input-archive'],
  ] as const)('takes the group and the key store from %s', async (_, files, path, document) => {
    const { groupId, archive } = await openOperation();
    const run = await e2e.inProcess.cancel({ files: files(archive), inputs: { path } });
    expect(run.exitCode).toBe(0);
    expect(onlyOne(run.seen.cancels, 'cancel')).toMatchObject({ accepted: true, storeId: STORE_ID, body: JSON.stringify({ groupId }) });
    expect(receiptOf(run).source).toEqual({ path, document });
  });

  it.each([
    ['a fleet output', { 'genesis.json': genesis }, 'genesis.json'],
    ['a fleet output in a zip', { 'genesis.zip': makeZip([{ name: 'genesis-output.json', data: genesis }]) }, 'genesis.zip'],
    ['a keystore output', { 'onchain.json': onchain }, 'onchain.json'],
  ])('takes the group and the key store from %s', async (_, files, path) => {
    e2e.sandbox.openGroup(FIXTURE_GROUP, STORE_ID, 'genesis');
    const run = await e2e.inProcess.cancel({ files, inputs: { path } });
    expect(run.exitCode).toBe(0);
    expect(onlyOne(run.seen.cancels, 'cancel')).toMatchObject({ accepted: true, body: JSON.stringify({ groupId: FIXTURE_GROUP }) });
    expect(receiptOf(run).source).toEqual({ path, document: 'output' });
  });

  it('a service account without the permission: the 403 names it, current name first', async () => {
    e2e.sandbox.addKeyStore('ks-no-cancel', { cancel: false });
    e2e.sandbox.openGroup('gr-on-no-cancel', 'ks-no-cancel', 'clone');
    const run = await e2e.inProcess.cancel({ inputs: { 'store-id': 'ks-no-cancel', 'group-id': 'gr-on-no-cancel' } });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toMatch(
      /: missing permission KeyStores:Instructions:Cancel \(Dfns error id \d+, request id req-[0-9a-f]+\)\. The service account needs the permission KeyStores:Instructions:Cancel \(formerly KeyStores:Fleets:Cancel\) on the key store \(canceling the fleet operation of group "gr-on-no-cancel"\), or Dfns refused the user action signature/,
    );
  });
});

/** The text of an input archive's input/input.json. */
function inputDocumentOf(archive: Buffer): string {
  const entry = listZip(archive).find((e) => e.name === 'input/input.json')!;
  return Buffer.from(readZipEntry(archive, entry)).toString('utf8');
}

describe("a first set-up's mistakes", () => {
  it('a token pasted with "Bearer " in front: the prefix is removed, with a warning, and the submission goes through', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dfns-token': `Bearer ${e2e.token}` },
    });
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'Dfns token prefix removed',
      message:
        'step input "dfns-token" starts with "Bearer ", which the action adds itself: the prefix was removed. Store the token alone in the secret',
    });
    expect(run.seen.requests.map((r) => r.headers['authorization'])).toEqual(run.seen.requests.map(() => `Bearer ${e2e.token}`));
    expect(run.seen.requests.map((r) => r.call)).toEqual(['init', 'action', 'submit']);
  });

  it('an OpenSSH private key: the format named, and how to convert it, before any call', async () => {
    const run = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'dfns-private-key': openSshPrivateKey('ed25519') },
    });
    expect(expectRefusedLocally(run, { title: 'Invalid step input' })).toMatch(
      /^step input "dfns-private-key" holds an OpenSSH private key \("BEGIN OPENSSH PRIVATE KEY", of type ssh-ed25519\), a format the action does not read: store it as PKCS#8 PEM \("BEGIN PRIVATE KEY"\): ssh-keygen cannot write an Ed25519 key as PKCS#8: convert it with Python's cryptography package, .+ or create a new key with `openssl genpkey -algorithm Ed25519 -out key\.pem` and register its public key with the service account\. Nothing was submitted\.$/,
    );
  });

  it('an input archive given to the output action: said so', async () => {
    const created = await e2e.inProcess.createInputArchive({
      inputs: { operation: 'genesis', 'store-id': STORE_ID, request: GENESIS_BODY },
    });
    const archive = onlyOne(created.seen.inputs, 'input').archive!;
    const run = await e2e.inProcess.submit({ files: { 'in.zip': archive }, inputs: { path: 'in.zip' } });
    expect(expectRefusedLocally(run, { title: 'Invalid output file' })).toBe(
      'in.zip (entry "input/input.json"): this is the input archive Dfns created for the fleet, not an output: submit the output the fleet produced from it ' +
        '(its "type" is "fleet-input"). Nothing was submitted.',
    );
  });
});
