/**
 * Where the time goes: CPU profiles of the cold start (the action and the floor), and of the
 * largest output's dry run and submission, each sample's self time put under what it belongs
 * to, with what they say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeOnchainOutput } from '../../test/helpers/output-generators.ts';
import { mainFileBytes, type BundleFacts } from './bundle-facts.ts';
import type { Bundle } from './bundles.ts';
import { byGroup, profileRuns, summarize, type Labeler, type ProfileRows } from './cpu-profile.ts';
import { FIXTURE, LARGEST } from './fixtures.ts';
import { count, mb, moreOrLess, ms, plural, ratio, table } from './format.ts';
import type { Large } from './large-outputs.ts';
import { ROUNDS } from './options.ts';
import { ActionWorkspace, median, type Runner } from './runner.ts';
import type { SandboxSetup } from './sandbox.ts';
import { TARGETS } from './targets.ts';

export interface Profiles {
  coldFloor: ProfileRows;
  coldAction: ProfileRows;
  largeDry: ProfileRows;
  largeSubmit: ProfileRows;
}

/** Profiles `action` (the action built with source maps) and `floor` (the floor, likewise). */
export async function measureProfiles(
  runner: Runner,
  scratch: string,
  labeler: Labeler,
  bundles: { action: Bundle; floor: Bundle },
  setup: SandboxSetup,
): Promise<Profiles> {
  console.log('profiles: cold start (action and floor), the largest dry run and submission');
  const ws = new ActionWorkspace(scratch, 'profile');
  ws.write('keystore-output.json', readFileSync(FIXTURE));
  ws.write('large.json', makeOnchainOutput(LARGEST));
  const ok = (stdout: string, exitCode: number | null): void => {
    if (exitCode !== 0) throw new Error(`a profiled run failed:\n${stdout.slice(-2000)}`);
  };
  const dir = (name: string): string => join(scratch, 'profiles', name);
  const dryEnv = (path: string): Record<string, string> => ws.env({ path, 'dry-run': 'true' });
  const action = bundles.action.entry;
  const coldAction = await profileRuns(
    runner,
    { args: [action], env: dryEnv('keystore-output.json'), cwd: ws.dir },
    ROUNDS.profile,
    dir('cold-action'),
    ok,
  );
  const coldFloor = await profileRuns(
    runner,
    { args: [bundles.floor.entry], env: dryEnv('keystore-output.json'), cwd: ws.dir },
    ROUNDS.profile,
    dir('cold-floor'),
    ok,
  );
  const largeDry = await profileRuns(runner, { args: [action], env: dryEnv('large.json'), cwd: ws.dir }, 2, dir('large'), ok);
  const largeSubmit = await profileRuns(
    runner,
    { args: [action], env: ws.env({ path: 'large.json', ...setup.inputs }), cwd: ws.dir },
    1,
    dir('submit'),
    () => undefined, // the sandbox may refuse the body (413): the client's work is profiled all the same
  );
  return {
    coldFloor: byGroup(summarize(coldFloor, labeler, 0.3)),
    coldAction: byGroup(summarize(coldAction, labeler, 0.3)),
    largeDry: summarize(largeDry, labeler, 3),
    largeSubmit: summarize(largeSubmit, labeler, 5),
  };
}

/** Self time of the rows whose label passes `test`, ms. */
export function selfTime(rows: ProfileRows, test: (label: string) => boolean): number {
  return rows.rows.filter((x) => test(x.label)).reduce((sum, x) => sum + x.ms, 0);
}

function profileTable(rows: ProfileRows, limit = 18): string {
  return table(
    ['where', 'self time', 'share'],
    rows.rows.slice(0, limit).map((r) => [r.label, ms(r.ms), `${((r.ms / rows.totalMs) * 100).toFixed(0)} %`]),
  );
}

function coldProfileTable(floor: ProfileRows, action: ProfileRows): string {
  const labels = [...new Set([...action.rows, ...floor.rows].map((r) => r.label))];
  const get = (rows: ProfileRows, label: string): number => selfTime(rows, (l) => l === label);
  const rows = labels
    .map((label) => ({ label, floor: get(floor, label), action: get(action, label) }))
    .sort((a, b) => b.action - b.floor - (a.action - a.floor));
  return table(
    ['where', 'floor', 'action', 'difference'],
    [
      ...rows
        .filter((r) => Math.abs(r.action - r.floor) >= 0.3)
        .map((r) => [r.label, ms(r.floor), ms(r.action), `${r.action >= r.floor ? '+' : ''}${ms(r.action - r.floor)}`]),
      ['**total sampled**', ms(floor.totalMs), ms(action.totalMs), `+${ms(action.totalMs - floor.totalMs)}`],
    ],
  );
}

/** What the cold start profile says the action adds to the floor. */
function coldExplanation(profiles: Profiles, facts: BundleFacts): string {
  const { coldFloor: floor, coldAction: action } = profiles;
  const diff = (test: (label: string) => boolean): number => selfTime(action, test) - selfTime(floor, test);
  const compile = diff((l) => l.startsWith('compiling the bundle'));
  const zod = diff((l) => l === 'zod');
  const noble = diff((l) => l === '@noble/hashes');
  const src = diff((l) => l.startsWith('src/'));
  const total = action.totalMs - floor.totalMs;
  const rest = total - compile - zod - noble - src;
  return `Under the profiler the action samples ${moreOrLess(total, ms)} than the floor: compiling the larger main file
(\`index.js\`, ${mb(mainFileBytes(facts))}: zod, @noble/hashes and the actions' own code on top of the floor's
@actions/core and undici 6) ${ms(compile)}; zod (initializing the library, building the schemas,
validating the inputs and the file) ${ms(zod)}; @noble/hashes (loading it, and hashing the file) ${ms(noble)};
the action's own code ${ms(src)}; and ${ms(rest)} spread over Node's own code: the receipt, the job summary and
the outputs written to their files, the log lines, the larger heap's garbage collection.`;
}

/** Where a large submission's time and memory go, beyond the dry run's. */
function submissionExplanation(profiles: Profiles, large: readonly Large[], facts: BundleFacts): string {
  const largest = large[large.length - 1]!;
  const smallest = large[0]!;
  const wall = (samples: Large['dry']): number => median(samples.map((x) => x.wallMs));
  const rss = (samples: Large['dry']): number => median(samples.map((x) => x.peakRss));
  const sandbox = median(largest.submit.map((x) => x.sandboxMs ?? 0));
  const rssAdded = large.map((l) => ({ l, bytes: rss(l.submit) - rss(l.dry) }));
  const submissionOnly = facts.files.filter((f) => f.submission && !f.dryRun).reduce((sum, f) => sum + f.bytes, 0);
  const smallOver = rss(smallest.submit) - (TARGETS.rssFactor * smallest.fileBytes + TARGETS.rssAllowance);
  const busiest = profiles.largeSubmit.rows.filter((r) => !r.label.startsWith('idle')).slice(0, 4);
  const idle = selfTime(profiles.largeSubmit, (l) => l.startsWith('idle'));
  return `A submission of ${count(largest.signatures)} signatures takes ${moreOrLess(wall(largest.submit) - wall(largest.dry), ms)} time and ${moreOrLess(rss(largest.submit) - rss(largest.dry), mb)} peak RSS
than its dry run (the sandbox, in the benchmark's process, was busy ${ms(sandbox)} of it; for ${count(smallest.signatures)} signatures
the three calls add ${ms(wall(smallest.submit) - wall(smallest.dry))}: loading the Dfns client and undici 8, signing, three round trips). The rest is the
output travelling three times on loopback: the init request carries the data part JSON-escaped as its
\`userActionPayload\`, and the submission carries the data part and the file. The bodies are written a slice at a time
(see [What happens to the bytes](#what-happens-to-the-bytes)). Under the profiler, the main thread's busiest rows are
${busiest.map((r) => `${r.label} (${ms(r.ms)})`).join(', ')}; it is idle ${ms(idle)} of ${ms(profiles.largeSubmit.totalMs)} sampled, waiting for
the sandbox, which runs in the benchmark's process, to read and check what it received.

A submission's peak RSS is above its dry run's by ${rssAdded.map((x) => `${mb(x.bytes)} for ${count(x.l.signatures)}`).join(', ')} signatures.
A fixed part of that is the code a dry run never loads (the chunks only a submission loads: ${mb(submissionOnly)} of JavaScript,
compiled and run): the ${count(smallest.signatures)}-signature figure${smallOver > 0 ? `; the smallest submission is over its RSS allowance by ${mb(smallOver)}` : ''}.
At the largest size, the peak is ${ratio(rss(largest.submit) / largest.fileBytes)} the file's size.`;
}

export function whereTheTimeGoesSection(profiles: Profiles, large: readonly Large[], facts: BundleFacts): string {
  return `## Where the time goes

CPU profiles (\`node --cpu-prof\`, sampling) of the same runs, with each sample's self time put
under the source file and function (through source maps of a copy of the bundle built with them)
or the package it belongs to. The profiler slows everything down: compare shares, not absolute values.

### Cold start: the action vs the floor

Mean of ${plural(profiles.coldAction.runs, 'run')} each, grouped by file and package; rows that differ by 0.3 ms or more, largest difference first.

${coldProfileTable(profiles.coldFloor, profiles.coldAction)}

${coldExplanation(profiles, facts)}

### ${count(LARGEST)} signatures, dry run

${profileTable(profiles.largeDry)}

### ${count(LARGEST)} signatures, submission

${profileTable(profiles.largeSubmit, 14)}

${submissionExplanation(profiles, large, facts)}`;
}
