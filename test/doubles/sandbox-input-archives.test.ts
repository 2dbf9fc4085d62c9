/**
 * The Dfns sandbox's seven input endpoints (`POST /key-stores/{storeId}/<operation>/input`):
 * user-action signed like any change, strict about the documented request bodies, answered
 * with a real zip archive. A minimal client (sandbox-client.ts) goes through the happy path for
 * every operation, then breaks one rule at a time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeRefusedEntries, listZip, readZipEntry } from '../../src/file/zip.ts';
import type { TestCredential } from '../helpers/credentials.ts';
import { OPERATIONS, type DfnsSandbox, type Operation } from '../sandbox/dfns-sandbox.ts';
import { UNSAFE_ARCHIVES } from '../sandbox/hostile.ts';
import { STORE_ID } from '../sandbox/ids.ts';
import { expectRefusal, expectSocketClosed } from './answers.ts';
import { ODD_STORE_ID, PERMISSION_NAMES, sandboxClient, startSession } from './sandbox-client.ts';

const USER_AGENT = 'sandbox-inputs-test/1.0.0';

/** A valid body per operation, every optional field given. */
const BODIES: Record<Operation, Record<string, unknown>> = {
  'onchain-sign': {},
  'proof-of-control': { walletIds: ['wa-3c2ph-8ovo1-9m5tpmvmd1dc4rb8', 'wa-7ag1q-0ii3e-8jv0rvbt7eb4lsd9'] },
  genesis: {
    kind: 'Genesis',
    numProvisioners: 3,
    numOperational: 1,
    numSecp256k1: 10,
    numEd25519: 5,
    hsmGenesisSerial: 'HSM-0001',
    macGenesisSerial: 'MAC-0001',
    hsmGenesisFirmwareVersion: '2.4',
  },
  clone: { kind: 'Clone', hsmSourceSerial: 'HSM-0001', hsmTargetSerial: 'HSM-0002', macTargetSerial: 'MAC-0002' },
  'add-mac-user': { kind: 'AddMacUser', macTargetSerial: 'MAC-0002', hsmTargetSerial: 'HSM-0002' },
  'add-provisioner': { kind: 'AddProvisioner', yubikeySerial: 'YK-21436587', hsmTargetSerial: 'HSM-0002' },
  'key-harvest': {
    kind: 'KeyHarvest',
    hsmTargetSerial: 'HSM-0002',
    macTargetSerial: 'MAC-0002',
    macTargetUsername: 'operator-1',
    numSecp256k1: 4,
    numEd25519: 2,
  },
};

let sandbox: DfnsSandbox;
let credential: TestCredential;
let token: string;

beforeEach(async () => {
  ({ sandbox, credential, token } = await startSession());
});

afterEach(() => sandbox.close());

// ---------------------------------------------------------------------------------------
// A minimal Dfns client (sandbox-client.ts), and what is particular to inputs
// ---------------------------------------------------------------------------------------

const { call, userActionFor } = sandboxClient(USER_AGENT, () => ({ sandbox, credential, token }));

const createInputPath = (storeId: string, operation: Operation): string => `/key-stores/${encodeURIComponent(storeId)}/${operation}/input`;

interface InputOptions {
  storeId?: string;
  operation?: Operation;
  /** The body: an object is sent as its JSON text, a string as is. Default BODIES[operation]. */
  body?: unknown;
  /** What the user action signs; default the body sent, for POST and the request path. */
  signedPayload?: string;
  signedPath?: string;
  signedMethod?: string;
  /** The raw path requested; default the properly encoded one. */
  requestPath?: string;
  /** The content-type sent; null sends none. */
  contentType?: string | null;
  /** A user action token to present instead of a fresh one; null presents none. */
  userAction?: string | null;
}

/** The whole input request, with one rule optionally broken. */
async function createInputArchive(options: InputOptions = {}) {
  const operation = options.operation ?? 'onchain-sign';
  const rawBody = options.body ?? BODIES[operation];
  const body = typeof rawBody === 'string' ? rawBody : JSON.stringify(rawBody);
  const requestPath = options.requestPath ?? createInputPath(options.storeId ?? STORE_ID, operation);
  const userAction =
    options.userAction === undefined
      ? await userActionFor(options.signedPayload ?? body, options.signedPath ?? requestPath, options.signedMethod)
      : options.userAction;
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  if (userAction !== null) headers['x-dfns-useraction'] = userAction;
  const answer = await call(requestPath, { body, headers });
  return { answer, userAction, body, requestPath };
}

/** Every entry of a zip, read with the action's own strict reader: name → text. */
function unzip(bytes: Buffer): Map<string, { method: number; text: string }> {
  const entries = new Map<string, { method: number; text: string }>();
  for (const entry of listZip(bytes)) {
    entries.set(entry.name, { method: entry.method, text: Buffer.from(readZipEntry(bytes, entry)).toString('utf8') });
  }
  return entries;
}

/** The JSON lines of a `.jsonl` entry (objects of strings, in both annexes); the text ends with a newline. */
function jsonLines(text: string): Array<Record<string, string>> {
  expect(text.slice(-1), 'the last character of the .jsonl entry').toBe('\n');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

/**
 * Waits until `ready()` holds, a turn of the event loop at a time, for at most `turns` turns:
 * what the sandbox does on a request is the request's own I/O, done in a few turns, never a
 * matter of wall time.
 */
async function until(ready: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (ready()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect.fail(`not after ${turns} turns of the event loop: ${what}`);
}

/** A copy of `operation`'s valid body without `fields`. */
function without(operation: Operation, ...fields: string[]): Record<string, unknown> {
  const body = { ...BODIES[operation] };
  for (const field of fields) delete body[field];
  return body;
}

// ---------------------------------------------------------------------------------------
// Happy paths
// ---------------------------------------------------------------------------------------

describe('creating an input', () => {
  it.each(OPERATIONS)('%s: 200 application/zip, a real zip of deflated entries, recorded', async (operation) => {
    const started = Date.now();
    const { answer, userAction, body, requestPath } = await createInputArchive({ operation });

    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/zip');
    expect(answer.headers.get('content-length')).toBe(String(answer.bytes.length));
    expect(answer.bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 3, 4]));
    const entries = unzip(answer.bytes);
    // the document, then the annex Dfns documents for onchain-sign and proof-of-control only
    const annex = { 'onchain-sign': ['input-annex/keys.jsonl'], 'proof-of-control': ['input-annex/wrapped-keystore.jsonl'] }[
      operation as string
    ];
    const names = ['input/input.json', ...(annex ?? [])];
    expect([...entries.keys()]).toEqual(names);
    expect([...entries.values()].map((entry) => entry.method)).toEqual(names.map(() => 8));

    const document = JSON.parse(entries.get('input/input.json')!.text);
    expect(document).toEqual({
      type: operation === 'onchain-sign' || operation === 'proof-of-control' ? 'keystore-input' : 'fleet-input',
      version: 1,
      operation,
      org_id: sandbox.orgId,
      keystore_id: STORE_ID,
      group_id: expect.stringMatching(/^gr-[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{16}$/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      request: BODIES[operation],
    });
    expect(Date.parse(document.created_at)).toBeGreaterThanOrEqual(started - 1000);

    expect(sandbox.requests.map((r) => [r.call, r.status])).toEqual([
      ['init', 200],
      ['action', 200],
      ['create', 200],
    ]);
    expect(sandbox.submissions).toEqual([]);
    expect(sandbox.inputs).toHaveLength(1);
    const recorded = sandbox.inputs[0]!;
    expect(recorded).toMatchObject({
      storeId: STORE_ID,
      operation,
      path: requestPath,
      body,
      userActionToken: userAction,
      accepted: true,
      status: 200,
      groupId: document.group_id,
    });
    expect(recorded.error).toBeUndefined();
    expect(recorded.fault).toBeUndefined();
    expect(recorded.archive).toEqual(answer.bytes);
  });

  it('onchain-sign: the annex holds a few keys, one JSON line each, with real public keys', async () => {
    const { answer } = await createInputArchive({ operation: 'onchain-sign' });
    const keys = jsonLines(unzip(answer.bytes).get('input-annex/keys.jsonl')!.text);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      expect(key).toEqual({
        key_id: expect.stringMatching(/^key-[0-9a-f]{16}$/),
        scheme: key.curve === 'ed25519' ? 'EdDSA' : 'ECDSA',
        curve: expect.stringMatching(/^(secp256k1|ed25519)$/),
        public_key: key.curve === 'ed25519' ? expect.stringMatching(/^[0-9a-f]{64}$/) : expect.stringMatching(/^0[23][0-9a-f]{64}$/),
      });
    }
    expect(new Set(keys.map((key) => key.key_id)).size).toBe(keys.length);
  });

  it('proof-of-control: the annex holds one wrapped key per wallet id, in order', async () => {
    const walletIds = ['wa-1', 'wa-2', 'wa-3'];
    const { answer } = await createInputArchive({ operation: 'proof-of-control', body: { walletIds } });
    expect(answer.status, answer.text).toBe(200);
    const wrapped = jsonLines(unzip(answer.bytes).get('input-annex/wrapped-keystore.jsonl')!.text);
    expect(wrapped.map((line) => line.wallet_id)).toEqual(walletIds);
    for (const line of wrapped) {
      expect(line).toMatchObject({ key_id: expect.stringMatching(/^key-/), curve: 'secp256k1', wrapped_key: expect.any(String) });
      expect(Buffer.from(line['wrapped_key']!, 'base64')).toHaveLength(48);
    }
  });

  it('accepts 100 wallet ids, and bodies without their optional fields', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `wa-${i}`);
    expect((await createInputArchive({ operation: 'proof-of-control', body: { walletIds: hundred } })).answer.status).toBe(200);
    const genesis = without('genesis', 'macGenesisSerial', 'hsmGenesisFirmwareVersion');
    const zeroes = { ...genesis, numProvisioners: 0, numOperational: 0, numSecp256k1: 0, numEd25519: 0 };
    expect((await createInputArchive({ operation: 'genesis', body: zeroes })).answer.status).toBe(200);
    const clone = without('clone', 'macTargetSerial');
    expect((await createInputArchive({ operation: 'clone', body: clone })).answer.status).toBe(200);
    const harvest = without('key-harvest', 'numSecp256k1', 'numEd25519');
    expect((await createInputArchive({ operation: 'key-harvest', body: harvest })).answer.status).toBe(200);
    expect(sandbox.inputs.map((input) => [input.operation, input.accepted])).toEqual([
      ['proof-of-control', true],
      ['genesis', true],
      ['clone', true],
      ['key-harvest', true],
    ]);
    const request = JSON.parse(unzip(sandbox.inputs[2]!.archive!).get('input/input.json')!.text).request;
    expect(request).toEqual(clone);
  });

  it('serves a store id that needs percent-encoding, and accepts a content-type with a charset', async () => {
    const { answer, requestPath } = await createInputArchive({
      storeId: ODD_STORE_ID,
      operation: 'add-mac-user',
      contentType: 'application/json; charset=utf-8',
    });
    expect(answer.status, answer.text).toBe(200);
    expect(requestPath).toBe('/key-stores/ks-01%20test%2F%CE%B1/add-mac-user/input');
    expect(JSON.parse(unzip(answer.bytes).get('input/input.json')!.text).keystore_id).toBe(ODD_STORE_ID);
    expect(sandbox.inputs[0]).toMatchObject({ storeId: ODD_STORE_ID, path: requestPath, accepted: true });
  });

  it('creates a fresh group id per input', async () => {
    await createInputArchive({ operation: 'clone' });
    await createInputArchive({ operation: 'clone' });
    const [first, second] = sandbox.inputs.map((input) => input.groupId);
    expect(first).toMatch(/^gr-/);
    expect(second).toMatch(/^gr-/);
    expect(first).not.toBe(second);
  });

  it('is not an input: another operation, another method', async () => {
    const unknown = await call('/key-stores/ks-1/sign/input', { json: {} });
    expectRefusal(unknown, 404, 'no route for POST /key-stores/ks-1/sign/input');
    const get = await fetch(`${sandbox.url}${createInputPath(STORE_ID, 'genesis')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(404);
    expect(sandbox.requests.map((r) => r.call)).toEqual(['other', 'other']);
    expect(sandbox.inputs).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The documented request bodies
// ---------------------------------------------------------------------------------------

describe('request body', () => {
  const withField = (operation: Operation, field: string, value: unknown) => ({ ...BODIES[operation], [field]: value });

  const hundredAndOne = Array.from({ length: 101 }, (_, i) => `wa-${i}`);
  const objectError = 'must be a JSON object';
  /** [case, operation, body, field named ('' for the body itself), problem] */
  const cases: Array<[string, Operation, unknown, string, string]> = [
    ['onchain-sign: any field', 'onchain-sign', { walletIds: ['wa-1'] }, '', 'unknown field "walletIds"'],
    ['proof-of-control: no walletIds', 'proof-of-control', {}, 'walletIds', 'is required'],
    [
      'proof-of-control: walletIds not an array',
      'proof-of-control',
      { walletIds: 'wa-1' },
      'walletIds',
      'must be an array of 1 to 100 wallet ids',
    ],
    ['proof-of-control: no wallet id', 'proof-of-control', { walletIds: [] }, 'walletIds', 'must list 1 to 100 wallet ids'],
    ['proof-of-control: 101 wallet ids', 'proof-of-control', { walletIds: hundredAndOne }, 'walletIds', 'must list 1 to 100 wallet ids'],
    ['proof-of-control: an empty wallet id', 'proof-of-control', { walletIds: ['wa-1', ''] }, 'walletIds[1]', 'must be a non-empty string'],
    ['proof-of-control: a wallet id not a string', 'proof-of-control', { walletIds: [7] }, 'walletIds[0]', 'must be a non-empty string'],
    ['genesis: kind of another operation', 'genesis', withField('genesis', 'kind', 'Clone'), 'kind', 'must be "Genesis"'],
    [
      'genesis: negative count',
      'genesis',
      withField('genesis', 'numProvisioners', -1),
      'numProvisioners',
      'must be a non-negative integer',
    ],
    [
      'genesis: fractional count',
      'genesis',
      withField('genesis', 'numOperational', 1.5),
      'numOperational',
      'must be a non-negative integer',
    ],
    ['genesis: count as a string', 'genesis', withField('genesis', 'numSecp256k1', '10'), 'numSecp256k1', 'must be a non-negative integer'],
    ['genesis: missing count', 'genesis', without('genesis', 'numEd25519'), 'numEd25519', 'is required'],
    ['genesis: empty serial', 'genesis', withField('genesis', 'hsmGenesisSerial', ''), 'hsmGenesisSerial', 'must be a non-empty string'],
    [
      'genesis: null optional serial',
      'genesis',
      withField('genesis', 'macGenesisSerial', null),
      'macGenesisSerial',
      'must be a non-empty string',
    ],
    [
      'genesis: another firmware',
      'genesis',
      withField('genesis', 'hsmGenesisFirmwareVersion', '2.5'),
      'hsmGenesisFirmwareVersion',
      'must be "2.4"',
    ],
    ['clone: no kind', 'clone', without('clone', 'kind'), 'kind', 'is required'],
    ['clone: no source serial', 'clone', without('clone', 'hsmSourceSerial'), 'hsmSourceSerial', 'is required'],
    ['clone: an unknown field', 'clone', withField('clone', 'note', 'x'), '', 'unknown field "note"'],
    [
      'add-mac-user: serial as a number',
      'add-mac-user',
      withField('add-mac-user', 'macTargetSerial', 42),
      'macTargetSerial',
      'must be a non-empty string',
    ],
    [
      'add-mac-user: kind of add-provisioner',
      'add-mac-user',
      withField('add-mac-user', 'kind', 'AddProvisioner'),
      'kind',
      'must be "AddMacUser"',
    ],
    ['add-provisioner: no yubikey serial', 'add-provisioner', without('add-provisioner', 'yubikeySerial'), 'yubikeySerial', 'is required'],
    [
      'add-provisioner: a field of add-mac-user',
      'add-provisioner',
      withField('add-provisioner', 'macTargetSerial', 'M'),
      '',
      'unknown field "macTargetSerial"',
    ],
    [
      'key-harvest: empty username',
      'key-harvest',
      withField('key-harvest', 'macTargetUsername', ''),
      'macTargetUsername',
      'must be a non-empty string',
    ],
    [
      'key-harvest: negative optional count',
      'key-harvest',
      withField('key-harvest', 'numEd25519', -2),
      'numEd25519',
      'must be a non-negative integer',
    ],
    ['key-harvest: two unknown fields', 'key-harvest', { ...BODIES['key-harvest'], a: 1, b: 2 }, '', 'unknown fields "a", "b"'],
    ['an array', 'onchain-sign', [], '', objectError],
    ['null', 'clone', null, '', objectError],
  ];

  it.each(cases)('refuses %s (400, naming the field)', async (_name, operation, body, field, problem) => {
    const message = `invalid request body: ${field ? `${field}: ` : ''}${problem}`;
    const { answer } = await createInputArchive({ operation, body: JSON.stringify(body) });
    const error = expectRefusal(answer, 400, message);
    expect(error.details['issues']).toEqual([{ path: field, message: problem }]);
    expect(sandbox.inputs).toHaveLength(1);
    expect(sandbox.inputs[0]).toMatchObject({ operation, accepted: false, status: 400, error: message });
    expect(sandbox.inputs[0]!.archive).toBeUndefined();
  });

  it('lists every problem, in order, separated by "; "', async () => {
    const { answer } = await createInputArchive({ operation: 'genesis', body: { kind: 'Genesis', numProvisioners: -1, extra: true } });
    const error = expectRefusal(
      answer,
      400,
      'invalid request body: numProvisioners: must be a non-negative integer; numOperational: is required; numSecp256k1: is required; ' +
        'numEd25519: is required; hsmGenesisSerial: is required; unknown field "extra"',
    );
    expect(error.details['issues']).toEqual([
      { path: 'numProvisioners', message: 'must be a non-negative integer' },
      { path: 'numOperational', message: 'is required' },
      { path: 'numSecp256k1', message: 'is required' },
      { path: 'numEd25519', message: 'is required' },
      { path: 'hsmGenesisSerial', message: 'is required' },
      { path: '', message: 'unknown field "extra"' },
    ]);
  });

  it('refuses a body that is not JSON, or empty (onchain-sign documents `{}`)', async () => {
    expectRefusal((await createInputArchive({ body: '{' })).answer, 400, 'invalid request body: not valid JSON');
    expectRefusal((await createInputArchive({ body: '' })).answer, 400, 'invalid request body: not valid JSON');
    expect(sandbox.inputs.map((input) => [input.body, input.accepted, input.status])).toEqual([
      ['{', false, 400],
      ['', false, 400],
    ]);
  });

  it('refuses a content-type other than application/json (400)', async () => {
    expectRefusal((await createInputArchive({ contentType: 'text/plain' })).answer, 400, 'content-type must be application/json');
    expectRefusal((await createInputArchive({ contentType: null })).answer, 400, 'content-type must be application/json');
  });
});

// ---------------------------------------------------------------------------------------
// Store, permission, user action
// ---------------------------------------------------------------------------------------

describe('key store and permission', () => {
  it('refuses an unknown key store (404)', async () => {
    const { answer } = await createInputArchive({ storeId: 'ks-nowhere', operation: 'genesis' });
    expectRefusal(answer, 404, 'key store not found');
    expect(sandbox.inputs[0]).toMatchObject({ storeId: 'ks-nowhere', accepted: false, status: 404, error: 'key store not found' });
  });

  it.each(OPERATIONS)('%s: refuses a store without the permission (403 naming its current name)', async (operation) => {
    sandbox.addKeyStore('ks-none', { operations: [] });
    expectRefusal(
      (await createInputArchive({ storeId: 'ks-none', operation })).answer,
      403,
      `missing permission ${PERMISSION_NAMES[operation]}`,
    );
  });

  it('one permission covers an operation input and output; other operations stay refused', async () => {
    sandbox.addKeyStore('ks-sign-only', { operations: ['onchain-sign'] });
    expect((await createInputArchive({ storeId: 'ks-sign-only', operation: 'onchain-sign' })).answer.status).toBe(200);
    expectRefusal(
      (await createInputArchive({ storeId: 'ks-sign-only', operation: 'proof-of-control' })).answer,
      403,
      'missing permission KeyStores:Instructions:Keys:ProveControl',
    );
    expectRefusal(
      (await createInputArchive({ storeId: 'ks-sign-only', operation: 'key-harvest' })).answer,
      403,
      'missing permission KeyStores:Instructions:Fleets:Keys:Harvest',
    );
  });

  it('checks in order: token, payload, content-type, store, permission, body', async () => {
    sandbox.addKeyStore('ks-none', { operations: [] });
    const bad = '{"kind":"Nope"}';
    // the store is checked before the body, the permission before the body
    expectRefusal((await createInputArchive({ storeId: 'ks-nowhere', operation: 'clone', body: bad })).answer, 404, 'key store not found');
    const unpermitted = await createInputArchive({ storeId: 'ks-none', operation: 'clone', body: bad });
    expectRefusal(unpermitted.answer, 403, 'missing permission KeyStores:Instructions:Fleets:Clone');
    // the content-type before the store
    const text = await createInputArchive({ storeId: 'ks-nowhere', contentType: 'text/plain' });
    expectRefusal(text.answer, 400, 'content-type must be application/json');
    // the payload before the content-type
    const payload = await createInputArchive({ storeId: 'ks-nowhere', contentType: 'text/plain', signedPayload: '{ }' });
    expectRefusal(payload.answer, 403, 'user action payload does not match the request body');
    // the user action token before anything else of the request
    const unsigned = await createInputArchive({ storeId: 'ks-nowhere', body: bad, userAction: null });
    expectRefusal(unsigned.answer, 403, 'missing user action token (X-DFNS-USERACTION header)');
  });
});

describe('user action', () => {
  it('refuses a body that differs from the signed payload by one byte (403)', async () => {
    const body = JSON.stringify(BODIES['add-provisioner']);
    const { answer } = await createInputArchive({
      operation: 'add-provisioner',
      body,
      signedPayload: body.replace('YK-21436587', 'YK-21436588'),
    });
    expectRefusal(answer, 403, 'user action payload does not match the request body');
    const spaced = await createInputArchive({ operation: 'add-provisioner', body: `${body} `, signedPayload: body });
    expectRefusal(spaced.answer, 403, 'user action payload does not match the request body');
    expect(sandbox.inputs.map((input) => [input.accepted, input.error])).toEqual([
      [false, 'user action payload does not match the request body'],
      [false, 'user action payload does not match the request body'],
    ]);
  });

  it('lets a user action token be used once', async () => {
    const { answer, userAction, body, requestPath } = await createInputArchive({ operation: 'genesis' });
    expect(answer.status, answer.text).toBe(200);
    const again = await call(requestPath, { body, headers: { 'content-type': 'application/json', 'x-dfns-useraction': userAction! } });
    expectRefusal(again, 403, 'user action token invalid or already used');
    expect(sandbox.inputs.map((input) => [input.accepted, input.status])).toEqual([
      [true, 200],
      [false, 403],
    ]);
  });

  it('spends the token even when the request is refused later', async () => {
    const { answer, userAction, body, requestPath } = await createInputArchive({ storeId: 'ks-later', operation: 'clone' });
    expectRefusal(answer, 404, 'key store not found');
    sandbox.addKeyStore('ks-later');
    const again = await call(requestPath, { body, headers: { 'content-type': 'application/json', 'x-dfns-useraction': userAction! } });
    expectRefusal(again, 403, 'user action token invalid or already used');
  });

  it('refuses a request without a user action token, or with an unknown one', async () => {
    expectRefusal((await createInputArchive({ userAction: null })).answer, 403, 'missing user action token (X-DFNS-USERACTION header)');
    expectRefusal((await createInputArchive({ userAction: 'not-a-token' })).answer, 403, 'user action token invalid or already used');
    expect(sandbox.inputs.map((input) => input.userActionToken)).toEqual(['', 'not-a-token']);
  });

  it('refuses a token signed for another path or method (the output of the same operation included)', async () => {
    const outputPath = `/key-stores/${STORE_ID}/onchain-sign/output`;
    const { answer } = await createInputArchive({ signedPath: outputPath });
    expectRefusal(answer, 403, `user action was signed for path ${outputPath}, not /key-stores/${STORE_ID}/onchain-sign/input`);
    expectRefusal((await createInputArchive({ signedMethod: 'PUT' })).answer, 403, 'user action was signed for method PUT, not POST');
  });

  it('refuses a path whose store id is not percent-encoded the way it was signed', async () => {
    const signedPath = createInputPath(ODD_STORE_ID, 'clone');
    const lowercase = signedPath.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    const { answer } = await createInputArchive({ operation: 'clone', signedPath, requestPath: lowercase });
    expectRefusal(answer, 403, `user action was signed for path ${signedPath}, not ${lowercase}`);
  });

  it('refuses an expired bearer token (401), recorded', async () => {
    token = sandbox.issueToken({ expiresInSeconds: -60 });
    const { answer } = await createInputArchive({ operation: 'clone', userAction: 'whatever' });
    expectRefusal(answer, 401, 'token expired');
    expect(sandbox.inputs[0]).toMatchObject({ accepted: false, status: 401, error: 'token expired' });
  });
});

// ---------------------------------------------------------------------------------------
// Faults, the gateway limit, configured answers
// ---------------------------------------------------------------------------------------

describe('faults on input', () => {
  it('status without process: answered 503, not handled, not accepted, the token spent', async () => {
    sandbox.injectFault('create', { kind: 'status', status: 503, headers: { 'retry-after': '2' } });
    const { answer, userAction, body, requestPath } = await createInputArchive({ operation: 'key-harvest' });
    expectRefusal(answer, 503, 'service unavailable');
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(sandbox.inputs[0]).toMatchObject({ accepted: false, error: 'fault: status 503', fault: 'status 503', status: 503 });
    expect(sandbox.inputs[0]!.archive).toBeUndefined();
    expect(sandbox.requests.at(-1)).toMatchObject({ call: 'create', status: 503, fault: 'status' });
    const again = await call(requestPath, { body, headers: { 'content-type': 'application/json', 'x-dfns-useraction': userAction! } });
    expectRefusal(again, 403, 'user action token invalid or already used');
  });

  it('status with process: the input is created, the answer is an error', async () => {
    sandbox.injectFault('create', { kind: 'status', status: 500, process: true });
    const { answer } = await createInputArchive({ operation: 'proof-of-control' });
    expectRefusal(answer, 500, 'internal server error');
    const recorded = sandbox.inputs[0]!;
    expect(recorded).toMatchObject({ accepted: true, fault: 'status 500', status: 500 });
    expect([...unzip(recorded.archive!).keys()]).toEqual(['input/input.json', 'input-annex/wrapped-keystore.jsonl']);
  });

  it('only input requests take an input fault, and a submit fault leaves inputs alone', async () => {
    sandbox.injectFault('submit', { kind: 'status', status: 502 });
    sandbox.injectFault('create', { kind: 'status', status: 429 });
    expectRefusal((await createInputArchive()).answer, 429, 'too many requests');
    expect((await createInputArchive()).answer.status).toBe(200);
    expect(sandbox.requests.map((r) => [r.call, r.status, r.fault])).toEqual([
      ['init', 200, undefined],
      ['action', 200, undefined],
      ['create', 429, 'status'],
      ['init', 200, undefined],
      ['action', 200, undefined],
      ['create', 200, undefined],
    ]);
  });

  it('reset with process: the input is created but not answered', async () => {
    sandbox.injectFault('create', { kind: 'reset', process: true });
    await expectSocketClosed(createInputArchive({ operation: 'genesis' }), 'fetch failed');
    expect(sandbox.inputs[0]).toMatchObject({ accepted: true, status: null, fault: 'reset' });
  });

  it('truncated-body with process: the archive is cut short', async () => {
    sandbox.injectFault('create', { kind: 'truncated-body', process: true });
    const body = JSON.stringify(BODIES['onchain-sign']);
    const path = createInputPath(STORE_ID, 'onchain-sign');
    const res = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'user-agent': USER_AGENT,
        'content-type': 'application/json',
        'x-dfns-useraction': await userActionFor(body, path),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(Number(res.headers.get('content-length'))).toBe(sandbox.inputs[0]!.archive!.length + 64);
    await expectSocketClosed(res.arrayBuffer(), 'terminated');
  });

  it('wrong-shape and malformed-json: 200 with JSON (or not even) instead of a zip', async () => {
    sandbox.injectFault('create', { kind: 'wrong-shape' });
    sandbox.injectFault('create', { kind: 'malformed-json' });
    const shaped = (await createInputArchive()).answer;
    expect([shaped.status, shaped.headers.get('content-type'), shaped.json]).toEqual([200, 'application/json', { unexpected: true }]);
    const malformed = (await createInputArchive()).answer;
    expect([malformed.status, malformed.text]).toEqual([200, '{"status":']);
    expect(sandbox.inputs.map((input) => [input.accepted, input.error])).toEqual([
      [false, 'fault: wrong-shape'],
      [false, 'fault: malformed-json'],
    ]);
  });

  it('delay: answers the archive after the delay, not before', async () => {
    sandbox.injectFault('create', { kind: 'delay', ms: 300 });
    const body = JSON.stringify(BODIES['add-provisioner']);
    const userAction = await userActionFor(body, createInputPath(STORE_ID, 'add-provisioner'));
    // The sandbox waits on a fake clock, which the test moves on; fetch and the sockets run for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let settled = false;
      const pending = createInputArchive({ operation: 'add-provisioner', userAction }).finally(() => (settled = true));
      await until(() => sandbox.inputs.length === 1, 'the input request reaches the sandbox');
      const held = { settled: false, input: expect.objectContaining({ accepted: false, status: null, fault: 'delay 300ms' }) };
      expect({ settled, input: sandbox.inputs[0] }).toEqual(held);
      await vi.advanceTimersByTimeAsync(299);
      expect({ settled, input: sandbox.inputs[0] }).toEqual(held);
      await vi.advanceTimersByTimeAsync(1);
      const { answer } = await pending;
      expect(answer.status, answer.text).toBe(200);
      expect([...unzip(answer.bytes).keys()]).toEqual(['input/input.json']);
      expect(sandbox.inputs[0]).toMatchObject({ accepted: true, fault: 'delay 300ms', status: 200 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('the gateway body limit: 413 before Dfns, recorded, the token not spent', async () => {
    const body = JSON.stringify(BODIES.genesis);
    const path = createInputPath(STORE_ID, 'genesis');
    const userAction = await userActionFor(body, path);
    sandbox.injectFault('create', { kind: 'status', status: 503 });
    sandbox.setBodyLimit(16);
    const limited = await call(path, { body, headers: { 'content-type': 'application/json', 'x-dfns-useraction': userAction } });
    expect(limited.status).toBe(413);
    expect(limited.json).toEqual({ error: { id: expect.stringMatching(/^\d{19}$/), status: 413, message: 'request entity too large' } });
    expect(sandbox.inputs[0]).toMatchObject({
      operation: 'genesis',
      accepted: false,
      status: 413,
      error: `request entity too large: ${Buffer.byteLength(body)} bytes, over the gateway limit of 16`,
    });
    sandbox.setBodyLimit(undefined);
    // the fault was given back for the next request that gets through
    const faulted = await call(path, { body, headers: { 'content-type': 'application/json', 'x-dfns-useraction': userAction } });
    expectRefusal(faulted, 503, 'service unavailable');
    expect(sandbox.inputs.map((input) => [input.status, input.error])).toEqual([
      [413, `request entity too large: ${Buffer.byteLength(body)} bytes, over the gateway limit of 16`],
      [503, 'fault: status 503'],
    ]);
  });
});

describe('setInputAnswer', () => {
  it('answers JSON instead of the archive, for one operation only', async () => {
    const json = JSON.stringify({ id: 'in-1', status: 'Created' });
    sandbox.setInputAnswer({ status: 200, body: json, contentType: 'application/json' }, 'proof-of-control');
    const replaced = (await createInputArchive({ operation: 'proof-of-control' })).answer;
    expect([replaced.status, replaced.headers.get('content-type'), replaced.text]).toEqual([200, 'application/json', json]);
    const archive = (await createInputArchive({ operation: 'onchain-sign' })).answer;
    expect(archive.headers.get('content-type')).toBe('application/zip');
    expect(sandbox.inputs.map((input) => [input.operation, input.accepted, input.archive === undefined])).toEqual([
      ['proof-of-control', true, true],
      ['onchain-sign', true, false],
    ]);
  });

  it('answers HTML, an empty body or a Buffer for all seven; a 202 is accepted, a 409 not', async () => {
    sandbox.setInputAnswer({ status: 200, body: '<html>sign in</html>', contentType: 'text/html; charset=utf-8' });
    const html = (await createInputArchive({ operation: 'genesis' })).answer;
    expect([html.status, html.headers.get('content-type'), html.text]).toEqual([200, 'text/html; charset=utf-8', '<html>sign in</html>']);

    sandbox.setInputAnswer({ status: 200, body: '' });
    const empty = (await createInputArchive({ operation: 'clone' })).answer;
    expect([empty.status, empty.headers.get('content-type'), empty.bytes.length]).toEqual([200, null, 0]);

    const bytes = Buffer.from([0x50, 0x4b, 0x05, 0x06, 0xff]);
    sandbox.setInputAnswer({ status: 200, body: bytes, contentType: 'application/zip' }, 'key-harvest');
    expect((await createInputArchive({ operation: 'key-harvest' })).answer.bytes).toEqual(bytes);

    const pending = JSON.stringify({ id: 'ap-3b1c9-approval', status: 'Pending', kind: 'Policy' });
    sandbox.setInputAnswer({ status: 202, body: pending, contentType: 'application/json' });
    const held = (await createInputArchive({ operation: 'add-mac-user' })).answer;
    expect([held.status, held.json]).toEqual([202, JSON.parse(pending)]);

    const conflict = '{"error":{"id":"1","status":409,"message":"conflict"}}';
    sandbox.setInputAnswer({ status: 409, body: conflict, contentType: 'application/json' });
    expect((await createInputArchive({ operation: 'add-provisioner' })).answer.status).toBe(409);

    expect(sandbox.inputs.map((input) => [input.operation, input.accepted, input.status, input.error])).toEqual([
      ['genesis', true, 200, undefined],
      ['clone', true, 200, undefined],
      ['key-harvest', true, 200, undefined],
      ['add-mac-user', true, 202, undefined],
      ['add-provisioner', false, 409, 'configured answer 409'],
    ]);
  });

  it('leaves refusals alone: a configured answer replaces only the answer to an accepted request', async () => {
    sandbox.setInputAnswer({ status: 200, body: '{}', contentType: 'application/json' });
    expectRefusal((await createInputArchive({ storeId: 'ks-nowhere' })).answer, 404, 'key store not found');
  });

  it('resetInputAnswer: for one operation, then for all', async () => {
    sandbox.setInputAnswer({ status: 200, body: 'replaced', contentType: 'text/plain' });
    sandbox.resetInputAnswer('genesis');
    expect((await createInputArchive({ operation: 'genesis' })).answer.headers.get('content-type')).toBe('application/zip');
    expect((await createInputArchive({ operation: 'clone' })).answer.text).toBe('replaced');
    sandbox.resetInputAnswer();
    expect((await createInputArchive({ operation: 'clone' })).answer.headers.get('content-type')).toBe('application/zip');
  });
});

// ---------------------------------------------------------------------------------------
// The hostile modes: an echo of the request's headers, unsafe archives
// ---------------------------------------------------------------------------------------

describe('the echo fault', () => {
  it('answers with the request headers, the secret-bearing ones first, in the field asked', async () => {
    sandbox.injectFault('create', { kind: 'echo', status: 403, field: 'error-id' });
    const { answer, userAction } = await createInputArchive();
    expect(answer.status).toBe(403);
    const id = (answer.json as { error: { id: string } }).error.id;
    const secretsFirst = `Authorization: Bearer ${token}\r\nX-DFNS-USERACTION: ${userAction}\r\n`;
    expect(id.slice(0, secretsFirst.length)).toBe(secretsFirst);
    expect(id).toContain(`user-agent: ${USER_AGENT}`);
  });

  it('a 202 whose id is the user action token', async () => {
    sandbox.injectFault('create', { kind: 'echo', status: 202, field: 'approval-id' });
    const { answer, userAction } = await createInputArchive();
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ id: userAction, status: 'Pending', activity: { kind: 'KeyStores' } });
    expect(sandbox.userActionTokens).toContain(userAction);
  });
});

describe('the unsafe archive mode', () => {
  it.each(UNSAFE_ARCHIVES)('%s: the input is created (with its group), and answered an archive that breaks the rules', async (kind) => {
    sandbox.setUnsafeArchive(kind, 'onchain-sign');
    const { answer } = await createInputArchive();
    expect(answer.status, answer.text).toBe(200);
    expect(sandbox.inputs.at(-1)).toMatchObject({ accepted: true, groupId: expect.stringMatching(/^gr-/) });
    const entries = listZip(answer.bytes);
    const refused = describeRefusedEntries(entries);
    const files = entries.filter((entry) => entry.kind === 'file');
    // Either the action's rules refuse an entry, or the archive holds no file at all.
    const verdict = files.length === 0 ? 'no file at all' : refused;
    expect(verdict, `${kind}: the rules refuse none of ${entries.map((e) => `${e.name} ${e.kind}`).join(', ')}`).toEqual(
      expect.any(String),
    );
  });

  it('back to the normal archive, and only for the operation it was set for', async () => {
    sandbox.setUnsafeArchive('symlink', 'genesis');
    expect(describeRefusedEntries(listZip((await createInputArchive()).answer.bytes))).toBeUndefined();
    sandbox.setUnsafeArchive('symlink');
    sandbox.setUnsafeArchive(undefined);
    expect(describeRefusedEntries(listZip((await createInputArchive()).answer.bytes))).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------
// Fleet operations: the cancel, the key stores' list, the request ids
// ---------------------------------------------------------------------------------------

describe('canceling a fleet operation', () => {
  /** POST /key-stores/{storeId}/fleet-operations/cancel, user-action signed for `body`. */
  async function cancel(storeId: string, body: unknown) {
    const path = `/key-stores/${storeId}/fleet-operations/cancel`;
    const text = JSON.stringify(body);
    const userAction = await userActionFor(text, path);
    return call(path, { body: text, headers: { 'content-type': 'application/json', 'x-dfns-useraction': userAction } });
  }

  it("cancels the group an input opened, answering it as Dfns's SDK types describe it; a second cancel is a conflict", async () => {
    await createInputArchive({ operation: 'genesis' });
    const groupId = sandbox.inputs.at(-1)!.groupId!;
    const answer = await cancel(STORE_ID, { groupId, reason: 'abandoned' });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({
      groupId,
      storeId: STORE_ID,
      orgId: sandbox.orgId,
      status: 'Canceled',
      createdBy: expect.stringMatching(/^us-/),
      submittedBy: null,
      dateSubmitted: null,
      reviewedBy: null,
      dateReviewed: null,
      canceledBy: expect.stringMatching(/^us-/),
      dateCanceled: expect.any(String),
      reason: 'abandoned',
      dateCreated: expect.any(String),
      operations: [{ operationId: expect.stringMatching(/^op-/), kind: 'Genesis', status: 'Canceled', dateCreated: expect.any(String) }],
    });
    expect(sandbox.cancels.at(-1)).toMatchObject({ accepted: true, groupId, status: 200 });
    expectRefusal(
      await cancel(STORE_ID, { groupId }),
      409,
      'fleet operation group is Canceled: only an Initialized or InReview group can be canceled',
    );
  });

  it('refuses an unknown group, an unknown field, and a store without the permission', async () => {
    expectRefusal(await cancel(STORE_ID, { groupId: 'gr-none' }), 404, 'fleet operation group not found');
    expectRefusal(await cancel(STORE_ID, { groupId: 'gr-x', force: true }), 400, 'invalid request body: (root): Unrecognized key: "force"');
    sandbox.addKeyStore('ks-no-cancel', { cancel: false });
    sandbox.openGroup('gr-y', 'ks-no-cancel', 'clone');
    expectRefusal(await cancel('ks-no-cancel', { groupId: 'gr-y' }), 403, 'missing permission KeyStores:Instructions:Cancel');
  });
});

describe('GET /key-stores and X-Request-ID', () => {
  it('lists the key stores with their kind, or answers 403 without KeyStores:Read; every answer has a request id', async () => {
    sandbox.addKeyStore('ks-mpc', { kind: 'Mpc', name: 'hot wallets' });
    const list = await fetch(`${sandbox.url}/key-stores`, { headers: { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT } });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: unknown[] };
    expect(items[0]).toEqual({ id: STORE_ID, kind: 'OfflineSigner', primary: true });
    expect(items).toContainEqual({ id: 'ks-mpc', kind: 'Mpc', name: 'hot wallets', primary: false });
    expect(list.headers.get('x-request-id')).toMatch(/^req-[0-9a-f]{24}$/);
    expect(sandbox.requests.at(-1)).toMatchObject({ call: 'stores', status: 200, requestId: list.headers.get('x-request-id') });
    sandbox.setKeyStoresReadable(false);
    sandbox.setRequestIds(false);
    const refused = await fetch(`${sandbox.url}/key-stores`, { headers: { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('missing permission KeyStores:Read');
    expect(refused.headers.get('x-request-id')).toBeNull();
  });
});
