/**
 * Standalone Dfns sandbox: `node test/sandbox/main.ts [options]` (Node 24).
 *
 * Starts a sandbox, registers a freshly generated credential and a key store on which the
 * service account holds the permissions of all seven offline signer operations (onchain-sign,
 * proof-of-control, genesis, clone, add-mac-user, add-provisioner, key-harvest: every
 * `POST /key-stores/{storeId}/<operation>/input`, answered with a zip archive, and every
 * `POST /key-stores/{storeId}/<operation>/output` is served), prints ONE JSON line on stdout
 * `{"url","token","credentialId","privateKeyPem","storeId","orgId"}`, then serves (logging
 * one line per request on stderr) until SIGTERM or SIGINT.
 *
 * Options: --port N (default random), --key-kind ed25519|p256|secp256k1|rsa (default ed25519),
 * --store-id ID and --org-id ID (default the ids of test/fixtures/*.json),
 * --token-ttl SECONDS (default 3600), --quiet (no request log).
 */
import { parseArgs } from 'node:util';
import { generateCredential, KEY_KINDS, type KeyKind } from '../helpers/credentials.ts';
import { startDfnsSandbox } from './dfns-sandbox.ts';
import { ORG_ID, STORE_ID } from './ids.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'key-kind': { type: 'string', default: 'ed25519' },
    'store-id': { type: 'string', default: STORE_ID },
    'org-id': { type: 'string', default: ORG_ID },
    'token-ttl': { type: 'string', default: '3600' },
    quiet: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`dfns sandbox: ${message}`);
  process.exit(2);
}

const kind = values['key-kind'] as KeyKind;
if (!KEY_KINDS.includes(kind)) fail(`--key-kind must be one of ${KEY_KINDS.join(', ')}`);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be a port number');
const ttl = Number(values['token-ttl']);
if (!Number.isInteger(ttl) || ttl <= 0) fail('--token-ttl must be a positive number of seconds');

const sandbox = await startDfnsSandbox({
  orgId: values['org-id'],
  port,
  ...(values.quiet ? {} : { log: (line: string) => console.error(`dfns sandbox: ${line}`) }),
});
const credential = generateCredential(kind);
sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
sandbox.addKeyStore(values['store-id']);

process.stdout.write(
  `${JSON.stringify({
    url: sandbox.url,
    token: sandbox.issueToken({ expiresInSeconds: ttl }),
    credentialId: credential.credentialId,
    privateKeyPem: credential.privateKeyPem,
    storeId: values['store-id'],
    orgId: sandbox.orgId,
  })}\n`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`dfns sandbox: ${signal}, closing`);
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => fail(String(error)),
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
