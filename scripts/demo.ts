/**
 * `npm run demo`: runs the built action (dist/index.js) as a runner would, against a Dfns
 * sandbox on 127.0.0.1, with a sample output and a freshly generated Ed25519 key; then prints
 * the step's outputs and what the sandbox received. Nothing leaves this machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, ROOT } from '../test/helpers/action-runner.ts';
import { generateCredential } from '../test/helpers/credentials.ts';
import { startDfnsSandbox } from '../test/sandbox/dfns-sandbox.ts';

const sample = readFileSync(join(ROOT, 'test', 'fixtures', 'onchain-sign-output.json'));
const keystoreId = (JSON.parse(sample.toString('utf8')) as { keystore_id: string }).keystore_id;

const sandbox = await startDfnsSandbox();
try {
  const credential = generateCredential('ed25519');
  sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
  sandbox.addKeyStore(keystoreId);

  console.log(`Dfns sandbox on ${sandbox.url}; service account credential ${credential.credentialId} (Ed25519, generated now)`);
  console.log('Running dist/index.js as a runner would, with the sample output test/fixtures/onchain-sign-output.json\n');
  const run = await runAction({
    files: { 'fleet-output/keystore-output.json': sample },
    inputs: {
      path: 'fleet-output/*.json',
      'dfns-api-url': sandbox.url,
      'dfns-token': sandbox.issueToken(),
      'dfns-credential-id': credential.credentialId,
      'dfns-private-key': credential.privateKeyPem,
    },
  });

  const log = run.stdout
    .split('\n')
    .filter((line) => line && !line.startsWith('::add-mask::'))
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
  process.exitCode = run.exitCode ?? 1;
} finally {
  await sandbox.close();
}
