/**
 * The Dfns sandbox must be strict: a sandbox that accepts anything would make every
 * end-to-end test meaningless. A minimal client (sandbox-client.ts, and FormData here) goes
 * through the happy path for every key kind, then breaks one rule at a time.
 */
import { constants, createHash, createHmac, createPrivateKey, sign } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateCredential, type KeyKind, type PemFormat, type TestCredential } from '../helpers/credentials.ts';
import { FLEET_ANSWER_MESSAGES, FLEET_OPERATIONS, type DfnsSandbox, type FleetOperation, type Operation } from '../sandbox/dfns-sandbox.ts';
import { FLEET_OUTPUT_JSON_SCHEMA, FLEET_OUTPUT_SCHEMA_PATH } from '../sandbox/fleet-output-schema.ts';
import { ORG_ID, STORE_ID } from '../sandbox/ids.ts';
import { parseMultipart } from '../sandbox/multipart.ts';
import { validateOutputJsonFor } from '../sandbox/submission.ts';
import { expectRefusal, expectSocketClosed, rejectionOf, toAnswer, type Answer } from './answers.ts';
import { initBody, ODD_STORE_ID, PERMISSION_NAMES, sandboxClient, startSession, type Challenge } from './sandbox-client.ts';

const USER_AGENT = 'sandbox-test/1.0.0';

const ONCHAIN_OUTPUT = {
  type: 'keystore-output',
  version: 1,
  org_id: ORG_ID,
  fleet_id: 'fl-6v0lr-c1o3e-8q1e6r3d2b9m7k4a',
  keystore_id: STORE_ID,
  group_id: 'gr-4h8k2-p0s9d-7f6g5h4j3k2l1m0n',
  status: 'partial',
  outputs: {
    'req-1': {
      type: 'onchain-sign-v1',
      result: { success: { 'key-a': { signer_public_key: '02b463', exact_bytes_signed: '9c12cf', signature: '3045022100f3' } } },
    },
    'req-2': { type: 'onchain-sign-v1', result: { fail: { code: 'KEY_NOT_FOUND', message: 'no such key' } } },
  },
};

const POC_OUTPUT = {
  ...ONCHAIN_OUTPUT,
  status: 'success',
  outputs: {
    'poc-1': {
      type: 'proof-of-control-v1',
      result: {
        success: {
          signer_public_key: '03a1b2',
          prefix: '446661736b',
          message: 'Dfns proof of control',
          exact_bytes_signed: '5f1e9d1d0b6f3a2c4e8b7a6d5c4b3a29180f7e6d5c4b3a291807f6e5d4c3b2a1',
          signature: '30440220',
        },
      },
    },
  },
};

/** The fleet fixtures (test/fixtures), one per fleet operation, exactly as on disk. */
const FLEET_FIXTURE_FILES: Record<FleetOperation, string> = {
  genesis: 'genesis-output.json',
  clone: 'clone-output.json',
  'add-mac-user': 'add-mac-user-output.json',
  'add-provisioner': 'add-provisioner-output.json',
  'key-harvest': 'key-harvest-output.json',
};
const fixtureBytes = (name: string): Buffer => readFileSync(join(import.meta.dirname, '..', 'fixtures', name));
const fleetFixture = (operation: FleetOperation): { file: Buffer; output: any } => {
  const file = fixtureBytes(FLEET_FIXTURE_FILES[operation]);
  return { file, output: JSON.parse(file.toString('utf8')) };
};

let sandbox: DfnsSandbox;
let credential: TestCredential;
let token: string;

beforeEach(async () => {
  ({ sandbox, credential, token } = await startSession());
});

afterEach(() => sandbox.close());

// ---------------------------------------------------------------------------------------
// A minimal Dfns client (sandbox-client.ts), and what is particular to submissions
// ---------------------------------------------------------------------------------------

const { call, initChallenge, assertion, completeAction, userActionFor } = sandboxClient(USER_AGENT, () => ({ sandbox, credential, token }));

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
const submitPath = (storeId: string, operation: Operation = 'onchain-sign'): string =>
  `/key-stores/${encodeURIComponent(storeId)}/${operation}/output`;

function dataPartFor(output: unknown, file: Uint8Array): string {
  return JSON.stringify({ outputJson: output, fileChecksum: sha256(file) });
}

interface PostOptions {
  fileName?: string;
  /** Sends `data` as a file (Blob) instead of a form field. */
  dataAsFile?: boolean;
}

function postOutput(path: string, userAction: string | undefined, data: string, file: Uint8Array, options: PostOptions = {}) {
  const form = new FormData();
  form.append('data', options.dataAsFile ? new Blob([data], { type: 'application/json' }) : data);
  form.append('file', new Blob([file], { type: 'application/octet-stream' }), options.fileName ?? 'keystore-output.json');
  return call(path, { body: form, headers: userAction === undefined ? {} : { 'x-dfns-useraction': userAction } });
}

interface SubmitOptions {
  storeId?: string;
  operation?: Operation;
  output?: unknown;
  file?: Uint8Array;
  /** The data part sent; default the one built from output and file. */
  dataPart?: string;
  /** What the user action signs; default the data part and the request path. */
  signedPayload?: string;
  signedPath?: string;
  /** The raw path requested; default the properly encoded one. */
  requestPath?: string;
}

/** The whole submission, with one rule optionally broken. */
async function submit(options: SubmitOptions = {}) {
  const output = options.output ?? ONCHAIN_OUTPUT;
  const file = options.file ?? Buffer.from(`${JSON.stringify(output, null, 2)}\n`);
  const data = options.dataPart ?? dataPartFor(output, file);
  const requestPath = options.requestPath ?? submitPath(options.storeId ?? STORE_ID, options.operation);
  const userAction = await userActionFor(options.signedPayload ?? data, options.signedPath ?? requestPath);
  const answer = await postOutput(requestPath, userAction, data, file);
  return { answer, userAction, data, file, requestPath };
}

/** fetch's rejection when the client gave up (aborted its AbortSignal). */
async function expectAborted(promise: Promise<unknown>): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(DOMException);
  expect(error).toMatchObject({ name: 'AbortError', message: 'This operation was aborted' });
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Waits until `ready()` holds, a turn of the event loop at a time, for at most `turns` turns:
 * what the sandbox does on a request is the request's own I/O, done in a few turns, never a
 * matter of wall time.
 */
async function until(ready: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (ready()) return;
    await nextTurn();
  }
  expect.fail(`not after ${turns} turns of the event loop: ${what}`);
}

/** The server side of the next connection whose request the sandbox starts answering (node:http's diagnostics channel). */
function nextServerSocket(): Promise<Socket> {
  return new Promise((resolve) => {
    const onRequest = (message: unknown): void => {
      unsubscribe('http.server.request.start', onRequest);
      resolve((message as { socket: Socket }).socket);
    };
    subscribe('http.server.request.start', onRequest);
  });
}

/**
 * The sandbox's waits (the `delay` fault) on a fake clock, moved on by the test: fetch, the
 * sockets and setImmediate keep running for real. Back to real timers after `run`.
 */
async function withFakeClock(run: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    await run();
  } finally {
    vi.useRealTimers();
  }
}

/**
 * One RSA key pair for the file, generated when a test first asks (a 2048-bit key takes long to
 * generate; any key shows the same), in the PEM format asked: the same key in PKCS#8 or PKCS#1.
 */
let rsaKey: TestCredential | undefined;
function rsaCredential(format: PemFormat = 'pkcs8'): TestCredential {
  rsaKey ??= generateCredential('rsa');
  if (format === 'pkcs8') return rsaKey;
  const privateKeyPem = createPrivateKey(rsaKey.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  return { ...rsaKey, privateKeyPem };
}

/** A request through node:http, which adds no header of its own (fetch always sends a User-Agent). */
function rawPost(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${sandbox.url}${path}`, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------
// Happy paths
// ---------------------------------------------------------------------------------------

describe('happy path', () => {
  const variants: Array<[KeyKind, PemFormat]> = [
    ['ed25519', 'pkcs8'],
    ['p256', 'pkcs8'],
    ['p256', 'sec1'],
    ['secp256k1', 'pkcs8'],
    ['secp256k1', 'sec1'],
    ['rsa', 'pkcs8'],
    ['rsa', 'pkcs1'],
  ];

  it.each(variants)('accepts and records a submission signed with %s (%s PEM)', async (kind, format) => {
    credential = kind === 'rsa' ? rsaCredential(format) : generateCredential(kind, format);
    expect(credential.privateKeyPem).toMatch(
      { pkcs8: /^-----BEGIN PRIVATE KEY-----\n/, sec1: /^-----BEGIN EC PRIVATE KEY-----\n/, pkcs1: /^-----BEGIN RSA PRIVATE KEY-----\n/ }[
        format
      ],
    );
    sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
    const { answer, userAction, data, file } = await submit();

    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ status: 'success' });
    expect(sandbox.requests.map((r) => [r.call, r.status])).toEqual([
      ['init', 200],
      ['action', 200],
      ['submit', 200],
    ]);
    expect(sandbox.connections).toBe(1);
    expect(new Set(sandbox.requests.map((r) => r.connectionId))).toEqual(new Set([1]));
    expect(sandbox.requests[0]!.headers['user-agent']).toBe(USER_AGENT);

    expect(sandbox.submissions).toHaveLength(1);
    const submission = sandbox.submissions[0]!;
    expect(submission).toMatchObject({
      storeId: STORE_ID,
      operation: 'onchain-sign',
      path: `/key-stores/${STORE_ID}/onchain-sign/output`,
      dataPart: data,
      fileName: 'keystore-output.json',
      fileContentType: 'application/octet-stream',
      outputJson: ONCHAIN_OUTPUT,
      fileChecksum: sha256(file),
      accepted: true,
      userActionToken: userAction,
      status: 200,
    });
    expect(submission.error).toBeUndefined();
    expect(submission.filePart).toEqual(file);
  });

  it('accepts a proof-of-control output on a store id that needs percent-encoding', async () => {
    const { answer, requestPath } = await submit({ storeId: ODD_STORE_ID, operation: 'proof-of-control', output: POC_OUTPUT });
    expect(answer.status, answer.text).toBe(200);
    expect(requestPath).toBe('/key-stores/ks-01%20test%2F%CE%B1/proof-of-control/output');
    expect(sandbox.submissions[0]).toMatchObject({ storeId: ODD_STORE_ID, operation: 'proof-of-control', accepted: true });
  });

  it('answers the init with the challenge and the registered credentials', async () => {
    const second = generateCredential('p256');
    sandbox.registerCredential(second.credentialId, second.publicKeyPem);
    const answer = await call('/auth/action/init', { json: initBody('{}', submitPath(STORE_ID)) });
    expect(answer.status).toBe(200);
    const body = answer.json as Challenge & Record<string, unknown>;
    expect(Buffer.from(body.challenge, 'base64url')).toHaveLength(32);
    expect(body.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.challengeIdentifier.split('.')).toHaveLength(3);
    expect(body.allowCredentials).toEqual({
      key: [
        { type: 'public-key', id: credential.credentialId },
        { type: 'public-key', id: second.credentialId },
      ],
      webauthn: [],
    });
    expect(body).toMatchObject({ userVerification: 'required', externalAuthenticationUrl: '' });
    expect(body['supportedCredentialKinds']).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'Key' })]));
  });

  it('accepts a clientData with origin and crossOrigin (Python SDK form)', async () => {
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const clientData = JSON.stringify({ type: 'key.get', challenge, origin: 'https://app.dfns.io', crossOrigin: false });
    const answer = await completeAction(challengeIdentifier, assertion(challenge, { clientData }));
    expect(answer.status, answer.text).toBe(200);
    expect((answer.json as { userAction: string }).userAction).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('answers what setSubmissionAnswer configures', async () => {
    sandbox.setSubmissionAnswer({ status: 200, body: { status: 'partial' }, headers: { 'x-extra': 'yes' } });
    const { answer } = await submit();
    expect(answer.json).toEqual({ status: 'partial' });
    expect(answer.headers.get('x-extra')).toBe('yes');
    expect(sandbox.submissions[0]).toMatchObject({ accepted: true, status: 200 });
  });
});

// ---------------------------------------------------------------------------------------
// Bearer token and User-Agent
// ---------------------------------------------------------------------------------------

describe('authentication', () => {
  const init = (bearer: string) => call('/auth/action/init', { bearer, json: initBody('x', '/x') });

  it('refuses an expired token', async () => {
    expectRefusal(await init(sandbox.issueToken({ expiresInSeconds: -60 })), 401, 'token expired');
  });

  it('refuses a token whose signature is not the sandbox’s', async () => {
    const [header, payload] = token.split('.') as [string, string, string];
    const forged = `${header}.${payload}.${createHmac('sha256', 'another secret').update(`${header}.${payload}`).digest('base64url')}`;
    expectRefusal(await init(forged), 401, /^unauthorized/);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expectRefusal(await init(none), 401, /^unauthorized/);
    expectRefusal(await init('not-a-jwt'), 401, /^unauthorized/);
  });

  it('refuses a token of another organisation (as another region would)', async () => {
    expectRefusal(await init(sandbox.issueToken({ orgId: 'or-someone-else' })), 401, /organisation/);
  });

  it('refuses a request without a bearer token', async () => {
    const answer = await rawPost('/auth/action/init', { 'user-agent': USER_AGENT, 'content-type': 'application/json' }, '{}');
    expect(answer.status).toBe(401);
  });

  it('refuses a request without a User-Agent', async () => {
    const body = JSON.stringify(initBody('x', '/x'));
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const missing = await rawPost('/auth/action/init', headers, body);
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/User-Agent/);
    const empty = await rawPost('/auth/action/init', { ...headers, 'user-agent': ' ' }, body);
    expect(empty.status).toBe(400);
    expect((await rawPost('/auth/action/init', { ...headers, 'user-agent': USER_AGENT }, body)).status).toBe(200);
  });

  it('answers 404 for anything else', async () => {
    expectRefusal(await call('/wallets', { json: {} }), 404, /no route/);
    const get = await toAnswer(await fetch(`${sandbox.url}/auth/action/init`, { headers: { authorization: `Bearer ${token}` } }));
    expectRefusal(get, 404, /no route/);
    expect(sandbox.requests.map((r) => r.call)).toEqual(['other', 'other']);
  });
});

// ---------------------------------------------------------------------------------------
// User action signing
// ---------------------------------------------------------------------------------------

describe('user action signing', () => {
  it('refuses an init body of the wrong shape (zod)', async () => {
    const answer = await call('/auth/action/init', { json: { ...initBody('x', '/x'), userActionServerKind: 'Staff' } });
    const error = expectRefusal(answer, 400, /userActionServerKind/);
    expect(error.details['issues']).toEqual([expect.objectContaining({ path: 'userActionServerKind' })]);
    const noPayload: Record<string, unknown> = initBody('x', '/x');
    delete noPayload['userActionPayload'];
    expectRefusal(await call('/auth/action/init', { json: noPayload }), 400, /userActionPayload/);
    expectRefusal(await call('/auth/action/init', { body: JSON.stringify(initBody('x', '/x')) }), 400, /application\/json/);
  });

  it('refuses an unknown credential', async () => {
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const answer = await completeAction(challengeIdentifier, assertion(challenge, { credId: 'cr-unknown' }));
    expectRefusal(answer, 403, /credential cr-unknown not found/);
  });

  it('refuses a clientData for another challenge, or of another type', async () => {
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const other = await initChallenge('x', '/x');
    const wrongChallenge = JSON.stringify({ type: 'key.get', challenge: other.challenge });
    expectRefusal(
      await completeAction(challengeIdentifier, assertion(challenge, { clientData: wrongChallenge })),
      403,
      /challenge does not match/,
    );

    const webauthn = JSON.stringify({ type: 'webauthn.get', challenge: other.challenge });
    expectRefusal(await completeAction(other.challengeIdentifier, assertion(other.challenge, { clientData: webauthn })), 403, /key\.get/);
  });

  it('refuses a signature by another key', async () => {
    const stranger = generateCredential('ed25519');
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const answer = await completeAction(
      challengeIdentifier,
      assertion(challenge, { signer: (data) => sign(undefined, data, createPrivateKey(stranger.privateKeyPem)) }),
    );
    expectRefusal(answer, 403, 'invalid signature');
  });

  it('refuses an RSA-PSS signature', async () => {
    credential = rsaCredential();
    sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
    const key = createPrivateKey(credential.privateKeyPem);
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const pss = (data: Buffer) => sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING });
    expectRefusal(await completeAction(challengeIdentifier, assertion(challenge, { signer: pss })), 403, 'invalid signature');
  });

  it.each(['p256', 'secp256k1'] as const)('refuses a raw r||s %s signature (DER is required)', async (kind) => {
    credential = generateCredential(kind);
    sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
    const key = createPrivateKey(credential.privateKeyPem);
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const raw = (data: Buffer) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    expect(raw(Buffer.from('probe'))).toHaveLength(64);
    expectRefusal(await completeAction(challengeIdentifier, assertion(challenge, { signer: raw })), 403, 'invalid signature');
  });

  it('refuses padded base64 in the assertion', async () => {
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const good = assertion(challenge);
    const answer = await completeAction(challengeIdentifier, {
      ...good,
      signature: Buffer.from(good.signature, 'base64url').toString('base64'),
    });
    expectRefusal(answer, 400, /base64url/);
  });

  it('lets a challenge be used once', async () => {
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    expect((await completeAction(challengeIdentifier, assertion(challenge))).status).toBe(200);
    expectRefusal(await completeAction(challengeIdentifier, assertion(challenge)), 403, 'challenge already used');
    expectRefusal(await completeAction('made.up.identifier', assertion(challenge)), 403, /challenge not found/);
  });
});

// ---------------------------------------------------------------------------------------
// The submission
// ---------------------------------------------------------------------------------------

describe('submission', () => {
  it('lets a user action token be used once', async () => {
    const { answer, userAction, data, file, requestPath } = await submit();
    expect(answer.status).toBe(200);
    expectRefusal(await postOutput(requestPath, userAction, data, file), 403, 'user action token invalid or already used');
    expect(sandbox.submissions.map((s) => s.accepted)).toEqual([true, false]);
    expect(sandbox.submissions[1]!.error).toBe('user action token invalid or already used');
  });

  it('refuses a submission without a user action token, or with an unknown one', async () => {
    const file = Buffer.from('{}');
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    expectRefusal(await postOutput(submitPath(STORE_ID), undefined, data, file), 403, /X-DFNS-USERACTION/);
    expectRefusal(await postOutput(submitPath(STORE_ID), 'forged', data, file), 403, 'user action token invalid or already used');
  });

  it('spends the token even when the submission is refused later', async () => {
    const file = Buffer.from(JSON.stringify(ONCHAIN_OUTPUT));
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    const path = submitPath('ks-unknown');
    const userAction = await userActionFor(data, path);
    expectRefusal(await postOutput(path, userAction, data, file), 404, 'key store not found');
    sandbox.addKeyStore('ks-unknown');
    expectRefusal(await postOutput(path, userAction, data, file), 403, 'user action token invalid or already used');
  });

  it('refuses a data part that differs from the signed payload by one byte', async () => {
    const file = Buffer.from(JSON.stringify(ONCHAIN_OUTPUT));
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    const { answer } = await submit({ file, dataPart: data, signedPayload: `${data} ` });
    expectRefusal(answer, 403, 'user action payload does not match the request body (the "data" part)');
    expect(sandbox.submissions[0]).toMatchObject({ accepted: false, dataPart: data });
  });

  it('refuses a path whose store id is not percent-encoded the way it was signed', async () => {
    const signedPath = submitPath(ODD_STORE_ID);
    const lowercaseEscapes = '/key-stores/ks-01%20test%2f%ce%b1/onchain-sign/output';
    const { answer } = await submit({ signedPath, requestPath: lowercaseEscapes });
    const error = expectRefusal(answer, 403, /signed for path/);
    expect(error.details).toEqual({ signedPath, requestPath: lowercaseEscapes });
    expect(sandbox.submissions[0]).toMatchObject({ storeId: ODD_STORE_ID, path: lowercaseEscapes, accepted: false });

    const unencoded = await submit({ signedPath: `/key-stores/${ODD_STORE_ID}/onchain-sign/output`, requestPath: signedPath });
    expectRefusal(unencoded.answer, 403, /signed for path/);
  });

  it('refuses a user action signed for another method', async () => {
    const file = Buffer.from('{}');
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    const path = submitPath(STORE_ID);
    const { challenge, challengeIdentifier } = await initChallenge(data, path, 'PUT');
    const userAction = (await completeAction(challengeIdentifier, assertion(challenge))).json as { userAction: string };
    expectRefusal(await postOutput(path, userAction.userAction, data, file), 403, /signed for method PUT/);
  });

  it('refuses an unknown key store (404)', async () => {
    expectRefusal((await submit({ storeId: 'ks-nowhere' })).answer, 404, 'key store not found');
  });

  it('refuses an operation the service account may not perform (403)', async () => {
    sandbox.addKeyStore('ks-poc-only', { operations: ['proof-of-control'] });
    sandbox.addKeyStore('ks-sign-only', { operations: ['onchain-sign'] });
    sandbox.addKeyStore('ks-none', { operations: [] });
    // the current names (renamed 2026-08-14), not KeyStores:OnchainSignatures:Create / KeyStores:ProofOfControl:Create
    expectRefusal((await submit({ storeId: 'ks-poc-only' })).answer, 403, 'missing permission KeyStores:Instructions:Keys:Sign');
    expectRefusal(
      (await submit({ storeId: 'ks-sign-only', operation: 'proof-of-control', output: POC_OUTPUT })).answer,
      403,
      'missing permission KeyStores:Instructions:Keys:ProveControl',
    );
    expectRefusal((await submit({ storeId: 'ks-none' })).answer, 403, 'missing permission KeyStores:Instructions:Keys:Sign');
  });

  it('refuses a wrong or malformed fileChecksum', async () => {
    const file = Buffer.from(JSON.stringify(ONCHAIN_OUTPUT));
    const wrong = JSON.stringify({ outputJson: ONCHAIN_OUTPUT, fileChecksum: sha256(`${file.toString()}\n`) });
    expectRefusal((await submit({ file, dataPart: wrong })).answer, 400, 'fileChecksum does not match the SHA-256 of the file');
    const upper = JSON.stringify({ outputJson: ONCHAIN_OUTPUT, fileChecksum: sha256(file).toUpperCase() });
    expectRefusal((await submit({ file, dataPart: upper })).answer, 400, 'fileChecksum must be 64 lowercase hex characters');
  });

  it('refuses a data part without exactly fileChecksum and outputJson', async () => {
    const file = Buffer.from('x');
    const extra = JSON.stringify({ outputJson: ONCHAIN_OUTPUT, fileChecksum: sha256(file), note: 1 });
    expectRefusal((await submit({ file, dataPart: extra })).answer, 400, /exactly the fields/);
    const missing = JSON.stringify({ outputJson: ONCHAIN_OUTPUT });
    expectRefusal((await submit({ file, dataPart: missing })).answer, 400, /exactly the fields/);
    expectRefusal((await submit({ file, dataPart: 'not json' })).answer, 400, /not valid JSON/);
  });

  it('refuses an outputJson that breaks the schema (400 with the ajv errors)', async () => {
    const bad = structuredClone(ONCHAIN_OUTPUT);
    bad.outputs['req-1'].result.success['key-a'].signature = '3045022100F3';
    const error = expectRefusal((await submit({ output: bad })).answer, 400, /^invalid outputJson/);
    expect(error.details['errors']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyword: 'pattern', instancePath: '/outputs/req-1/result/success/key-a/signature' }),
      ]),
    );

    const extraInResult = structuredClone(ONCHAIN_OUTPUT) as { outputs: Record<string, { result: Record<string, unknown> }> };
    extraInResult.outputs['req-2']!.result['note'] = 'anyOf branches have additionalProperties: false';
    expectRefusal((await submit({ output: extraInResult })).answer, 400, /^invalid outputJson/);

    const noGroup: Record<string, unknown> = { ...ONCHAIN_OUTPUT };
    delete noGroup['group_id'];
    const missing = expectRefusal((await submit({ output: noGroup })).answer, 400, /group_id/);
    expect(missing.details['errors']).toEqual([expect.objectContaining({ keyword: 'required' })]);

    const shortDigest = structuredClone(POC_OUTPUT);
    shortDigest.outputs['poc-1'].result.success.exact_bytes_signed = 'abcd';
    expectRefusal((await submit({ output: shortDigest, operation: 'proof-of-control' })).answer, 400, /^invalid outputJson/);

    expect(sandbox.submissions.map((s) => [s.accepted, s.status])).toEqual([
      [false, 400],
      [false, 400],
      [false, 400],
      [false, 400],
    ]);
  });

  it('keeps extra fields the schema leaves open', async () => {
    const open = { ...ONCHAIN_OUTPUT, generated_at: '2026-11-20T09:14:03Z' };
    expect((await submit({ output: open })).answer.status).toBe(200);
  });

  it('refuses a malformed multipart body', async () => {
    const file = Buffer.from('{}');
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    const path = submitPath(STORE_ID);
    const asFile = await postOutput(path, await userActionFor(data, path), data, file, { dataAsFile: true });
    expectRefusal(asFile, 400, /"data" part must be a form field/);

    const userAction = await userActionFor(data, path);
    const notMultipart = await call(path, { body: data, headers: { 'x-dfns-useraction': userAction, 'content-type': 'application/json' } });
    expectRefusal(notMultipart, 400, /multipart/);
  });
});

// ---------------------------------------------------------------------------------------
// The five fleet operations (fleet-output, the shared YAML schema)
// ---------------------------------------------------------------------------------------

describe('fleet operations', () => {
  it('has one fixed answer message per fleet operation', () => {
    expect(FLEET_ANSWER_MESSAGES).toEqual({
      genesis: 'Genesis output received',
      clone: 'Clone output received',
      'add-mac-user': 'Add Mac User output received',
      'add-provisioner': 'Add Provisioner output received',
      'key-harvest': 'Key Harvest output received',
    });
  });

  it.each(FLEET_OPERATIONS)('accepts the %s fixture and answers {message}', async (operation) => {
    const { file, output } = fleetFixture(operation);
    const { answer, data, requestPath } = await submit({ operation, output, file });

    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ message: FLEET_ANSWER_MESSAGES[operation] });
    expect(requestPath).toBe(`/key-stores/${STORE_ID}/${operation}/output`);
    expect(sandbox.submissions).toHaveLength(1);
    const submission = sandbox.submissions[0]!;
    expect(submission).toMatchObject({ storeId: STORE_ID, operation, dataPart: data, outputJson: output, accepted: true, status: 200 });
    expect(submission.error).toBeUndefined();
    expect(submission.protocolProblems).toEqual([]);
    expect(submission.filePart).toEqual(file);
    expect(sandbox.protocolProblems).toEqual([]);
  });

  it('keeps the fields the schema leaves open (genesis fixture)', async () => {
    const { file, output } = fleetFixture('genesis');
    expect(output.ceremony_started_at).toBe('2026-12-02T08:41:17Z');
    expect((await submit({ operation: 'genesis', output, file })).answer.status).toBe(200);
    const recorded = sandbox.submissions[0]!.outputJson as Record<string, unknown>;
    expect(recorded['ceremony_started_at']).toBe('2026-12-02T08:41:17Z');
    expect(recorded['governance']).toEqual({ provisioners_required: 2, provisioners_total: 3, operational_users: 1 });
  });

  it.each(FLEET_OPERATIONS)('the %s fixture is a valid fleet-output, pretty-printed, with the shared ids', (operation) => {
    const { file, output } = fleetFixture(operation);
    expect(file.toString('utf8')).toBe(`${JSON.stringify(output, null, 2)}\n`);
    expect(validateOutputJsonFor(operation, output)).toEqual({ ok: true });
    // the same document is no keystore-output
    expect(validateOutputJsonFor('onchain-sign', output)).toMatchObject({ ok: false });
    expect(output).toMatchObject({
      type: 'fleet-output',
      version: 1,
      status: 'success',
      org_id: ORG_ID,
      fleet_id: 'fl-6v0lr-c1o3e-8q1e6r3d2b9m7k4a',
      keystore_id: STORE_ID,
      group_id: 'gr-4h8k2-p0s9d-7f6g5h4j3k2l1m0n',
      online_domain: 'api.dfns.io',
    });
    const kinds = Object.values(output.outputs as Record<string, { success: { type: string } }>).map((entry) => entry.success.type);
    expect(kinds.length).toBeGreaterThanOrEqual(1);
    const kind = { genesis: 'genesis-registration', clone: 'clone-registration' }[operation as string] ?? operation;
    expect(new Set(kinds)).toEqual(new Set([kind]));
  });

  it('loads the schema from the verbatim YAML copy beside the sandbox, comments and all', () => {
    const text = readFileSync(FLEET_OUTPUT_SCHEMA_PATH, 'utf8');
    expect(text.slice(0, text.indexOf('\n') + 1)).toBe(
      "# The `outputJson` of the five fleet operations' submissions (`type: fleet-output`):\n",
    );
    expect(FLEET_OUTPUT_JSON_SCHEMA['required']).toEqual([
      'type',
      'version',
      'status',
      'org_id',
      'fleet_id',
      'fleet_label',
      'keystore_id',
      'group_id',
      'online_domain',
      'outputs',
    ]);
  });

  it('refuses a fleet-output that breaks the schema (400 with the ajv errors)', async () => {
    const { output } = fleetFixture('genesis');

    const noLabel = structuredClone(output);
    delete noLabel.fleet_label;
    const missing = expectRefusal(
      (await submit({ operation: 'genesis', output: noLabel })).answer,
      400,
      "invalid outputJson: outputJson must have required property 'fleet_label'",
    );
    expect(missing.details['errors']).toEqual([expect.objectContaining({ keyword: 'required', instancePath: '' })]);

    const noSuccess = structuredClone(output);
    noSuccess.outputs['op-genesis-01'] = { result: noSuccess.outputs['op-genesis-01'].success };
    expectRefusal(
      (await submit({ operation: 'genesis', output: noSuccess })).answer,
      400,
      "invalid outputJson: outputJson/outputs/op-genesis-01 must have required property 'success'",
    );

    const partial = { ...output, status: 'partial' };
    expectRefusal(
      (await submit({ operation: 'genesis', output: partial })).answer,
      400,
      'invalid outputJson: outputJson/status must be equal to one of the allowed values',
    );

    const noSerial = structuredClone(output);
    delete noSerial.outputs['op-genesis-01'].success.hsm_serial;
    const oneOf = expectRefusal((await submit({ operation: 'genesis', output: noSerial })).answer, 400, /^invalid outputJson: /);
    expect(oneOf.message).toContain("outputJson/outputs/op-genesis-01/success must have required property 'hsm_serial'");
    expect(oneOf.message).toMatch(/, outputJson\/outputs\/op-genesis-01\/success must match exactly one schema in oneOf$/);

    expect(sandbox.submissions.map((s) => [s.accepted, s.status])).toEqual([
      [false, 400],
      [false, 400],
      [false, 400],
      [false, 400],
    ]);
    // broken, but not out of place
    expect(sandbox.protocolProblems).toEqual([]);
  });

  const fleetPermissions = FLEET_OPERATIONS.map((operation) => [operation, PERMISSION_NAMES[operation]] as const);
  it.each(fleetPermissions)('refuses %s without its permission, by its current name %s (403)', async (operation, permission) => {
    const others = FLEET_OPERATIONS.filter((op) => op !== operation);
    sandbox.addKeyStore('ks-other-ops', { operations: ['onchain-sign', 'proof-of-control', ...others] });
    const { file, output } = fleetFixture(operation);
    const { answer } = await submit({ storeId: 'ks-other-ops', operation, output, file });
    expectRefusal(answer, 403, `missing permission ${permission}`);
    expect(sandbox.submissions[0]).toMatchObject({ accepted: false, error: `missing permission ${permission}`, status: 403 });
  });

  it('lets a store added without options take all seven operations', async () => {
    sandbox.addKeyStore('ks-fresh');
    for (const operation of FLEET_OPERATIONS) {
      const { file, output } = fleetFixture(operation);
      expect((await submit({ storeId: 'ks-fresh', operation, output, file })).answer.status).toBe(200);
    }
    expect((await submit({ storeId: 'ks-fresh' })).answer.status).toBe(200);
    expect((await submit({ storeId: 'ks-fresh', operation: 'proof-of-control', output: POC_OUTPUT })).answer.status).toBe(200);
    expect(sandbox.submissions.map((s) => s.accepted)).toEqual([true, true, true, true, true, true, true]);
  });
});

// ---------------------------------------------------------------------------------------
// Answers: setSubmissionAnswer for all operations or for one
// ---------------------------------------------------------------------------------------

describe('submission answers', () => {
  it('overrides the answer of one operation only', async () => {
    const pending = { id: 'ap-3b1c9-approval', status: 'Pending', kind: 'Policy' };
    sandbox.setSubmissionAnswer({ status: 202, body: pending, headers: { 'x-only': 'genesis' } }, 'genesis');

    const genesis = fleetFixture('genesis');
    const held = (await submit({ operation: 'genesis', ...genesis })).answer;
    expect(held.status).toBe(202);
    expect(held.json).toEqual(pending);
    expect(held.headers.get('x-only')).toBe('genesis');

    const clone = fleetFixture('clone');
    const cloned = (await submit({ operation: 'clone', ...clone })).answer;
    expect(cloned.status).toBe(200);
    expect(cloned.json).toEqual({ message: 'Clone output received' });
    expect(cloned.headers.get('x-only')).toBeNull();

    const signed = (await submit()).answer;
    expect(signed.status).toBe(200);
    expect(signed.json).toEqual({ status: 'success' });
    expect(sandbox.submissions.map((s) => [s.operation, s.accepted, s.status])).toEqual([
      ['genesis', true, 202],
      ['clone', true, 200],
      ['onchain-sign', true, 200],
    ]);
  });

  it('overrides every operation without one; the last call that covers an operation wins; reset restores the defaults', async () => {
    sandbox.setSubmissionAnswer({ status: 200, body: { status: 'partial' } });
    sandbox.setSubmissionAnswer({ status: 200, body: { message: 'held for review' } }, 'key-harvest');
    expect((await submit()).answer.json).toEqual({ status: 'partial' });
    expect((await submit({ operation: 'clone', ...fleetFixture('clone') })).answer.json).toEqual({ status: 'partial' });
    expect((await submit({ operation: 'key-harvest', ...fleetFixture('key-harvest') })).answer.json).toEqual({
      message: 'held for review',
    });

    sandbox.resetSubmissionAnswer('clone');
    expect((await submit({ operation: 'clone', ...fleetFixture('clone') })).answer.json).toEqual({ message: 'Clone output received' });
    expect((await submit()).answer.json).toEqual({ status: 'partial' });

    sandbox.resetSubmissionAnswer();
    expect((await submit()).answer.json).toEqual({ status: 'success' });
    expect((await submit({ operation: 'key-harvest', ...fleetFixture('key-harvest') })).answer.json).toEqual({
      message: 'Key Harvest output received',
    });
  });

  it('records a configured error answer as not accepted, for that operation only', async () => {
    sandbox.setSubmissionAnswer({ status: 409, body: { error: { id: '1', status: 409, message: 'conflict' } } }, 'add-provisioner');
    expect((await submit({ operation: 'add-provisioner', ...fleetFixture('add-provisioner') })).answer.status).toBe(409);
    expect((await submit({ operation: 'add-mac-user', ...fleetFixture('add-mac-user') })).answer.status).toBe(200);
    expect(sandbox.submissions.map((s) => [s.accepted, s.error])).toEqual([
      [false, 'configured answer 409'],
      [true, undefined],
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Protocol problems: entries submitted to an endpoint they do not belong to
// ---------------------------------------------------------------------------------------

describe('protocol problems', () => {
  it('a keystore-output submitted to a fleet endpoint: refused 400 and recorded', async () => {
    const { answer, requestPath } = await submit({ operation: 'genesis', output: ONCHAIN_OUTPUT });
    const error = expectRefusal(answer, 400, /^invalid outputJson: /);
    expect(error.message).toContain("outputJson must have required property 'fleet_label'");
    expect(error.message).toContain('outputJson/type must be equal to one of the allowed values');
    const problems = [
      'outputJson is a keystore-output, which belongs to onchain-sign and proof-of-control, submitted to genesis',
      'entry "req-1" is onchain-sign-v1, which belongs to onchain-sign, submitted to genesis',
      'entry "req-2" is onchain-sign-v1, which belongs to onchain-sign, submitted to genesis',
    ];
    expect(sandbox.submissions[0]).toMatchObject({ operation: 'genesis', accepted: false, status: 400, protocolProblems: problems });
    expect(sandbox.protocolProblems).toEqual(problems.map((problem) => `${requestPath}: ${problem}`));
  });

  it('a fleet-output submitted to onchain-sign: refused 400 and recorded', async () => {
    const { file, output } = fleetFixture('genesis');
    expectRefusal(
      (await submit({ output, file })).answer,
      400,
      /^invalid outputJson: outputJson\/type must be equal to one of the allowed values/,
    );
    expect(sandbox.submissions[0]!.protocolProblems).toEqual([
      'outputJson is a fleet-output, which belongs to genesis, clone, add-mac-user, add-provisioner and key-harvest, submitted to onchain-sign',
      'entry "op-genesis-01" is genesis-registration, which belongs to genesis, submitted to onchain-sign',
    ]);
  });

  it('an onchain-sign output submitted to proof-of-control: accepted (the schema allows it) but recorded', async () => {
    const { answer } = await submit({ operation: 'proof-of-control', output: ONCHAIN_OUTPUT });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ status: 'success' });
    expect(sandbox.submissions[0]).toMatchObject({
      operation: 'proof-of-control',
      accepted: true,
      protocolProblems: [
        'entry "req-1" is onchain-sign-v1, which belongs to onchain-sign, submitted to proof-of-control',
        'entry "req-2" is onchain-sign-v1, which belongs to onchain-sign, submitted to proof-of-control',
      ],
    });
    expect(sandbox.protocolProblems).toEqual([
      `/key-stores/${STORE_ID}/proof-of-control/output: entry "req-1" is onchain-sign-v1, which belongs to onchain-sign, submitted to proof-of-control`,
      `/key-stores/${STORE_ID}/proof-of-control/output: entry "req-2" is onchain-sign-v1, which belongs to onchain-sign, submitted to proof-of-control`,
    ]);
  });

  it('a genesis output submitted to clone: accepted (one schema for all five) but recorded', async () => {
    const { file, output } = fleetFixture('genesis');
    const { answer } = await submit({ operation: 'clone', output, file });
    expect(answer.json).toEqual({ message: 'Clone output received' });
    expect(sandbox.submissions[0]).toMatchObject({
      accepted: true,
      protocolProblems: ['entry "op-genesis-01" is genesis-registration, which belongs to genesis, submitted to clone'],
    });
  });

  it('only the misplaced entries of a mixed document are listed', async () => {
    const { output } = fleetFixture('add-mac-user');
    output.outputs['op-provisioner-01'] = fleetFixture('add-provisioner').output.outputs['op-provisioner-01'];
    expect((await submit({ operation: 'add-mac-user', output })).answer.status).toBe(200);
    expect(sandbox.submissions[0]!.protocolProblems).toEqual([
      'entry "op-provisioner-01" is add-provisioner, which belongs to add-provisioner, submitted to add-mac-user',
    ]);
  });

  it('lists at most 20 misplaced entries, then a count', async () => {
    const entry = POC_OUTPUT.outputs['poc-1'];
    const outputs = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`poc-${i + 1}`, entry]));
    const { answer } = await submit({ output: { ...POC_OUTPUT, outputs } });
    expect(answer.status, answer.text).toBe(200);
    const problems = sandbox.submissions[0]!.protocolProblems;
    expect(problems).toHaveLength(21);
    expect(problems[0]).toBe('entry "poc-1" is proof-of-control-v1, which belongs to proof-of-control, submitted to onchain-sign');
    expect(problems[19]).toBe('entry "poc-20" is proof-of-control-v1, which belongs to proof-of-control, submitted to onchain-sign');
    expect(problems[20]).toBe('… and 3 more entries that do not belong to onchain-sign (23 in all)');
  });

  it('records nothing for a data part that is not JSON, or entries of unknown kinds', async () => {
    const file = Buffer.from('x');
    expectRefusal((await submit({ file, dataPart: 'not json' })).answer, 400, 'the "data" part is not valid JSON');
    const unknown = { ...ONCHAIN_OUTPUT, outputs: { 'req-9': { type: 'sign-v9', result: {} } } };
    expectRefusal(
      (await submit({ operation: 'genesis', output: { ...unknown, type: 'other-output' } })).answer,
      400,
      /^invalid outputJson: /,
    );
    expect(sandbox.submissions.map((s) => s.protocolProblems)).toEqual([[], []]);
    expect(sandbox.protocolProblems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// A gateway body limit
// ---------------------------------------------------------------------------------------

describe('gateway body limit', () => {
  const expectGateway413 = (answer: Answer) => {
    expect(answer.status, answer.text).toBe(413);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({ error: { id: expect.stringMatching(/^\d{19}$/), status: 413, message: 'request entity too large' } });
  };

  it('answers a submission over the limit 413, without processing it', async () => {
    const { file, output } = fleetFixture('genesis');
    const data = dataPartFor(output, file);
    const path = submitPath(STORE_ID, 'genesis');
    const userAction = await userActionFor(data, path);
    sandbox.setBodyLimit(2048);

    expectGateway413(await postOutput(path, userAction, data, file));
    expect(sandbox.submissions).toHaveLength(1);
    const refused = sandbox.submissions[0]!;
    expect(refused).toMatchObject({
      operation: 'genesis',
      storeId: STORE_ID,
      path,
      accepted: false,
      status: 413,
      dataPart: '',
      protocolProblems: [],
    });
    expect(refused.error).toMatch(/^request entity too large: \d+ bytes, over the gateway limit of 2048$/);
    expect(sandbox.requests.at(-1)).toMatchObject({ call: 'submit', status: 413 });

    // never reached Dfns: the user action token was not spent
    sandbox.setBodyLimit(undefined);
    const answer = await postOutput(path, userAction, data, file);
    expect(answer.status, answer.text).toBe(200);
    expect(sandbox.submissions.map((s) => [s.accepted, s.status])).toEqual([
      [false, 413],
      [true, 200],
    ]);
  });

  it('applies to any call, and lets a body at the limit through', async () => {
    const payload = 'x'.repeat(4096);
    const body = JSON.stringify(initBody(payload, '/x'));
    sandbox.setBodyLimit(Buffer.byteLength(body) - 1);
    expectGateway413(await call('/auth/action/init', { json: initBody(payload, '/x') }));
    sandbox.setBodyLimit(Buffer.byteLength(body));
    expect((await call('/auth/action/init', { json: initBody(payload, '/x') })).status).toBe(200);
    expect(sandbox.requests.map((r) => [r.call, r.status])).toEqual([
      ['init', 413],
      ['init', 200],
    ]);
  });

  it('leaves a queued fault for the next request that gets through', async () => {
    sandbox.injectFault('init', { kind: 'status', status: 503 });
    sandbox.setBodyLimit(10);
    expectGateway413(await call('/auth/action/init', { json: initBody('x', '/x') }));
    sandbox.setBodyLimit(undefined);
    expectRefusal(await call('/auth/action/init', { json: initBody('x', '/x') }), 503, 'service unavailable');
    expect(sandbox.requests.map((r) => [r.status, r.fault])).toEqual([
      [413, undefined],
      [503, 'status'],
    ]);
  });

  it('refuses a limit that is not a byte count', () => {
    expect(() => sandbox.setBodyLimit(-1)).toThrow('setBodyLimit: bytes must be a non-negative integer or undefined, got -1');
    expect(() => sandbox.setBodyLimit(1.5)).toThrow('setBodyLimit: bytes must be a non-negative integer or undefined, got 1.5');
  });
});

// ---------------------------------------------------------------------------------------
// Multipart parser
// ---------------------------------------------------------------------------------------

describe('multipart parser', () => {
  it('keeps each part byte for byte, even bytes that look like a boundary', async () => {
    const file = Buffer.concat([Buffer.from('\r\n--not-the-boundary\r\n\r\n'), Buffer.from([0, 255, 13, 10, 45, 45])]);
    const form = new FormData();
    form.append('data', ' {"a":"α"}\r\n');
    form.append('file', new Blob([file]), 'out "1".json');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const parts = parseMultipart(body, request.headers.get('content-type') ?? '');
    expect(parts.map((p) => [p.name, p.fileName])).toEqual([
      ['data', undefined],
      ['file', 'out %221%22.json'],
    ]);
    expect(parts[0]!.data.toString('utf8')).toBe(' {"a":"α"}\r\n');
    expect(parts[1]!.data).toEqual(file);
  });
});

// ---------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------

describe('faults', () => {
  it('status: answers the status, headers and a Dfns error body, then recovers', async () => {
    sandbox.injectFault('init', { kind: 'status', status: 503, headers: { 'retry-after': '1' } });
    const faulted = await call('/auth/action/init', { json: initBody('x', '/x') });
    expectRefusal(faulted, 503, 'service unavailable');
    expect(faulted.headers.get('retry-after')).toBe('1');
    expect((await call('/auth/action/init', { json: initBody('x', '/x') })).status).toBe(200);
    expect(sandbox.requests.map((r) => [r.status, r.fault])).toEqual([
      [503, 'status'],
      [200, undefined],
    ]);
  });

  it('status on a submission: not processed, the token is spent all the same', async () => {
    sandbox.injectFault('submit', { kind: 'status', status: 502, body: '<html>bad gateway</html>' });
    const { answer, userAction, data, file, requestPath } = await submit();
    expect(answer.status).toBe(502);
    expect(answer.text).toBe('<html>bad gateway</html>');
    expect(sandbox.submissions[0]).toMatchObject({ accepted: false, error: 'fault: status 502', status: 502 });
    expectRefusal(await postOutput(requestPath, userAction, data, file), 403, 'user action token invalid or already used');
  });

  it('status with process: the submission is accepted, the answer is an error', async () => {
    sandbox.injectFault('submit', { kind: 'status', status: 500, process: true });
    const { answer } = await submit();
    expectRefusal(answer, 500, 'internal server error');
    expect(sandbox.submissions[0]).toMatchObject({ accepted: true, fault: 'status 500', status: 500 });
  });

  it('reset: the socket is destroyed without an answer', async () => {
    sandbox.injectFault('action', { kind: 'reset' });
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    await expectSocketClosed(completeAction(challengeIdentifier, assertion(challenge)), 'fetch failed');
    expect(sandbox.requests.at(-1)).toMatchObject({ call: 'action', status: null, fault: 'reset' });
    // not handled: the challenge was not spent
    expect((await completeAction(challengeIdentifier, assertion(challenge))).status).toBe(200);
  });

  it('reset with process on a submission: accepted, but no answer', async () => {
    sandbox.injectFault('submit', { kind: 'reset', process: true });
    await expectSocketClosed(submit(), 'fetch failed');
    expect(sandbox.submissions[0]).toMatchObject({ accepted: true, status: null });
  });

  it('hang: no answer until the client gives up; close() ends the requests still hanging', async () => {
    sandbox.injectFault('init', { kind: 'hang' }, Infinity);
    const client = new AbortController();
    let settled = false;
    const first = call('/auth/action/init', { json: initBody('x', '/x'), signal: client.signal }).finally(() => (settled = true));
    await until(() => sandbox.requests.length === 1, 'the first request reaches the sandbox');
    // An answer would be back within a few turns, as the request arrived in a few.
    for (let turn = 0; turn < 100; turn++) await nextTurn();
    expect({ settled, status: sandbox.requests[0]!.status }).toEqual({ settled: false, status: null });
    client.abort();
    await expectAborted(first);
    // a second hung request, still open when the sandbox closes: close() ends it, it does not wait for it
    const pending = call('/auth/action/init', { json: initBody('x', '/x') });
    pending.catch(() => undefined);
    await until(() => sandbox.requests.length === 2, 'the second request reaches the sandbox');
    expect(sandbox.requests.map((r) => [r.status, r.fault])).toEqual([
      [null, 'hang'],
      [null, 'hang'],
    ]);
    await sandbox.close();
    await expectSocketClosed(pending, 'fetch failed');
  });

  it('truncated-body: headers promise more bytes than are sent', async () => {
    sandbox.injectFault('submit', { kind: 'truncated-body', process: true });
    const file = Buffer.from(JSON.stringify(ONCHAIN_OUTPUT));
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    const path = submitPath(STORE_ID);
    const form = new FormData();
    form.append('data', data);
    form.append('file', new Blob([file]), 'o.json');
    const res = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT, 'x-dfns-useraction': await userActionFor(data, path) },
      body: form,
    });
    expect(res.status).toBe(200);
    await expectSocketClosed(res.text(), 'terminated');
    expect(sandbox.submissions[0]).toMatchObject({ accepted: true, fault: 'truncated-body' });
  });

  it('malformed-json: 200 with a body that is not JSON', async () => {
    sandbox.injectFault('init', { kind: 'malformed-json' });
    const answer = await call('/auth/action/init', { json: initBody('x', '/x') });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"status":');
    expect(answer.json).toBeUndefined();
  });

  it('wrong-shape: 200 with a JSON body of the wrong shape', async () => {
    sandbox.injectFault('action', { kind: 'wrong-shape' });
    const { challenge, challengeIdentifier } = await initChallenge('x', '/x');
    const answer = await completeAction(challengeIdentifier, assertion(challenge));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ unexpected: true });
  });

  it('delay: answers normally after the delay, not before', async () => {
    sandbox.injectFault('submit', { kind: 'delay', ms: 300 });
    const file = Buffer.from(JSON.stringify(ONCHAIN_OUTPUT));
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    const path = submitPath(STORE_ID);
    const userAction = await userActionFor(data, path);
    await withFakeClock(async () => {
      let settled = false;
      const pending = postOutput(path, userAction, data, file).finally(() => (settled = true));
      await until(() => sandbox.submissions.length === 1, 'the submission reaches the sandbox');
      const held = { settled: false, submission: expect.objectContaining({ accepted: false, status: null, fault: 'delay 300ms' }) };
      expect({ settled, submission: sandbox.submissions[0] }).toEqual(held);
      await vi.advanceTimersByTimeAsync(299);
      expect({ settled, submission: sandbox.submissions[0] }).toEqual(held);
      await vi.advanceTimersByTimeAsync(1);
      const answer = await pending;
      expect(answer.status, answer.text).toBe(200);
      expect(sandbox.submissions[0]).toMatchObject({ accepted: true, status: 200, fault: 'delay 300ms' });
    });
  });

  it('delay: a client that gives up first never gets its submission processed', async () => {
    sandbox.injectFault('submit', { kind: 'delay', ms: 300 });
    const file = Buffer.from(JSON.stringify(ONCHAIN_OUTPUT));
    const data = dataPartFor(ONCHAIN_OUTPUT, file);
    const path = submitPath(STORE_ID);
    const userAction = await userActionFor(data, path);
    const form = new FormData();
    form.append('data', data);
    form.append('file', new Blob([file]), 'o.json');
    const headers = { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT, 'x-dfns-useraction': userAction };
    await withFakeClock(async () => {
      const client = new AbortController();
      const serverSocket = nextServerSocket();
      const pending = fetch(`${sandbox.url}${path}`, { method: 'POST', headers, body: form, signal: client.signal });
      await until(() => sandbox.submissions.length === 1, 'the submission reaches the sandbox');
      const socket = await serverSocket;
      const closed = once(socket, 'close');
      client.abort();
      await expectAborted(pending);
      await closed; // the sandbox's side of the connection is gone: the client gave up
      expect(sandbox.submissions[0]).toMatchObject({ accepted: false, status: null, fault: 'delay 300ms' });
      await vi.advanceTimersByTimeAsync(300);
      expect(sandbox.submissions[0]).toMatchObject({ accepted: false, error: 'fault: delay 300ms (the client gave up)', status: null });
    });
  });

  it('times: Infinity until clearFaults', async () => {
    sandbox.injectFault('init', { kind: 'status', status: 429 }, Infinity);
    for (let i = 0; i < 3; i++) expectRefusal(await call('/auth/action/init', { json: initBody('x', '/x') }), 429, 'too many requests');
    sandbox.clearFaults();
    expect((await call('/auth/action/init', { json: initBody('x', '/x') })).status).toBe(200);
  });
});
