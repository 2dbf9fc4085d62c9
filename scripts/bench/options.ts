/**
 * What the command line asks for, and how many runs each scenario makes of it.
 *
 *   --quick              every scenario with few rounds; BENCHMARKS.md is not written
 *   --print              with --quick: print the report that would have been written
 *   --before <dir>       also measure the build of another tree (a checkout of an earlier commit
 *                        with its dist/), interleaved with this one's: "Before and after"
 *   --test-time          also time `npm ci` and `npm test` in a fresh clone of this repository's HEAD
 *   --test-time-trial    with --quick: the same clone and timing, with `npm --version` in place of
 *                        both commands (checks the code path without loading the machine)
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    print: { type: 'boolean', default: false },
    before: { type: 'string' },
    'test-time': { type: 'boolean', default: false },
    'test-time-trial': { type: 'boolean', default: false },
  },
  strict: true,
});

if (values['test-time-trial'] && !values.quick) throw new Error('--test-time-trial only goes with --quick: its figures are not written');
if (values.print && !values.quick) throw new Error('--print only goes with --quick (a full run writes BENCHMARKS.md)');

export const OPTIONS = {
  quick: values.quick,
  print: values.print,
  /** The tree to compare this one with. */
  before: values.before,
  testTime: values['test-time-trial'] ? ('trial' as const) : values['test-time'] ? ('npm' as const) : undefined,
};

/** Runs per scenario (after `warmup` rounds that are not kept). */
export const ROUNDS = OPTIONS.quick
  ? { warmup: 1, cold: 3, submit: 2, large: 2, profile: 1, beforeCold: 3, beforeLarge: 1 }
  : { warmup: 2, cold: 40, submit: 9, large: 7, profile: 5, beforeCold: 40, beforeLarge: 5 };
