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
 * Options: see USAGE below (`--help` prints it).
 */
import { parseArgs } from 'node:util';
import { generateCredential, KEY_KINDS, type KeyKind } from '../helpers/credentials.ts';
import { startDfnsSandbox } from './dfns-sandbox.ts';
import { ORG_ID, STORE_ID } from './ids.ts';

/** A token's life by default: 30 days, past the 7 days within which the action warns that it expires soon. */
const DEFAULT_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

const USAGE = `Usage: npm run sandbox [-- options]

Starts a Dfns sandbox on 127.0.0.1 and prints one JSON line:
  {"url","token","credentialId","privateKeyPem","storeId","orgId"}
then serves, logging a line per request on stderr, until Ctrl-C.

Options:
  --port N             the port (default: a free one)
  --key-kind KIND      the service account key: ed25519 (default), p256, secp256k1 or rsa
  --store-id ID        the key store served (default ${STORE_ID}, the fixtures')
  --org-id ID          the organisation served (default ${ORG_ID}, the fixtures')
  --token-ttl SECONDS  the token's life (default ${DEFAULT_TOKEN_TTL_SECONDS}, 30 days; the action warns within 7)
  --quiet              no request log
  --help               this text`;

function fail(message: string): never {
  console.error(`dfns sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'key-kind': { type: 'string', default: 'ed25519' },
      'store-id': { type: 'string', default: STORE_ID },
      'org-id': { type: 'string', default: ORG_ID },
      'token-ttl': { type: 'string', default: String(DEFAULT_TOKEN_TTL_SECONDS) },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  fail((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
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
