/**
 * The minimal Dfns client the sandbox's own tests share (node:crypto, fetch): a fresh sandbox
 * for each test, requests as its service account, user action signing; and the permission
 * names those tests hold the sandbox to, written out here rather than read from the sandbox.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { expect } from 'vitest';
import { generateCredential, type TestCredential } from '../helpers/credentials.ts';
import { startDfnsSandbox, type DfnsSandbox, type Operation } from '../sandbox/dfns-sandbox.ts';
import { STORE_ID } from '../sandbox/ids.ts';
import { toAnswer, type Answer } from './answers.ts';

/** A second key store; encodeURIComponent changes the space, the slash and the α. */
export const ODD_STORE_ID = 'ks-01 test/α';

/**
 * The permission each operation needs on the key store, by its current name (renamed
 * 2026-08-14, not e.g. KeyStores:OnchainSignatures:Create): what a 403 `missing permission <name>` names.
 */
export const PERMISSION_NAMES: Readonly<Record<Operation, string>> = {
  'onchain-sign': 'KeyStores:Instructions:Keys:Sign',
  'proof-of-control': 'KeyStores:Instructions:Keys:ProveControl',
  genesis: 'KeyStores:Instructions:Fleets:Create',
  clone: 'KeyStores:Instructions:Fleets:Clone',
  'add-mac-user': 'KeyStores:Instructions:Fleets:Users:Add',
  'add-provisioner': 'KeyStores:Instructions:Fleets:Provisioners:Add',
  'key-harvest': 'KeyStores:Instructions:Fleets:Keys:Harvest',
};

/** A test's sandbox, and who its client acts as. */
export interface SandboxSession {
  sandbox: DfnsSandbox;
  /** The service account's registered credential. */
  credential: TestCredential;
  /** The service account's bearer token. */
  token: string;
}

/**
 * A fresh sandbox with an Ed25519 credential registered, a token issued, and two key stores
 * (STORE_ID and ODD_STORE_ID) on which the service account may perform all seven operations.
 */
export async function startSession(): Promise<SandboxSession> {
  const sandbox = await startDfnsSandbox();
  const credential = generateCredential('ed25519');
  sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
  sandbox.addKeyStore(STORE_ID);
  sandbox.addKeyStore(ODD_STORE_ID);
  return { sandbox, credential, token: sandbox.issueToken() };
}

export interface CallOptions {
  /** The bearer token; default the session's. */
  bearer?: string;
  /** Sent as its JSON text, with content-type application/json. */
  json?: unknown;
  body?: FormData | string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The answer to `POST /auth/action/init`. */
export interface Challenge {
  challenge: string;
  challengeIdentifier: string;
  allowCredentials: { key: Array<{ type: string; id: string }>; webauthn: unknown[] };
}

export interface AssertionOptions {
  credId?: string;
  /** The clientData JSON text; default `{"type":"key.get","challenge":…}`. */
  clientData?: string;
  /** Signs the clientData bytes; default crypto.sign with the credential's key. */
  signer?: (data: Buffer) => Buffer;
}

/** The `credentialAssertion` of `POST /auth/action`. */
export interface KeyAssertion {
  credId: string;
  clientData: string;
  signature: string;
}

/** The body of `POST /auth/action/init`: a challenge for (method, path, payload). */
export function initBody(payload: string, path: string, method = 'POST') {
  return { userActionPayload: payload, userActionHttpMethod: method, userActionHttpPath: path, userActionServerKind: 'Api' };
}

/**
 * The client of one test file: every request is sent as the session `current()` returns at
 * that moment, so that a test may replace its credential or token.
 */
export function sandboxClient(userAgent: string, current: () => SandboxSession) {
  /** A POST to the sandbox with the bearer token and `userAgent`. */
  async function call(path: string, options: CallOptions = {}): Promise<Answer> {
    const { sandbox, token } = current();
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.bearer ?? token}`,
      'user-agent': userAgent,
      ...options.headers,
    };
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers,
      ...(body === undefined ? {} : { body }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return toAnswer(res);
  }

  async function initChallenge(payload: string, path: string, method = 'POST'): Promise<Challenge> {
    const answer = await call('/auth/action/init', { json: initBody(payload, path, method) });
    expect(answer.status, answer.text).toBe(200);
    return answer.json as Challenge;
  }

  /** The challenge signed with the session's credential, or as `options` say. */
  function assertion(challenge: string, options: AssertionOptions = {}): KeyAssertion {
    const { credential } = current();
    const clientData = Buffer.from(options.clientData ?? JSON.stringify({ type: 'key.get', challenge }));
    const signature = options.signer ? options.signer(clientData) : sign(undefined, clientData, createPrivateKey(credential.privateKeyPem));
    return {
      credId: options.credId ?? credential.credentialId,
      clientData: clientData.toString('base64url'),
      signature: signature.toString('base64url'),
    };
  }

  function completeAction(challengeIdentifier: string, credentialAssertion: KeyAssertion): Promise<Answer> {
    return call('/auth/action', {
      json: { challengeIdentifier, firstFactor: { kind: 'Key', credentialAssertion } },
    });
  }

  /** init + sign + action: a user action token for (method, path, payload). */
  async function userActionFor(payload: string, path: string, method = 'POST'): Promise<string> {
    const { challenge, challengeIdentifier } = await initChallenge(payload, path, method);
    const answer = await completeAction(challengeIdentifier, assertion(challenge));
    expect(answer.status, answer.text).toBe(200);
    return (answer.json as { userAction: string }).userAction;
  }

  return { call, initChallenge, assertion, completeAction, userActionFor };
}
