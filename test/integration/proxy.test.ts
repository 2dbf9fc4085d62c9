/**
 * Proxies, in process: the main action's step (src/runner/step.ts) with HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY (either case) in its environment, which is process.env while it runs, so that undici
 * reads them as in dist/; a real proxy on 127.0.0.1 records what passed through it. The sandbox
 * gets an https address from a TLS relay whose certificate a test CA issued. NODE_EXTRA_CA_CERTS
 * is read only when Node starts, so this process trusts the CA through
 * tls.setDefaultCACertificates instead; the child process that trusts it through
 * NODE_EXTRA_CA_CERTS is test/e2e/proxy.test.ts.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Fault, FaultableCall } from '../sandbox/dfns-sandbox.ts';
import { receiptOf } from '../helpers/action-runner.ts';
import { startConnectProxy, type ConnectProxy, type ProxyRecord } from '../helpers/connect-proxy.ts';
import { fixtureText, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { escapeRegExp, NOTHING_SUBMITTED, observeRun, secondsText, UNKNOWN_ADVICE, type ObservedRun } from '../helpers/observed-run.ts';
import { startRelay, type Relay } from '../helpers/relay.ts';
import { makeTestPki } from '../helpers/tls.ts';
import { BACKOFF_BASE_MS } from '../../src/dfns/retry.ts';

const onchain = fixtureText('onchain-sign-output.json');
const PROXY_USER = 'runner';
const PROXY_PASSWORD = 'proxy-password-Wq7Rt3Ys9Kd2Lm5N';
/** The CA certificates this process trusted before the tests. */
const SYSTEM_CAS = getCACertificates('default');

let e2e: E2E;
let https: Relay;
let proxy: ConnectProxy;
let authProxy: ConnectProxy;
let caDir: string;
let caFile: string;
let caPem: string;

beforeAll(async () => {
  e2e = await startE2E('p256');
  const pki = makeTestPki();
  caPem = pki.caPem;
  caDir = mkdtempSync(join(tmpdir(), 'dfns-action-ca-'));
  caFile = pki.writeCa(caDir);
  // Before the CA is trusted: a server that trusts it sends it along with its certificate.
  https = await startRelay({ target: e2e.sandbox.url, tls: pki });
  // What NODE_EXTRA_CA_CERTS does for the action's process.
  setDefaultCACertificates([...SYSTEM_CAS, caPem]);
  proxy = await startConnectProxy();
  authProxy = await startConnectProxy({ credentials: { user: PROXY_USER, password: PROXY_PASSWORD } });
  e2e.secrets.push(PROXY_PASSWORD);
  // Loaded now, so that the first run's deadline does not pay for it (the step imports it when it submits).
  await import('../../src/dfns/submit-output.ts');
});
afterAll(async () => {
  setDefaultCACertificates(SYSTEM_CAS);
  await Promise.all([proxy?.close(), authProxy?.close(), https?.close()]);
  await e2e?.close();
  if (caDir) rmSync(caDir, { recursive: true, force: true });
});
beforeEach(() => {
  e2e.sandbox.clearFaults();
  proxy.refuseTunnels({ times: 0 });
});

interface ProxiedRun extends ObservedRun {
  /** What the proxy recorded during this run. */
  through: ProxyRecord[];
}

/** Runs in process against `apiUrl` with `env`, and checks what every run must hold. */
async function runVia(
  apiUrl: string,
  env: Record<string, string>,
  options: { inputs?: Record<string, string>; faults?: Array<[FaultableCall, Fault]>; via?: ConnectProxy } = {},
): Promise<ProxiedRun> {
  for (const [call, fault] of options.faults ?? []) e2e.sandbox.injectFault(call, fault);
  const watched = options.via ?? proxy;
  const recordsBefore = watched.records.length;
  const observed = await observeRun(e2e.inProcess, {
    files: { 'o.json': onchain },
    inputs: { path: 'o.json', 'dfns-api-url': apiUrl, ...options.inputs },
    // NODE_EXTRA_CA_CERTS as a runner sets it (read by a starting Node; here the CA is trusted above).
    env: { NODE_EXTRA_CA_CERTS: caFile, ...env },
  });
  return { ...observed, through: watched.records.slice(recordsBefore) };
}

const tunnel = (status: number | null) => ({ kind: 'connect', method: 'CONNECT', target: `127.0.0.1:${https.port}`, status });

describe('HTTPS_PROXY: https is tunnelled with CONNECT', () => {
  it('submits once through one tunnel, which carries only TLS', async () => {
    // A proxy of its own: what it saw through its tunnels is this run's, and only this run's.
    const own = await startConnectProxy();
    onTestFinished(() => own.close());
    const r = await runVia(https.url, { HTTPS_PROXY: own.url }, { via: own });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.calls).toMatchObject({ init: 1, action: 1, submit: 1 });
    // The three calls share one kept-alive connection, so one tunnel.
    expect(r.through).toEqual([expect.objectContaining(tunnel(200))]);
    expect(r.through[0]!.headers['host']).toBe(`127.0.0.1:${https.port}`);
    // What the proxy could read: a TLS handshake, then ciphertext; never the token or the output.
    const seen = own.tunnelled;
    expect(seen[0]).toBe(0x16);
    const readable = [e2e.token, e2e.credential.credentialId, STORE_ID, '"outputJson"'].filter((secret) =>
      seen.includes(Buffer.from(secret)),
    );
    expect(readable, 'readable by the proxy').toEqual([]);
  });

  it('honours https_proxy in lower case, with the credentials in the proxy URL', async () => {
    const r = await runVia(https.url, { https_proxy: authProxy.url }, { via: authProxy });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.through).toEqual([expect.objectContaining(tunnel(200))]);
    expect(r.through[0]!.headers['proxy-authorization']).toBe(`Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`);
  });

  it('without the CA in NODE_EXTRA_CA_CERTS, says the certificate is not trusted and what to set', async () => {
    // This process without the CA: as a runner without NODE_EXTRA_CA_CERTS.
    setDefaultCACertificates(SYSTEM_CAS);
    onTestFinished(() => setDefaultCACertificates([...SYSTEM_CAS, caPem]));
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: '' }, { inputs: { 'timeout-seconds': '2' } });
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toMatch(
      new RegExp(
        '^network error while creating the user action challenge \\(POST /auth/action/init\\): .*\\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\): ' +
          `the TLS certificate presented for 127\\.0\\.0\\.1:${https.port} is not trusted\\. ` +
          'Behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the file of its CA certificate\\. Nothing was submitted\\.$',
      ),
    );
    expect(r.accepted).toBe(0);
    expect(r.calls.init).toBe(0);
    // Not retried: the certificate would be refused again.
    expect(r.through).toHaveLength(1);
    expect(r.retries).toEqual([]);
    expect(r.sleeps).toEqual([]);
  });

  it('a proxy that refuses the tunnel: failed, nothing submitted, the message says so', async () => {
    proxy.refuseTunnels({ times: Infinity, status: 403 });
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url }, { inputs: { 'timeout-seconds': '2' } });
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      'network error while creating the user action challenge (POST /auth/action/init): ' +
        `the proxy answered 403 to CONNECT 127.0.0.1:${https.port} instead of opening a tunnel; check HTTPS_PROXY (or https_proxy) and NO_PROXY. ` +
        NOTHING_SUBMITTED,
    );
    expect(r.accepted).toBe(0);
    expect(r.calls.init).toBe(0);
    // Not retried: a proxy that refuses a host refuses it again (a 502 is retried, below).
    expect(r.through.map((t) => t.status)).toEqual([403]);
    expect(r.retries).toEqual([]);
    expect(r.sleeps).toEqual([]);
  });

  it('a proxy that wants credentials the URL does not give (407): the message says where they go; not retried', async () => {
    const bare = new URL(authProxy.url);
    bare.username = '';
    bare.password = '';
    const r = await runVia(https.url, { HTTPS_PROXY: bare.href }, { via: authProxy });
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      'network error while creating the user action challenge (POST /auth/action/init): ' +
        `the proxy answered 407 to CONNECT 127.0.0.1:${https.port} instead of opening a tunnel; ` +
        'it wants credentials: put them in the proxy URL (http://user:password@proxy:port); check HTTPS_PROXY (or https_proxy) and NO_PROXY. ' +
        NOTHING_SUBMITTED,
    );
    expect(r.through.map((t) => t.status)).toEqual([407]);
    expect(r.retries).toEqual([]);
    expect(r.sleeps).toEqual([]);
    expect(r.calls.init).toBe(0);
  });

  it('a proxy that refuses the submission its tunnel: provably not sent, retried from a fresh challenge', async () => {
    // The relay ends the kept-alive connection after the action's answer; the proxy then
    // refuses the next tunnel, so the submission fails before a byte of it is sent.
    https.dropAfterAnswer(2);
    proxy.refuseTunnels({ after: 1, times: 1, status: 502 });
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.calls).toMatchObject({ init: 2, action: 2, submit: 1 });
    expect(r.through.map((t) => t.status)).toEqual([200, 502, 200]);
    expect(r.sleeps).toHaveLength(1);
    expect(r.sleeps[0]).toBeGreaterThanOrEqual(BACKOFF_BASE_MS / 2);
    expect(r.sleeps[0]).toBeLessThanOrEqual(BACKOFF_BASE_MS);
    expect(r.retries).toEqual([
      `Dfns submit attempt 1 of 3 failed: network error while submitting the output: the proxy answered 502 to CONNECT 127.0.0.1:${https.port} ` +
        'instead of opening a tunnel; check HTTPS_PROXY (or https_proxy) and NO_PROXY. ' +
        `Nothing was submitted: retrying from a fresh challenge in ${secondsText(r.sleeps[0]!)}.`,
    ]);
  });

  it('a proxy that never answers CONNECT: the deadline still bounds the run', async () => {
    proxy.refuseTunnels({ times: Infinity, status: 'hang' });
    // The deadline is real time: short, yet long enough for the run to ask for the tunnel on a busy machine.
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url }, { inputs: { 'timeout-seconds': '0.3' } });
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      'the Dfns calls did not finish within timeout-seconds (0.3 s); the deadline ran out while creating the user action challenge (POST /auth/action/init). ' +
        `Raise "timeout-seconds" if Dfns is slow from this runner, or check the network path to the Dfns API. ${NOTHING_SUBMITTED}`,
    );
    expect(r.accepted).toBe(0);
    expect(r.calls.init).toBe(0);
    expect(r.through).toEqual([expect.objectContaining(tunnel(null))]);
  });

  it('a proxy that is not there: failed, nothing submitted', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const r = await runVia(https.url, { HTTPS_PROXY: `http://127.0.0.1:${closedPort}` }, { inputs: { 'timeout-seconds': '2' } });
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      `network error while creating the user action challenge (POST /auth/action/init): connect ECONNREFUSED 127.0.0.1:${closedPort}. ${NOTHING_SUBMITTED}`,
    );
    expect(r.accepted).toBe(0);
    expect(r.calls.init).toBe(0);
  });

  it('a reset of the submission inside the tunnel, after it was sent: unknown, submitted once', async () => {
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url }, { faults: [['submit', { kind: 'reset', process: true }]] });
    expect(r.run.outputs['status']).toBe('unknown');
    expect(r.message).toMatch(new RegExp(`^network error while submitting the output: .+\\. ${escapeRegExp(UNKNOWN_ADVICE)}$`));
    expect(r.accepted).toBe(1);
    expect(r.calls.submit).toBe(1);
    expect(r.retries).toEqual([]);
    expect(receiptOf(r.run)).toMatchObject({ outcome: 'unknown', status: 'unknown' });
  });
});

describe('HTTP_PROXY: http is forwarded in absolute form', () => {
  it.each(['HTTP_PROXY', 'http_proxy'])('%s: each call goes through the proxy', async (name) => {
    const r = await runVia(e2e.sandbox.url, { [name]: proxy.url });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    const origin = e2e.sandbox.url;
    expect(r.through.map((t) => [t.kind, t.method, t.target, t.status])).toEqual([
      ['forward', 'POST', `${origin}/auth/action/init`, 200],
      ['forward', 'POST', `${origin}/auth/action`, 200],
      ['forward', 'POST', `${origin}/key-stores/${STORE_ID}/onchain-sign/output`, 200],
    ]);
  });

  it('HTTPS_PROXY alone does not apply to http', async () => {
    const r = await runVia(e2e.sandbox.url, { HTTPS_PROXY: proxy.url });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.through).toEqual([]);
  });
});

describe('NO_PROXY', () => {
  it.each([
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', 'dfns.example, 127.0.0.1:PORT'],
    ['NO_PROXY', '*'],
  ])('%s=%s: Dfns is called directly', async (name, value) => {
    const noProxy = value.replace('PORT', String(https.port));
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url, [name]: noProxy });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.through).toEqual([]);
  });

  it('an entry for another host or port leaves the proxy in use', async () => {
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url, NO_PROXY: `dfns.example,127.0.0.1:${https.port + 1}` });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.through).toEqual([expect.objectContaining(tunnel(200))]);
  });
});
