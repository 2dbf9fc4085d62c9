/**
 * Proxies, through dist/index.js, as on a self-hosted runner: HTTPS_PROXY / HTTP_PROXY / NO_PROXY
 * (either case) with a real proxy on 127.0.0.1 that records what passed through it. The sandbox
 * gets an https address from a TLS relay whose certificate a test CA issued; the action trusts
 * that CA through NODE_EXTRA_CA_CERTS, as a runner behind a TLS-inspecting proxy does.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Fault, FaultableCall } from '../sandbox/dfns-sandbox.ts';
import { receiptOf } from '../helpers/action-runner.ts';
import { startConnectProxy, type ConnectProxy, type ProxyRecord } from '../helpers/connect-proxy.ts';
import { fixtureText, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { NOTHING_SUBMITTED, observeRun, START_MARGIN_MS, UNKNOWN_ADVICE, type ObservedRun } from '../helpers/observed-run.ts';
import { startRelay, type Relay } from '../helpers/relay.ts';
import { makeTestPki } from '../helpers/tls.ts';

const onchain = fixtureText('onchain-sign-output.json');
const PROXY_USER = 'runner';
const PROXY_PASSWORD = 'proxy-password-Wq7Rt3Ys9Kd2Lm5N';

let e2e: E2E;
let https: Relay;
let proxy: ConnectProxy;
let authProxy: ConnectProxy;
let caFile: string;

beforeAll(async () => {
  e2e = await startE2E('p256');
  const pki = makeTestPki();
  caFile = pki.writeCa(mkdtempSync(join(tmpdir(), 'dfns-action-ca-')));
  https = await startRelay({ target: e2e.sandbox.url, tls: pki });
  proxy = await startConnectProxy();
  authProxy = await startConnectProxy({ credentials: { user: PROXY_USER, password: PROXY_PASSWORD } });
  e2e.secrets.push(PROXY_PASSWORD);
});
afterAll(async () => {
  await Promise.all([proxy?.close(), authProxy?.close(), https?.close()]);
  await e2e?.close();
});
beforeEach(() => {
  e2e.sandbox.clearFaults();
  proxy.refuseTunnels({ times: 0 });
});

interface ProxiedRun extends ObservedRun {
  /** What the proxy recorded during this run. */
  through: ProxyRecord[];
}

/** Runs against `apiUrl` with `env`, and checks what every run must hold. */
async function runVia(
  apiUrl: string,
  env: Record<string, string>,
  options: { inputs?: Record<string, string>; faults?: Array<[FaultableCall, Fault]>; via?: ConnectProxy } = {},
): Promise<ProxiedRun> {
  for (const [call, fault] of options.faults ?? []) e2e.sandbox.injectFault(call, fault);
  const watched = options.via ?? proxy;
  const recordsBefore = watched.records.length;
  const observed = await observeRun(e2e, {
    files: { 'o.json': onchain },
    inputs: { path: 'o.json', 'dfns-api-url': apiUrl, ...options.inputs },
    env,
  });
  return { ...observed, through: watched.records.slice(recordsBefore) };
}

const tunnel = (status: number | null) => ({ kind: 'connect', method: 'CONNECT', target: `127.0.0.1:${https.port}`, status });

describe('HTTPS_PROXY: https is tunnelled with CONNECT', () => {
  it('submits once through one tunnel, which carries only TLS', async () => {
    // A proxy of its own: what it saw through its tunnels is this run's, and only this run's.
    const own = await startConnectProxy();
    onTestFinished(() => own.close());
    const r = await runVia(https.url, { HTTPS_PROXY: own.url, NODE_EXTRA_CA_CERTS: caFile }, { via: own });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.calls).toMatchObject({ init: 1, action: 1, submit: 1 });
    // The three calls share one kept-alive connection, so one tunnel.
    expect(r.through).toEqual([expect.objectContaining(tunnel(200))]);
    expect(r.through[0]!.headers['host']).toBe(`127.0.0.1:${https.port}`);
    // What the proxy could read: a TLS handshake, then ciphertext; never the token or the output.
    const seen = own.tunnelled;
    expect(seen[0]).toBe(0x16);
    for (const secret of [e2e.token, e2e.credential.credentialId, STORE_ID, '"outputJson"']) {
      expect(seen.includes(Buffer.from(secret)), 'readable by the proxy').toBe(false);
    }
  });

  it('honours https_proxy in lower case, with the credentials in the proxy URL', async () => {
    const r = await runVia(https.url, { https_proxy: authProxy.url, NODE_EXTRA_CA_CERTS: caFile }, { via: authProxy });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.through).toEqual([expect.objectContaining(tunnel(200))]);
    expect(r.through[0]!.headers['proxy-authorization']).toBe(`Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`);
  });

  it('without the CA in NODE_EXTRA_CA_CERTS, says the certificate is not trusted and what to set', async () => {
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url }, { inputs: { 'timeout-seconds': '2' } });
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
    expect(r.ms).toBeLessThan(2_000 + START_MARGIN_MS);
  });

  it('a proxy that refuses the tunnel: failed, nothing submitted, the message says so', async () => {
    proxy.refuseTunnels({ times: Infinity, status: 403 });
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile }, { inputs: { 'timeout-seconds': '2' } });
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
  });

  it('a proxy that wants credentials the URL does not give (407): the message says where they go; not retried', async () => {
    const bare = new URL(authProxy.url);
    bare.username = '';
    bare.password = '';
    const r = await runVia(https.url, { HTTPS_PROXY: bare.href, NODE_EXTRA_CA_CERTS: caFile }, { via: authProxy });
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      'network error while creating the user action challenge (POST /auth/action/init): ' +
        `the proxy answered 407 to CONNECT 127.0.0.1:${https.port} instead of opening a tunnel; ` +
        'it wants credentials: put them in the proxy URL (http://user:password@proxy:port); check HTTPS_PROXY (or https_proxy) and NO_PROXY. ' +
        NOTHING_SUBMITTED,
    );
    expect(r.through.map((t) => t.status)).toEqual([407]);
    expect(r.retries).toEqual([]);
    expect(r.calls.init).toBe(0);
  });

  it('a proxy that refuses the submission its tunnel: provably not sent, retried from a fresh challenge', async () => {
    // The relay ends the kept-alive connection after the action's answer; the proxy then
    // refuses the next tunnel, so the submission fails before a byte of it is sent.
    https.dropAfterAnswer(2);
    proxy.refuseTunnels({ after: 1, times: 1, status: 502 });
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.calls).toMatchObject({ init: 2, action: 2, submit: 1 });
    expect(r.through.map((t) => t.status)).toEqual([200, 502, 200]);
    expect(r.retries).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Dfns submit attempt 1 of 3 failed: network error while submitting the output: the proxy answered 502 to CONNECT 127\\.0\\.0\\.1:${https.port} ` +
            'instead of opening a tunnel; check HTTPS_PROXY \\(or https_proxy\\) and NO_PROXY\\. Nothing was submitted: retrying from a fresh challenge in 0\\.[2-5] s\\.$',
        ),
      ),
    ]);
  });

  it('a proxy that never answers CONNECT: the deadline still bounds the run', async () => {
    proxy.refuseTunnels({ times: Infinity, status: 'hang' });
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile }, { inputs: { 'timeout-seconds': '1' } });
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      'the Dfns calls did not finish within timeout-seconds (1 s); the deadline ran out while creating the user action challenge (POST /auth/action/init). ' +
        `Raise "timeout-seconds" if Dfns is slow from this runner, or check the network path to the Dfns API. ${NOTHING_SUBMITTED}`,
    );
    expect(r.accepted).toBe(0);
    expect(r.ms).toBeLessThan(1_000 + START_MARGIN_MS);
  });

  it('a proxy that is not there: failed, nothing submitted', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const r = await runVia(
      https.url,
      { HTTPS_PROXY: `http://127.0.0.1:${closedPort}`, NODE_EXTRA_CA_CERTS: caFile },
      { inputs: { 'timeout-seconds': '2' } },
    );
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      `network error while creating the user action challenge (POST /auth/action/init): connect ECONNREFUSED 127.0.0.1:${closedPort}. ${NOTHING_SUBMITTED}`,
    );
    expect(r.accepted).toBe(0);
    expect(r.calls.init).toBe(0);
  });

  it('a reset of the submission inside the tunnel, after it was sent: unknown, submitted once', async () => {
    const r = await runVia(
      https.url,
      { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile },
      { faults: [['submit', { kind: 'reset', process: true }]] },
    );
    expect(r.run.outputs['status']).toBe('unknown');
    expect(r.message).toMatch(new RegExp(`^network error while submitting the output: .+\\. ${UNKNOWN_ADVICE.replace(/[.()]/g, '\\$&')}$`));
    expect(r.accepted).toBe(1);
    expect(r.calls.submit).toBe(1);
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
    const r = await runVia(https.url, { HTTPS_PROXY: proxy.url, [name]: noProxy, NODE_EXTRA_CA_CERTS: caFile });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.through).toEqual([]);
  });

  it('an entry for another host or port leaves the proxy in use', async () => {
    const r = await runVia(https.url, {
      HTTPS_PROXY: proxy.url,
      NO_PROXY: `dfns.example,127.0.0.1:${https.port + 1}`,
      NODE_EXTRA_CA_CERTS: caFile,
    });
    expect(r.run.outputs['status']).toBe('success');
    expect(r.through).toEqual([expect.objectContaining(tunnel(200))]);
  });
});
