/**
 * `npm run demo [-- <operation> ...]`: the loop of each operation given (default onchain-sign;
 * any of the seven), against a Dfns sandbox on 127.0.0.1, with a freshly generated Ed25519 key,
 * each action run as a runner runs it, in the workflow it would run in:
 *
 * 1. the input action (dist/create-input/index.js) asks Dfns for the operation's input archive;
 * 2. (the fleet works offline: here, the operation's sample output stands for what it brings back)
 * 3. the main action (dist/index.js) submits that output.
 *
 * For each step it prints the log, the outputs and the job summary, then what the sandbox
 * received and the receipt of the submission. Every file it names (the archives, the outputs
 * submitted, the receipts, the job summaries) stays in one folder, which it names at the end.
 * Cut short by a closed pipe (`| head`), it ends quietly and removes that folder. Nothing leaves
 * this machine.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runAction, ROOT, type ActionRun } from '../test/helpers/action-runner.ts';
import { generateCredential } from '../test/helpers/credentials.ts';
import { OPERATIONS, startDfnsSandbox, type DfnsSandbox, type Operation } from '../test/sandbox/dfns-sandbox.ts';

const USAGE = `Usage: npm run demo [-- <operation> ...]

Runs the loop of each operation given (default: onchain-sign) against a Dfns sandbox on this
machine: the input action creates the operation's input archive, then the main action submits
the operation's sample output, each as a runner runs it. Operations:
  ${OPERATIONS.join(', ')}
Every file the demo names stays in one folder, named at the end.

Options:
  --help  this text`;

function usage(error?: string): never {
  if (error) console.error(`demo: ${error}\n`);
  (error ? console.error : console.log)(USAGE);
  process.exit(error ? 2 : 0);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
} catch (error) {
  usage((error as Error).message);
}
if (parsed.values.help) usage();
const unknown = parsed.positionals.filter((arg) => !(OPERATIONS as readonly string[]).includes(arg));
if (unknown.length > 0) usage(`not an operation: ${unknown.map((arg) => `"${arg}"`).join(', ')}`);
const operations = (parsed.positionals.length > 0 ? parsed.positionals : ['onchain-sign']) as Operation[];

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

/** The workflow each step runs in, as the README's examples name them. */
const WORKFLOWS = { input: 'Create fleet input', output: 'Submit keystore output' } as const;

/** A token as a service account's usually is: valid for weeks, so no "expires soon" warning. */
const TOKEN_LIFETIME_SECONDS = 90 * 24 * 60 * 60;

// Every folder the runs make goes into this one: the actions' workspaces and runner folders.
const folder = mkdtempSync(join(tmpdir(), 'dfns-demo-'));
process.env['TMPDIR'] = folder;
let sandbox: DfnsSandbox | undefined;

// `npm run demo | head`: once the reader has gone, stop quietly, and take the folder away (nobody will read its name).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  rmSync(folder, { recursive: true, force: true });
  void sandbox?.close();
  process.exit(0);
});

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

/** One operation's loop; its exit code. */
async function loop(operation: Operation): Promise<number> {
  const fixture = `test/fixtures/${operation}-output.json`;
  const sample = readFileSync(join(ROOT, fixture));
  const { keystore_id: keystoreId, org_id: orgId } = JSON.parse(sample.toString('utf8')) as { keystore_id: string; org_id: string };
  // The sandbox serves the sample's organisation, as Dfns would serve the fleet's.
  sandbox = await startDfnsSandbox({ orgId });
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
    console.log(
      `\n######## ${operation}\nDfns sandbox on ${sandbox.url}; service account credential ${credential.credentialId} (Ed25519, generated now)`,
    );

    const input = await runAction({
      action: 'create-input',
      env: { GITHUB_WORKFLOW: WORKFLOWS.input, GITHUB_JOB: 'create-input' },
      inputs: { operation, 'store-id': keystoreId, request: JSON.stringify(REQUESTS[operation]), ...dfns },
    });
    show(`1. The input action creates the ${operation} input archive (dist/create-input/index.js)`, input);

    console.log(`\n== 2. The fleet works offline on the archive; the sample output ${fixture} stands for what it brings back`);
    const output = await runAction({
      env: { GITHUB_WORKFLOW: WORKFLOWS.output, GITHUB_JOB: 'submit' },
      files: { 'fleet-output/output.json': sample },
      inputs: { path: 'fleet-output/*.json', ...dfns },
    });
    show('3. The main action submits the output (dist/index.js)', output);

    console.log('\nThe sandbox received:');
    for (const r of sandbox.requests) console.log(`  ${r.method} ${r.path} -> ${r.status}`);
    console.log(
      `\nThe submission's receipt, written to ${output.outputs['receipt-path'] ?? '(none)'}:\n${indent(output.receiptText ?? '')}`,
    );
    return input.exitCode === 0 ? (output.exitCode ?? 1) : (input.exitCode ?? 1);
  } finally {
    await sandbox.close();
  }
}

let exitCode = 0;
for (const operation of operations) exitCode ||= await loop(operation);
console.log(
  `\nEvery file named above is in ${folder}: each step's workspace (the archive, the output submitted) and its ` +
    `runner folder (the receipt, the job summary). Remove it with: rm -rf ${folder}`,
);
process.exitCode = exitCode;
