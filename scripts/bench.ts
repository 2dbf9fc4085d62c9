/**
 * `npm run bench` (Node 24): measures the built action (dist/submit/index.js) as a runner runs it,
 * each figure next to its baseline measured in the same run (interleaved, medians), and writes
 * BENCHMARKS.md. Not a test: the figures depend on the machine; the targets are ratios.
 *
 * 1. Cold start (scripts/bench/cold-start.ts), 2. submission (submission.ts), 3. large outputs
 * (large-outputs.ts), 4. the bundle (bundle-facts.ts), 5. what is parsed, serialized, decoded and
 * copied (copies.ts); with --before <dir>, the same runs of another tree's build (before-after.ts);
 * with --test-time, `npm test` on a clean clone (test-time.ts); then CPU profiles
 * (where-the-time-goes.ts) and the hash's throughput (what-happens-to-the-bytes.ts). The options
 * are in options.ts; the report is written by report.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeTree, currentTree } from './bench/action-trees.ts';
import { measureBeforeAfter } from './bench/before-after.ts';
import { measureBundle } from './bench/bundle-facts.ts';
import {
  buildAction,
  buildFloor,
  bundleCommand,
  FLOOR_LIBS_SOURCE,
  FLOOR_ZOD_SOURCE,
  MINIFY_FLAGS,
  ROOT,
  SOURCE_MAP_FLAGS,
} from './bench/bundles.ts';
import { measureColdStart } from './bench/cold-start.ts';
import { measureCopies } from './bench/copies.ts';
import { Labeler } from './bench/cpu-profile.ts';
import { measureLargeOutputs } from './bench/large-outputs.ts';
import { describeMachine, loadAverage } from './bench/machine.ts';
import { OPTIONS } from './bench/options.ts';
import { assertNoLocalPaths, renderReport } from './bench/report.ts';
import { startSandbox } from './bench/sandbox.ts';
import { measureSubmission } from './bench/submission.ts';
import { measureTestTime } from './bench/test-time.ts';
import { Runner } from './bench/runner.ts';
import { measureHashing } from './bench/what-happens-to-the-bytes.ts';
import { measureProfiles } from './bench/where-the-time-goes.ts';

if (Number(process.versions.node.split('.')[0]) < 24) throw new Error(`run with Node 24 (npm run bench), not ${process.version}`);
const started = performance.now();
const machine = describeMachine();
const after = currentTree();
const before = OPTIONS.before === undefined ? undefined : beforeTree(OPTIONS.before);
// First, alone on the machine: it loads every CPU, and needs the network for npm ci.
const testTime = OPTIONS.testTime ? await measureTestTime(OPTIONS.testTime === 'trial') : undefined;

const scratch = mkdtempSync(join(tmpdir(), 'dfns-bench-'));
const setup = await startSandbox();
try {
  const runner = new Runner(scratch);
  console.log(`building the floor and copies of the action (${bundleCommand().flags.join(' ')})`);
  const bundles = {
    floor: buildFloor(join(scratch, 'floor')),
    floorZod: buildFloor(join(scratch, 'floor-zod'), [], FLOOR_ZOD_SOURCE),
    floorLibs: buildFloor(join(scratch, 'floor-libs'), [], FLOOR_LIBS_SOURCE),
    floorMinified: buildFloor(join(scratch, 'floor-minified'), MINIFY_FLAGS),
    actionMinified: buildAction(join(scratch, 'action-minified'), MINIFY_FLAGS),
  };
  const mapped = {
    floor: buildFloor(join(scratch, 'floor-mapped'), SOURCE_MAP_FLAGS),
    action: buildAction(join(scratch, 'action-mapped'), SOURCE_MAP_FLAGS),
  };
  const labeler = new Labeler([mapped.action.dir, mapped.floor.dir]);

  const cold = await measureColdStart(runner, scratch, after.entry, bundles);
  const submission = await measureSubmission(runner, scratch, after.entry, setup);
  const large = await measureLargeOutputs(runner, scratch, after.entry, setup);
  const bundle = await measureBundle(runner, scratch, after.entry, bundles.floor.entry, setup);
  const copies = await measureCopies(runner, scratch, mapped.action.entry, setup, labeler);
  const beforeAfter = before ? await measureBeforeAfter(runner, scratch, { before, after }, bundles.floor.entry, setup) : undefined;
  const profiles = await measureProfiles(runner, scratch, labeler, mapped, setup);

  const markdown = renderReport({
    machine: { ...machine, loadEnd: loadAverage() },
    rssMethod: runner.rssMethod,
    durationS: (performance.now() - started) / 1000,
    cold,
    submission,
    large,
    bundle,
    copies,
    profiles,
    hashing: measureHashing(),
    ...(beforeAfter ? { beforeAfter } : {}),
    ...(testTime ? { testTime } : {}),
  });
  assertNoLocalPaths(markdown, [ROOT, scratch, tmpdir(), homedir(), ...(OPTIONS.before ? [resolve(OPTIONS.before)] : [])]);
  console.log(`\n${markdown.slice(markdown.indexOf('## Summary'), markdown.indexOf('## Machine')).trim()}\n`);
  if (OPTIONS.print) console.log(markdown);
  if (OPTIONS.quick) console.log('--quick: BENCHMARKS.md not written');
  else {
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown);
    console.log('BENCHMARKS.md written');
  }
} finally {
  await setup.sandbox.close();
  rmSync(scratch, { recursive: true, force: true });
}
