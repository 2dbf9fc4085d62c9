/**
 * The Dfns sandbox (test/sandbox/dfns-sandbox.ts) the submissions go to, in the benchmark's
 * process on 127.0.0.1, and one timed submission to it.
 */
import { generateCredential } from '../../test/helpers/credentials.ts';
import { startDfnsSandbox } from '../../test/sandbox/dfns-sandbox.ts';
import { ORG_ID, STORE_ID } from '../../test/sandbox/ids.ts';
import { expectRun, type ActionWorkspace, type Runner, type RunResult } from './runner.ts';

export interface SandboxSetup {
  sandbox: Awaited<ReturnType<typeof startDfnsSandbox>>;
  /** The step inputs of a submission to it. */
  inputs: Record<string, string>;
}

export async function startSandbox(): Promise<SandboxSetup> {
  const sandbox = await startDfnsSandbox({ orgId: ORG_ID });
  const credential = generateCredential('ed25519');
  sandbox.registerCredential(credential.credentialId, credential.publicKeyPem);
  sandbox.addKeyStore(STORE_ID);
  return {
    sandbox,
    inputs: {
      'dfns-api-url': sandbox.url,
      'dfns-token': sandbox.issueToken({ expiresInSeconds: 3600 }),
      'dfns-credential-id': credential.credentialId,
      'dfns-private-key': credential.privateKeyPem,
    },
  };
}

export interface SeenSubmission {
  run: RunResult;
  /** The benchmark's event loop (the sandbox) busy during the run, ms. */
  busyMs: number;
  /** TCP connections and requests the sandbox saw. */
  connections: number;
  requests: number;
  /** Why the sandbox refused the body, when it did (413). */
  refused?: string;
}

/** One submission of `file` (in `ws`) by the action started from `entry`; what the sandbox saw of it. */
export async function submitOnce(
  runner: Runner,
  ws: ActionWorkspace,
  setup: SandboxSetup,
  entry: string,
  file: string,
  checksum: string,
  rss = false,
): Promise<SeenSubmission> {
  const { sandbox } = setup;
  const connections = sandbox.connections;
  const requests = sandbox.requests.length;
  const submissions = sandbox.submissions.length;
  ws.reset();
  const elu = performance.eventLoopUtilization();
  const run = await runner.run({ args: [entry], env: ws.env({ path: file, ...setup.inputs }), cwd: ws.dir, rss });
  const busyMs = performance.eventLoopUtilization(elu).active;
  const seen = { run, busyMs, connections: sandbox.connections - connections, requests: sandbox.requests.length - requests };
  const tooLarge = sandbox.requests.slice(requests).find((r) => r.status === 413);
  if (tooLarge) return { ...seen, refused: `the sandbox answered 413 to ${tooLarge.call}: its request body limit is 256 MiB` };
  expectRun(run, `the submission of ${file}`, ws.outputs(), { status: 'success', checksum });
  const recorded = sandbox.submissions.slice(submissions);
  if (recorded.length !== 1 || !recorded[0]!.accepted) throw new Error(`the sandbox did not accept the submission of ${file}`);
  // The records hold every body the sandbox received: let them go, or the benchmark's own heap
  // (and its garbage collection, on the CPUs the action runs on) grows with each large submission.
  sandbox.submissions.length = 0;
  return seen;
}
