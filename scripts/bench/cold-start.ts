/**
 * 1. Cold start: a dry run of a 1 KB output (and of a fleet output) vs the floor of any toolkit
 * action (a bundle, built with the same ncc flags, that only imports @actions/core and sets one
 * output) and vs `node -e ""`; for reference, the floor plus the libraries the stack requires,
 * and both minified.
 */
import { readFileSync } from 'node:fs';
import { bundleCommand, bundleFiles, FLOOR_LIBS_SOURCE, FLOOR_SOURCE, type Bundle } from './bundles.ts';
import { checksumOf, FIXTURE, FLEET_FIXTURE } from './fixtures.ts';
import { moreOrLess, ms, plural, ratio, spread, table, verdict } from './format.ts';
import { ROUNDS } from './options.ts';
import { ActionWorkspace, expectRun, interleave, median, type Runner } from './runner.ts';
import { TARGETS, type TargetRow } from './targets.ts';

/** The 1 KB keystore output in a workspace of its own, and timed runs of it (wall time, ms). */
export class SmallOutput {
  readonly ws: ActionWorkspace;
  readonly file = 'keystore-output.json';
  readonly bytes: number;
  readonly checksum: string;
  private readonly runner: Runner;

  constructor(runner: Runner, scratch: string, name: string) {
    this.runner = runner;
    this.ws = new ActionWorkspace(scratch, name);
    const text = readFileSync(FIXTURE);
    this.ws.write(this.file, text);
    this.bytes = text.byteLength;
    this.checksum = checksumOf(text);
  }

  /** A dry run by the action started from `entry`. */
  dryRun(entry: string): () => Promise<number> {
    return () => this.timed(entry, 'the dry run', { status: 'dry-run', checksum: this.checksum });
  }

  /** A run of a floor bundle (it sets `status` to `ok`) in the same environment. */
  floorRun(entry: string): () => Promise<number> {
    return () => this.timed(entry, entry, { status: 'ok' });
  }

  private async timed(entry: string, what: string, expected: Record<string, string>): Promise<number> {
    this.ws.reset();
    const run = await this.runner.run({ args: [entry], env: this.ws.env({ path: this.file, 'dry-run': 'true' }), cwd: this.ws.dir });
    expectRun(run, what, this.ws.outputs(), expected);
    return run.wallMs;
  }
}

/** The bundles the cold start compares the action with. */
export interface ColdBundles {
  floor: Bundle;
  floorZod: Bundle;
  floorLibs: Bundle;
  floorMinified: Bundle;
  actionMinified: Bundle;
}

export interface Cold {
  node: number[];
  floor: number[];
  floorZod: number[];
  floorLibs: number[];
  floorMinified: number[];
  action: number[];
  /** The dry run of a fleet output (genesis). */
  actionFleet: number[];
  actionMinified: number[];
  fileBytes: number;
  fleetFileBytes: number;
  minifiedBytes: number;
}

export async function measureColdStart(runner: Runner, scratch: string, entry: string, bundles: ColdBundles): Promise<Cold> {
  console.log('1. cold start: node -e "", the floor, a dry run of a 1 KB output');
  const small = new SmallOutput(runner, scratch, 'cold');
  const fleetText = readFileSync(FLEET_FIXTURE);
  small.ws.write('fleet-output.json', fleetText);
  const jobs = {
    node: async () => (await runner.run({ args: ['-e', ''], env: small.ws.env(), cwd: small.ws.dir })).wallMs,
    floor: small.floorRun(bundles.floor.entry),
    floorZod: small.floorRun(bundles.floorZod.entry),
    floorLibs: small.floorRun(bundles.floorLibs.entry),
    floorMinified: small.floorRun(bundles.floorMinified.entry),
    action: small.dryRun(entry),
    actionFleet: async (): Promise<number> => {
      small.ws.reset();
      const run = await runner.run({
        args: [entry],
        env: small.ws.env({ path: 'fleet-output.json', 'dry-run': 'true' }),
        cwd: small.ws.dir,
      });
      expectRun(run, 'the dry run of a fleet output', small.ws.outputs(), {
        status: 'dry-run',
        operation: 'genesis',
        checksum: checksumOf(fleetText),
      });
      return run.wallMs;
    },
    actionMinified: small.dryRun(bundles.actionMinified.entry),
  };
  await interleave(ROUNDS.warmup, jobs);
  const samples = await interleave(ROUNDS.cold, jobs);
  return {
    ...samples,
    fileBytes: small.bytes,
    fleetFileBytes: fleetText.byteLength,
    minifiedBytes: bundleFiles(bundles.actionMinified.dir).find((f) => f.name === 'index.js')!.bytes,
  };
}

/** The medians the target is about; the slower of the two documents is what is compared. */
function figures(cold: Cold): { node: number; floor: number; action: number; ratio: number } {
  const floor = median(cold.floor);
  const action = Math.max(median(cold.action), median(cold.actionFleet));
  return { node: median(cold.node), floor, action, ratio: action / floor };
}

/** Whether the aim is met too. */
const aim = (value: number): string => `aim of ${TARGETS.coldAim}×: ${value <= TARGETS.coldAim ? 'met' : 'not met'}`;

export function coldStartTargets(cold: Cold): TargetRow[] {
  const f = figures(cold);
  const met = f.ratio <= TARGETS.cold;
  return [
    {
      target: `cold start ≤ ${TARGETS.cold}× the @actions/core-only floor (aim: ${TARGETS.coldAim}×)`,
      measured: `${ratio(f.ratio)} (${ms(f.action)} vs ${ms(f.floor)}); ${aim(f.ratio)}`,
      met,
      missed: met ? [] : ['cold start'],
    },
  ];
}

export function coldStartSection(cold: Cold): string {
  const f = figures(cold);
  const floorZod = median(cold.floorZod);
  const floorLibs = median(cold.floorLibs);
  const { script, flags } = bundleCommand();
  const reference = (label: string, values: number[]): string[] => {
    const m = median(values);
    return [label, ms(m), spread(values), ratio(m / f.floor), ratio(m / f.node)];
  };
  const action = (label: string, values: number[]): string[] => {
    const m = median(values);
    return [label, `**${ms(m)}**`, spread(values), `**${ratio(m / f.floor)}**`, ratio(m / f.node)];
  };
  return `## 1. Cold start

A dry run of a ${(cold.fileBytes / 1000).toFixed(1)} KB keystore output (\`test/fixtures/onchain-sign-output.json\`) and of a ${(cold.fleetFileBytes / 1000).toFixed(1)} KB fleet output (\`test/fixtures/genesis-output.json\`), ${plural(cold.action.length, 'run')} of each,
after ${plural(ROUNDS.warmup, 'warm-up round')}. The floor is what any action built on the toolkit pays: a bundle of

\`\`\`ts
${FLOOR_SOURCE.trim()}
\`\`\`

built by the same bundler with the same flags as \`npm run bundle\` (\`${script}\`: \`${flags.join(' ')}\`).

${table(
  ['', 'median', 'min–max', 'vs floor', 'vs node -e ""'],
  [
    reference('`node -e ""`', cold.node),
    reference('floor (@actions/core, one output)', cold.floor),
    reference('for reference: the floor + zod/mini (one schema, one parse)', cold.floorZod),
    reference('for reference: the floor + zod/mini + @noble/hashes (the libraries the stack requires)', cold.floorLibs),
    action('**the action, dry run of a keystore output**', cold.action),
    action(`**the action, dry run of a fleet output** (genesis, ${(cold.fleetFileBytes / 1000).toFixed(1)} KB)`, cold.actionFleet),
    reference('for reference: the floor, minified (`-m`)', cold.floorMinified),
    reference('for reference: the action, minified (`-m`)', cold.actionMinified),
  ],
)}

Target: at most ${TARGETS.cold}× the floor, aim for ${TARGETS.coldAim}×, for both documents: ${verdict(f.ratio <= TARGETS.cold)} at ${ratio(f.ratio)}; ${aim(f.ratio)}.
The action (its slower row) costs ${moreOrLess(f.action - f.floor, ms)} than the floor,
which costs ${moreOrLess(f.floor - f.node, ms)} than Node alone (mostly @actions/core's own imports: @actions/http-client and undici 6,
which every toolkit action loads). Of the action's ${ms(f.action - f.floor)}, the two libraries the stack requires account for
about ${ms(floorLibs - f.floor)} (zod/mini alone ${ms(floorZod - f.floor)}): with them, before any code of the action's own, a
bundle is already at ${ratio(floorLibs / f.floor)} the floor. The reference rows are the floor plus

\`\`\`ts
${FLOOR_LIBS_SOURCE.trim()}
\`\`\`

(and the same without the hash), built by the same bundler with the same flags. The action's own code and work (reading inputs,
the file, the strict JSON scan, validation, the receipt, the job summary and the outputs) add the remaining
${ms(f.action - floorLibs)}. The profile under [Where the time goes](#where-the-time-goes) shows where.`;
}
