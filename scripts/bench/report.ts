/**
 * BENCHMARKS.md: the summary of the targets, the machine, how to reproduce, then each
 * scenario's section (each module writes its own).
 */
import { beforeAfterSection, type BeforeAfter } from './before-after.ts';
import { bundleSection, type BundleFacts } from './bundle-facts.ts';
import { coldStartSection, coldStartTargets, type Cold } from './cold-start.ts';
import { copiesSection, copiesTargets, type Copies } from './copies.ts';
import { table, verdict } from './format.ts';
import { largeOutputSection, largeOutputTargets, refusedNote, type Large } from './large-outputs.ts';
import type { Machine } from './machine.ts';
import { submissionSection, submissionTargets, type Submission } from './submission.ts';
import type { TargetRow } from './targets.ts';
import { testTimeSection, testTimeTargets, type TestTime } from './test-time.ts';
import { bytesSection, type Hashing } from './what-happens-to-the-bytes.ts';
import { whereTheTimeGoesSection, type Profiles } from './where-the-time-goes.ts';

export interface Report {
  machine: Machine & { loadEnd: string };
  rssMethod: string;
  durationS: number;
  cold: Cold;
  submission: Submission;
  large: Large[];
  bundle: BundleFacts;
  copies: Copies;
  profiles: Profiles;
  hashing: Hashing;
  beforeAfter?: BeforeAfter;
  testTime?: TestTime;
}

function summary(r: Report): string {
  const targets: TargetRow[] = [
    ...coldStartTargets(r.cold),
    ...submissionTargets(r.submission),
    ...largeOutputTargets(r.large),
    ...copiesTargets(r.copies),
    ...(r.testTime ? testTimeTargets(r.testTime, r.machine) : []),
  ];
  const missed = targets.flatMap((t) => t.missed);
  const note = refusedNote(r.large);
  return `## Summary

${table(
  ['target', 'measured', ''],
  targets.map((t) => [t.target, t.measured, verdict(t.met)]),
)}

${missed.length === 0 ? 'Every target is met.' : `**Missed: ${missed.join('; ')}.** Where the time and memory go is under [Where the time goes](#where-the-time-goes).`}
${note ? `\n${note}\n` : ''}`;
}

/** The command that reproduces this report, with the options it was run with. */
function command(r: Report): string {
  const options = [...(r.beforeAfter ? ['--before ../before'] : []), ...(r.testTime ? ['--test-time'] : [])];
  const before = r.beforeAfter
    ? `git worktree add ../before ${r.beforeAfter.before.commit ?? '<commit>'}   # the tree compared with, and its committed dist/\n`
    : '';
  return `npm ci
${before}npm run bench${options.length ? ` -- ${options.join(' ')}` : ''}   # rebuilds dist/ (npm run bundle), then runs scripts/bench.ts and rewrites this file`;
}

export function renderReport(r: Report): string {
  return `# Benchmarks

Written by \`npm run bench\` (\`scripts/bench.ts\`): do not edit by hand. Every figure is the
median of several runs of \`dist/submit/index.js\` started as a GitHub runner starts it (a child
process with \`INPUT_*\` variables and fresh \`GITHUB_OUTPUT\`/\`GITHUB_STEP_SUMMARY\` files),
next to its baseline measured in the same run: the runs of a scenario are interleaved, so that
both see the same machine. Wall time runs from spawning the process to its exit.

${summary(r)}
## Machine

- CPU: ${r.machine.cpu}, ${r.machine.cpus} logical CPUs (\`nproc\`)
- Memory: ${r.machine.memory}
- OS: ${r.machine.os}
- Node: ${r.machine.node} (the action runs on \`node24\`)
- Load average (1, 5, 15 min) at the start: ${r.machine.loadStart}; at the end: ${r.machine.loadEnd}
- Peak RSS measured with ${r.rssMethod}; it counts every thread of the process
- The benchmark took ${r.durationS.toFixed(0)} s

## How to reproduce

\`\`\`sh
${command(r)}
\`\`\`

\`npm run bench -- --quick\` runs every scenario a few times and writes nothing (\`--print\` prints what it would
have written). \`--before <dir>\` adds [Before and after](#before-and-after-20): the build of another tree, a checkout
of an earlier commit with its dist/. \`--test-time\` adds [npm test on a clean clone](#npm-test-on-a-clean-clone).
The figures depend on the machine and on what else runs on it; the targets are ratios to baselines measured alongside.

${coldStartSection(r.cold)}

${submissionSection(r.submission)}

${largeOutputSection(r.large)}

${bundleSection(r.bundle, r.cold)}

${copiesSection(r.copies)}
${r.beforeAfter ? `\n${beforeAfterSection(r.beforeAfter)}\n` : ''}${r.testTime ? `\n${testTimeSection(r.testTime, r.machine)}\n` : ''}
${whereTheTimeGoesSection(r.profiles, r.large, r.bundle)}

${bytesSection(r.hashing, r.profiles)}
`;
}

/** Throws if the report names a path of this machine. */
export function assertNoLocalPaths(markdown: string, paths: readonly string[]): void {
  for (const local of paths) {
    if (local.length > 1 && markdown.includes(local)) throw new Error(`the report names a path of this machine (${local})`);
  }
}
