/**
 * Before and after (#20): the build of another tree (`--before <dir>`, a checkout of an earlier
 * commit with its dist/) and this one's, run the same way and interleaved: the cold start (a dry
 * run of the 1 KB output, with the floor), and the large outputs' dry runs and submissions
 * (wall time and peak RSS).
 */
import type { ActionTree } from './action-trees.ts';
import { SmallOutput } from './cold-start.ts';
import { SIGNATURES } from './fixtures.ts';
import { count, mb, ms, plural, ratio, table } from './format.ts';
import { LargeOutput, type Sample } from './large-outputs.ts';
import { ROUNDS } from './options.ts';
import { interleave, median, type Runner } from './runner.ts';
import type { SandboxSetup } from './sandbox.ts';

interface LargePair {
  signatures: number;
  fileBytes: number;
  beforeDry: Sample[];
  afterDry: Sample[];
  beforeSubmit: Sample[];
  afterSubmit: Sample[];
  refused?: string;
}

export interface BeforeAfter {
  before: ActionTree;
  after: ActionTree;
  fileBytes: number;
  cold: { floor: number[]; before: number[]; after: number[] };
  large: LargePair[];
}

export async function measureBeforeAfter(
  runner: Runner,
  scratch: string,
  trees: { before: ActionTree; after: ActionTree },
  floorEntry: string,
  setup: SandboxSetup,
): Promise<BeforeAfter> {
  const { before, after } = trees;
  console.log(`before and after: ${before.label} vs ${after.label}`);
  const small = new SmallOutput(runner, scratch, 'before-after');
  const coldJobs = { floor: small.floorRun(floorEntry), before: small.dryRun(before.entry), after: small.dryRun(after.entry) };
  await interleave(ROUNDS.warmup, coldJobs);
  const cold = await interleave(ROUNDS.beforeCold, coldJobs);
  const large: LargePair[] = [];
  for (const signatures of SIGNATURES) {
    const output = new LargeOutput(runner, scratch, setup, signatures);
    console.log(`before and after: ${count(signatures)} signatures (${mb(output.fileBytes)})`);
    const jobs = {
      beforeDry: output.dryRun(before.entry),
      afterDry: output.dryRun(after.entry),
      beforeSubmit: output.submission(before.entry),
      afterSubmit: output.submission(after.entry),
    };
    await interleave(output.warmup, jobs);
    const samples = await interleave(ROUNDS.beforeLarge, jobs);
    large.push({ signatures, fileBytes: output.fileBytes, ...samples, ...(output.refused ? { refused: output.refused } : {}) });
  }
  return { before, after, fileBytes: small.bytes, cold, large };
}

/** `after − before`, signed. */
const difference = (before: number, after: number, unit: (v: number) => string): string =>
  `${after >= before ? '+' : '−'}${unit(Math.abs(after - before))}`;

export function beforeAfterSection(ba: BeforeAfter): string {
  const floor = median(ba.cold.floor);
  const coldBefore = median(ba.cold.before);
  const coldAfter = median(ba.cold.after);
  const wall = (samples: Sample[]): number => median(samples.map((s) => s.wallMs));
  const rss = (samples: Sample[]): number => median(samples.map((s) => s.peakRss));
  const largeRows = ba.large.flatMap((l) =>
    (['Dry', 'Submit'] as const).map((kind) => {
      const b = l[`before${kind}`];
      const a = l[`after${kind}`];
      return [
        kind === 'Dry' ? count(l.signatures) : '',
        kind === 'Dry' ? mb(l.fileBytes) : '',
        kind === 'Dry' ? 'dry run' : 'submission',
        ms(wall(b)),
        ms(wall(a)),
        ratio(wall(a) / wall(b)),
        difference(wall(b), wall(a), ms),
        mb(rss(b)),
        mb(rss(a)),
        ratio(rss(a) / rss(b)),
        difference(rss(b), rss(a), mb),
      ];
    }),
  );
  const refused = ba.large.filter((l) => l.refused);
  return `## Before and after (#20)

- **before**: ${ba.before.label}
- **after**: ${ba.after.label}

What #20 took out between the two: the hash worker thread (and the bundle re-running itself for it), the
re-implemented job summary writer, the \`Proxy\` around the logger and the references dropped by hand for the
garbage collector; SHA-256 now runs on the main thread as the file is read. It also made the three actions one
bundle, each started from an entry file of its own.

Both run the same way, from their submit action's entry, on the same documents, their runs interleaved so that
both see the same machine; medians. "after / before" below 1.00× is faster or smaller.

Cold start: a dry run of the ${(ba.fileBytes / 1000).toFixed(1)} KB keystore output, ${plural(ba.cold.after.length, 'run')} of each after ${plural(ROUNDS.warmup, 'warm-up round')},
with the floor (@actions/core, one output) measured alongside.

${table(
  ['', 'before', 'after', 'after / before', 'after − before'],
  [
    ['dry run, wall time', ms(coldBefore), ms(coldAfter), ratio(coldAfter / coldBefore), difference(coldBefore, coldAfter, ms)],
    [`vs the floor (${ms(floor)})`, ratio(coldBefore / floor), ratio(coldAfter / floor), '', ''],
  ],
)}

Large outputs: ${plural(ba.large[0]?.beforeDry.length ?? 0, 'run')} of each (after ${plural(ROUNDS.warmup, 'warm-up round')}, none for the largest).

${table(
  [
    'signatures',
    'file',
    'run',
    'wall before',
    'wall after',
    'after / before',
    'after − before',
    'peak RSS before',
    'peak RSS after',
    'after / before',
    'after − before',
  ],
  largeRows,
)}${refused.length > 0 ? `\n\n**Note:** ${refused.map((l) => `${count(l.signatures)} signatures: ${l.refused}`).join('; ')}.` : ''}`;
}
