/**
 * A proxy, through dist/index.js, as on a self-hosted runner: HTTPS_PROXY with a real proxy on
 * 127.0.0.1 that records what passed through it. The sandbox gets an https address from a TLS
 * relay whose certificate a test CA issued; the action trusts that CA through
 * NODE_EXTRA_CA_CERTS, which only a starting Node process reads, as a runner behind a
 * TLS-inspecting proxy does. The other proxy cases (credentials, refusals, NO_PROXY, HTTP_PROXY,
 * an untrusted certificate, the deadline): test/integration/proxy.test.ts, in process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startConnectProxy, type ConnectProxy, type ProxyRecord } from '../helpers/connect-proxy.ts';
import { fixtureText, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { NOTHING_SUBMITTED, observeRun, type ObservedRun } from '../helpers/observed-run.ts';
import { startRelay, type Relay } from '../helpers/relay.ts';
import { makeTestPki } from '../helpers/tls.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
let https: Relay;
let caDir: string;
let caFile: string;

beforeAll(async () => {
  e2e = await startE2E('p256');
  const pki = makeTestPki();
  caDir = mkdtempSync(join(tmpdir(), 'dfns-action-ca-'));
  caFile = pki.writeCa(caDir);
  https = await startRelay({ target: e2e.sandbox.url, tls: pki });
});
afterAll(async () => {
  await https?.close();
  await e2e?.close();
  if (caDir) rmSync(caDir, { recursive: true, force: true });
});

/** A proxy of its own for the test: what it recorded and saw through its tunnels is this run's only. */
async function ownProxy(): Promise<ConnectProxy> {
  const proxy = await startConnectProxy();
  onTestFinished(() => proxy.close());
  return proxy;
}

/** Runs dist/index.js through `proxy` (HTTPS_PROXY), trusting the test CA, and checks what every run must hold. */
async function runThrough(proxy: ConnectProxy): Promise<ObservedRun & { through: ProxyRecord[] }> {
  const observed = await observeRun(e2e, {
    files: { 'o.json': onchain },
    inputs: { path: 'o.json', 'dfns-api-url': https.url },
    env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile },
  });
  return { ...observed, through: proxy.records };
}

const tunnel = (status: number) => ({ kind: 'connect', method: 'CONNECT', target: `127.0.0.1:${https.port}`, status });

describe('HTTPS_PROXY: https is tunnelled with CONNECT', () => {
  it('submits once through one tunnel, which carries only TLS', async () => {
    const proxy = await ownProxy();
    const r = await runThrough(proxy);
    expect(r.run.outputs['status']).toBe('success');
    expect(r.accepted).toBe(1);
    expect(r.calls).toMatchObject({ init: 1, action: 1, submit: 1 });
    // The three calls share one kept-alive connection, so one tunnel.
    expect(r.through).toEqual([expect.objectContaining(tunnel(200))]);
    expect(r.through[0]!.headers['host']).toBe(`127.0.0.1:${https.port}`);
    // What the proxy could read: a TLS handshake, then ciphertext; never the token or the output.
    const seen = proxy.tunnelled;
    expect(seen[0]).toBe(0x16);
    const readable = [e2e.token, e2e.credential.credentialId, STORE_ID, '"outputJson"'].filter((text) => seen.includes(Buffer.from(text)));
    expect(readable, 'readable by the proxy').toEqual([]);
  });

  it('a proxy that refuses the tunnel: failed, nothing submitted, the message says so', async () => {
    const proxy = await ownProxy();
    proxy.refuseTunnels({ times: Infinity, status: 403 });
    const r = await runThrough(proxy);
    expect(r.run.outputs['status']).toBe('failed');
    expect(r.message).toBe(
      'network error while creating the user action challenge (POST /auth/action/init): ' +
        `the proxy answered 403 to CONNECT 127.0.0.1:${https.port} instead of opening a tunnel; check HTTPS_PROXY (or https_proxy) and NO_PROXY. ` +
        NOTHING_SUBMITTED,
    );
    expect(r.accepted).toBe(0);
    expect(r.calls.init).toBe(0);
    // Not retried: a proxy that refuses a host refuses it again.
    expect(r.through.map((t) => t.status)).toEqual([403]);
    expect(r.retries).toEqual([]);
  });
});
