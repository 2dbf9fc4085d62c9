/**
 * `npm run demo [-- <operation>]`: runs the built action (dist/index.js) as a runner would,
 * against a Dfns sandbox on 127.0.0.1, with the sample output of that operation (default
 * onchain-sign; any of the seven, e.g. `npm run demo -- genesis`) and a freshly generated
 * Ed25519 key. Prints the step's log, its outputs, what the sandbox received, the job summary
 * and where the receipt is. Nothing leaves this machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, ROOT } from '../test/helpers/action-runner.ts';
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

/** A token as a service account's usually is: valid for weeks, so no "expires soon" warning. */
const TOKEN_LIFETIME_SECONDS = 90 * 24 * 60 * 60;

// The sandbox serves the sample's organisation, as Dfns would serve the fleet's.
const sandbox = await startDfnsSandbox({ orgId });
let cleanup = (): void => {};
try {
  const credential = generateCredential('ed25519');
  sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
  sandbox.addKeyStore(keystoreId);

  console.log(`Dfns sandbox on ${sandbox.url}; service account credential ${credential.credentialId} (Ed25519, generated now)`);
  console.log(`Running dist/index.js as a runner would, with the sample output ${fixture}\n`);
  const run = await runAction({
    files: { 'fleet-output/output.json': sample },
    inputs: {
      path: 'fleet-output/*.json',
      'dfns-api-url': sandbox.url,
      'dfns-token': sandbox.issueToken({ expiresInSeconds: TOKEN_LIFETIME_SECONDS }),
      'dfns-credential-id': credential.credentialId,
      'dfns-private-key': credential.privateKeyPem,
    },
  });
  ({ cleanup } = run);

  const log = run.stdout
    .split('\n')
    .filter((line) => line && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map((line) => `  | ${line}`)
    .join('\n');
  console.log(`The step's log:\n${log}\n`);
  console.log(`Exit code: ${run.exitCode}\nOutputs:`);
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name.padEnd(14)} ${value}`);
  console.log('\nThe sandbox received:');
  for (const r of sandbox.requests) console.log(`  ${r.method} ${r.path} -> ${r.status}`);
  const submission = sandbox.submissions.at(-1);
  if (submission) {
    console.log(`  submission accepted: ${submission.accepted}, file ${submission.fileName} (${submission.filePart.byteLength} bytes), fileChecksum ${submission.fileChecksum}`);
  }
  console.log(`\nThe job summary (GITHUB_STEP_SUMMARY):\n${run.summary.replace(/^/gm, '  | ')}`);
  console.log(`The receipt, written to ${run.outputs['receipt-path'] ?? '(none)'}:\n${(run.receiptText ?? '').replace(/^/gm, '  | ')}`);
  console.log('(The demo removes its temporary workspace and runner folders, the receipt with them.)');
  process.exitCode = run.exitCode ?? 1;
} finally {
  await sandbox.close();
  cleanup();
}
