/**
 * `npm run demo [-- <operation>]`: the loop of one operation (default onchain-sign; any of the
 * seven, e.g. `npm run demo -- genesis`), against a Dfns sandbox on 127.0.0.1, with a freshly
 * generated Ed25519 key, each action run as a runner runs it:
 *
 * 1. the input action (dist/input/index.js) asks Dfns for the operation's input archive;
 * 2. (the fleet works offline: here, the operation's sample output stands for what it brings back)
 * 3. the main action (dist/index.js) submits that output.
 *
 * For each step it prints the log, the outputs and the job summary, then what the sandbox
 * received and the receipt of the submission. Nothing leaves this machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, ROOT, type ActionRun } from '../test/helpers/action-runner.ts';
import { generateCredential } from '../test/helpers/credentials.ts';
import { OPERATIONS, startDfnsSandbox, type Operation } from '../test/sandbox/dfns-sandbox.ts';

const operation = (process.argv[2] ?? 'onchain-sign') as Operation;
if (!OPERATIONS.includes(operation)) {
  console.error(`npm run demo -- <operation>: the operation is one of ${OPERATIONS.join(', ')}; got "${operation}"`);
  process.exit(2);
}
const fixture = `test/fixtures/${operation}-output.json`;
const sample = readFileSync(join(ROOT, fixture));
const { keystore_id: keystoreId, org_id: orgId } = JSON.parse(sample.toString('utf8')) as { keystore_id: string; org_id: string };

/** A request body for each operation's input, as a workflow would pass it. */
const REQUESTS: Record<Operation, unknown> = {
  'onchain-sign': {},
  'proof-of-control': { walletIds: ['wa-01jz3-demo0-0000000000000001'] },
  genesis: { kind: 'Genesis', numProvisioners: 3, numOperational: 2, numSecp256k1: 10, numEd25519: 10, hsmGenesisSerial: 'HSM-0042' },
  clone: { kind: 'Clone', hsmSourceSerial: 'HSM-0042', hsmTargetSerial: 'HSM-0043' },
  'add-mac-user': { kind: 'AddMacUser', macTargetSerial: 'MAC-0007', hsmTargetSerial: 'HSM-0042' },
  'add-provisioner': { kind: 'AddProvisioner', yubikeySerial: '23456789', hsmTargetSerial: 'HSM-0042' },
  'key-harvest': { kind: 'KeyHarvest', hsmTargetSerial: 'HSM-0042', macTargetSerial: 'MAC-0007', macTargetUsername: 'operator' },
};

/** A token as a service account's usually is: valid for weeks, so no "expires soon" warning. */
const TOKEN_LIFETIME_SECONDS = 90 * 24 * 60 * 60;

const indent = (text: string): string => text.replace(/^/gm, '  | ');

function show(title: string, run: ActionRun): void {
  const log = run.stdout
    .split('\n')
    .filter((line) => line && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .join('\n');
  console.log(`\n== ${title}\nThe step's log:\n${indent(log)}\nExit code: ${run.exitCode}\nOutputs:`);
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name.padEnd(14)} ${value}`);
  console.log(`The job summary (GITHUB_STEP_SUMMARY):\n${indent(run.summary)}`);
}

// The sandbox serves the sample's organisation, as Dfns would serve the fleet's.
const sandbox = await startDfnsSandbox({ orgId });
const runs: ActionRun[] = [];
try {
  const credential = generateCredential('ed25519');
  sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
  sandbox.addKeyStore(keystoreId);
  const dfns = {
    'dfns-api-url': sandbox.url,
    'dfns-token': sandbox.issueToken({ expiresInSeconds: TOKEN_LIFETIME_SECONDS }),
    'dfns-credential-id': credential.credentialId,
    'dfns-private-key': credential.privateKeyPem,
  };
  console.log(`Dfns sandbox on ${sandbox.url}; service account credential ${credential.credentialId} (Ed25519, generated now)`);

  const input = await runAction({
    action: 'input',
    inputs: { operation, 'store-id': keystoreId, request: JSON.stringify(REQUESTS[operation]), ...dfns },
  });
  runs.push(input);
  show(`1. The input action creates the ${operation} input (dist/input/index.js)`, input);

  console.log(`\n== 2. The fleet works offline on the archive; the sample output ${fixture} stands for what it brings back`);
  const output = await runAction({ files: { 'fleet-output/output.json': sample }, inputs: { path: 'fleet-output/*.json', ...dfns } });
  runs.push(output);
  show('3. The main action submits the output (dist/index.js)', output);

  console.log('\nThe sandbox received:');
  for (const r of sandbox.requests) console.log(`  ${r.method} ${r.path} -> ${r.status}`);
  console.log(`\nThe submission's receipt, written to ${output.outputs['receipt-path'] ?? '(none)'}:\n${indent(output.receiptText ?? '')}`);
  console.log('(The demo removes its temporary workspace and runner folders, the archive and the receipts with them.)');
  process.exitCode = input.exitCode === 0 ? (output.exitCode ?? 1) : (input.exitCode ?? 1);
} finally {
  await sandbox.close();
  for (const run of runs) run.cleanup();
}
