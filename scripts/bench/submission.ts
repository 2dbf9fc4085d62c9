/**
 * 2. Submission: a full submission of the 1 KB output to the Dfns sandbox on loopback vs the
 * same dry run, and the TCP connections the sandbox saw for the three calls.
 */
import { SmallOutput } from './cold-start.ts';
import { ms, plural, spread, table, verdict } from './format.ts';
import { ROUNDS } from './options.ts';
import { interleave, median, type Runner } from './runner.ts';
import { submitOnce, type SandboxSetup } from './sandbox.ts';
import { TARGETS, type TargetRow } from './targets.ts';

export interface Submission {
  dry: number[];
  submit: number[];
  connections: number[];
  requests: number[];
  /** The benchmark's event loop (the sandbox) busy during each submission, ms. */
  sandboxBusy: number[];
}

export async function measureSubmission(runner: Runner, scratch: string, entry: string, setup: SandboxSetup): Promise<Submission> {
  console.log('2. submission: a full submission to the sandbox vs the same dry run');
  const small = new SmallOutput(runner, scratch, 'submit');
  const connections: number[] = [];
  const requests: number[] = [];
  const sandboxBusy: number[] = [];
  const jobs = {
    dry: small.dryRun(entry),
    submit: async () => {
      const seen = await submitOnce(runner, small.ws, setup, entry, small.file, small.checksum);
      if (seen.refused) throw new Error(seen.refused);
      connections.push(seen.connections);
      requests.push(seen.requests);
      sandboxBusy.push(seen.busyMs);
      return seen.run.wallMs;
    },
  };
  await interleave(ROUNDS.warmup, jobs);
  connections.length = 0;
  requests.length = 0;
  sandboxBusy.length = 0;
  const samples = await interleave(ROUNDS.submit, jobs);
  return { ...samples, connections, requests, sandboxBusy };
}

const connectionsOk = (sub: Submission): boolean => sub.connections.every((c) => c === TARGETS.connections);

export function submissionTargets(sub: Submission): TargetRow[] {
  const met = connectionsOk(sub);
  return [
    {
      target: 'one TCP connection for the three Dfns calls',
      measured: `${[...new Set(sub.connections)].join(', ')} connection(s), ${[...new Set(sub.requests)].join(', ')} requests, in each of ${sub.connections.length} submissions`,
      met,
      missed: met ? [] : ['one TCP connection'],
    },
  ];
}

export function submissionSection(sub: Submission): string {
  const dry = median(sub.dry);
  const submitted = median(sub.submit);
  return `## 2. Submission

A full submission of the same output to the Dfns sandbox on 127.0.0.1 (\`test/sandbox/dfns-sandbox.ts\`:
real Ed25519 user action signing; the sandbox runs in the benchmark's process), ${plural(sub.submit.length, 'run')}, interleaved with the same dry run.

${table(
  ['', 'median', 'min–max'],
  [
    ['dry run', ms(dry), spread(sub.dry)],
    ['submission (init, sign, action, submit)', ms(submitted), spread(sub.submit)],
    ['**added by the three calls**', `**${ms(submitted - dry)}**`, ''],
    ["of which the sandbox was busy (answering, in the benchmark's process)", ms(median(sub.sandboxBusy)), spread(sub.sandboxBusy)],
  ],
)}

TCP connections the sandbox accepted per submission: ${sub.connections.join(', ')}; requests: ${sub.requests.join(', ')}.
Target: one connection, kept alive for the three calls: ${verdict(connectionsOk(sub))}.`;
}
