/**
 * 3. Large outputs: 1,000, 10,000 and 100,000 signatures, dry run and submission, wall time and
 * peak RSS vs a script that only reads the file, JSON.parses it and hashes it with node:crypto.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeOnchainOutput } from '../../test/helpers/output-generators.ts';
import { checksumOf, SIGNATURES } from './fixtures.ts';
import { count, mb, ms, plural, ratio, table } from './format.ts';
import { ROUNDS } from './options.ts';
import { ActionWorkspace, expectRun, interleave, median, type Runner, type RunResult } from './runner.ts';
import { submitOnce, type SandboxSetup } from './sandbox.ts';
import { TARGETS, type TargetRow } from './targets.ts';

export interface Sample {
  wallMs: number;
  peakRss: number;
  /** Submissions: the sandbox's busy time in the benchmark's process, ms. */
  sandboxMs?: number;
}

const sample = (run: RunResult): Sample => ({ wallMs: run.wallMs, peakRss: run.peakRss ?? Number.NaN });

/** An output of `signatures` signatures in a workspace of its own, and timed runs of it (with their peak RSS). */
export class LargeOutput {
  readonly signatures: number;
  readonly fileBytes: number;
  /** Why the sandbox refused the last submission, when it did. */
  refused: string | undefined;
  /** TCP connections of each submission. */
  readonly connections: number[] = [];
  private readonly ws: ActionWorkspace;
  private readonly file: string;
  private readonly checksum: string;
  private readonly runner: Runner;
  private readonly setup: SandboxSetup;

  constructor(runner: Runner, scratch: string, setup: SandboxSetup, signatures: number) {
    this.runner = runner;
    this.setup = setup;
    this.signatures = signatures;
    this.ws = new ActionWorkspace(scratch, `large-${signatures}`);
    const text = makeOnchainOutput(signatures);
    this.file = `keystore-output-${signatures}.json`;
    this.ws.write(this.file, text);
    this.fileBytes = Buffer.byteLength(text);
    this.checksum = checksumOf(text);
  }

  /** The baseline script (BASELINE_SCRIPT, written at `script`) on the same file. */
  baseline(script: string): () => Promise<Sample> {
    return async () => {
      const run = await this.runner.run({ args: [script, join(this.ws.dir, this.file)], env: this.ws.env(), cwd: this.ws.dir, rss: true });
      expectRun(run, 'the baseline');
      return sample(run);
    };
  }

  /** A dry run by the action started from `entry`. */
  dryRun(entry: string): () => Promise<Sample> {
    return async () => {
      this.ws.reset();
      const env = this.ws.env({ path: this.file, 'dry-run': 'true' });
      const run = await this.runner.run({ args: [entry], env, cwd: this.ws.dir, rss: true });
      expectRun(run, `the dry run of ${this.file}`, this.ws.outputs(), { status: 'dry-run', checksum: this.checksum });
      return sample(run);
    };
  }

  /** A submission to the sandbox by the action started from `entry`. */
  submission(entry: string): () => Promise<Sample> {
    return async () => {
      const seen = await submitOnce(this.runner, this.ws, this.setup, entry, this.file, this.checksum, true);
      this.refused = seen.refused;
      this.connections.push(seen.connections);
      return { ...sample(seen.run), sandboxMs: seen.busyMs };
    };
  }

  /** Warm-up rounds: none for the largest, whose runs are long enough. */
  get warmup(): number {
    return this.signatures >= 100_000 ? 0 : ROUNDS.warmup;
  }
}

export interface Large {
  signatures: number;
  fileBytes: number;
  baseline: Sample[];
  dry: Sample[];
  submit: Sample[];
  refused?: string;
  connections: number[];
}

const BASELINE_SCRIPT = `import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const bytes = readFileSync(process.argv[2]);
const value = JSON.parse(bytes.toString('utf8'));
const digest = createHash('sha256').update(bytes).digest('hex');
if (typeof value !== 'object' || digest.length !== 64) process.exit(1);
`;

export async function measureLargeOutputs(runner: Runner, scratch: string, entry: string, setup: SandboxSetup): Promise<Large[]> {
  const baseline = join(scratch, 'baseline.mjs');
  writeFileSync(baseline, BASELINE_SCRIPT);
  const results: Large[] = [];
  for (const signatures of SIGNATURES) {
    const output = new LargeOutput(runner, scratch, setup, signatures);
    console.log(`3. large outputs: ${count(signatures)} signatures (${mb(output.fileBytes)})`);
    const jobs = { baseline: output.baseline(baseline), dry: output.dryRun(entry), submit: output.submission(entry) };
    await interleave(output.warmup, jobs);
    output.connections.length = 0;
    const samples = await interleave(ROUNDS.large, jobs);
    results.push({
      signatures,
      fileBytes: output.fileBytes,
      ...samples,
      connections: output.connections,
      ...(output.refused ? { refused: output.refused } : {}),
    });
  }
  return results;
}

/** A run of a large output against its targets. */
interface LargeRow {
  l: Large;
  kind: 'dry' | 'submit';
  /** Medians: the baseline's wall time, and the run's wall time, peak RSS and wall time less the sandbox's. */
  base: number;
  wall: number;
  rss: number;
  net: number;
  allowed: number;
  timeOk: boolean;
  rssOk: boolean;
  refused: string | undefined;
}

function largeRows(large: readonly Large[]): LargeRow[] {
  return large.flatMap((l) => {
    const base = median(l.baseline.map((s) => s.wallMs));
    const allowed = TARGETS.rssFactor * l.fileBytes + TARGETS.rssAllowance;
    return (['dry', 'submit'] as const).map((kind) => {
      const samples = l[kind];
      const wall = median(samples.map((s) => s.wallMs));
      const rss = median(samples.map((s) => s.peakRss));
      return {
        l,
        kind,
        base,
        wall,
        rss,
        // The sandbox runs in this process: its own work (reading and checking what it received)
        // is part of the wall time, but would be Dfns's, on Dfns's machines.
        net: median(samples.map((s) => s.wallMs - (s.sandboxMs ?? 0))),
        allowed,
        timeOk: wall / base <= TARGETS.largeTime,
        rssOk: rss <= allowed,
        refused: kind === 'submit' ? l.refused : undefined,
      };
    });
  });
}

const runName = (x: LargeRow): string => `${count(x.l.signatures)} signatures, ${x.kind === 'dry' ? 'dry run' : 'submission'}`;

export function largeOutputTargets(large: readonly Large[]): TargetRow[] {
  const all = largeRows(large);
  return (['dry', 'submit'] as const).flatMap((kind) => {
    const rows = all.filter((x) => x.kind === kind);
    const what = kind === 'dry' ? 'dry run' : 'submission';
    const worstTime = rows.reduce((a, b) => (b.wall / b.base > a.wall / a.base ? b : a));
    const worstRss = rows.reduce((a, b) => (b.rss / b.allowed > a.rss / a.allowed ? b : a));
    return [
      {
        target: `large outputs, ${what}: time ≤ ${TARGETS.largeTime}× the baseline's`,
        measured:
          `worst ${ratio(worstTime.wall / worstTime.base)} (${count(worstTime.l.signatures)} signatures)` +
          (kind === 'submit' ? `; without the sandbox's own time, worst ${ratio(Math.max(...rows.map((x) => x.net / x.base)))}` : ''),
        met: rows.every((x) => x.timeOk),
        missed: rows.filter((x) => !x.timeOk).map((x) => `time of ${runName(x)}`),
      },
      {
        target: `large outputs, ${what}: peak RSS ≤ ${TARGETS.rssFactor}× the file + 100 MB`,
        measured: `worst ${mb(worstRss.rss)} for ${mb(worstRss.allowed)} allowed (${count(worstRss.l.signatures)} signatures)`,
        met: rows.every((x) => x.rssOk),
        missed: rows.filter((x) => !x.rssOk).map((x) => `peak RSS of ${runName(x)}`),
      },
    ];
  });
}

/** A note on the submissions the sandbox refused (413), if any. */
export function refusedNote(large: readonly Large[]): string | undefined {
  const refused = largeRows(large).filter((x) => x.refused);
  if (refused.length === 0) return undefined;
  return (
    `**Note:** ${refused.map(runName).join(', ')}: ${refused[0]!.refused} (the multipart body holds the output twice, as the data part and as the file). ` +
    "The action did all its work and uploaded the whole body; the figures include it, but not the sandbox's checks of an accepted submission."
  );
}

export function largeOutputSection(large: readonly Large[]): string {
  const rows = largeRows(large);
  return `## 3. Large outputs

Outputs of one onchain-sign entry holding N signatures (\`makeOnchainOutput\` in
\`test/helpers/output-generators.ts\`: realistic key, digest and DER signature lengths, indented
JSON). ${plural(ROUNDS.large, 'run')} of each, interleaved. The baseline only reads the file, \`JSON.parse\`s it and
hashes it with \`node:crypto\`:

\`\`\`js
${BASELINE_SCRIPT.trim()}
\`\`\`

${table(
  ['signatures', 'file', 'run', 'wall', '× baseline', 'peak RSS', '× file', 'RSS allowed', 'sandbox busy', ''],
  large.flatMap((l) => {
    const base = median(l.baseline.map((s) => s.wallMs));
    const baseRss = median(l.baseline.map((s) => s.peakRss));
    return [
      [count(l.signatures), mb(l.fileBytes), 'baseline', ms(base), '1.00×', mb(baseRss), ratio(baseRss / l.fileBytes), '', '', ''],
      ...rows
        .filter((x) => x.l === l)
        .map((x) => [
          '',
          '',
          x.kind === 'dry' ? 'dry run' : 'submission',
          ms(x.wall),
          ratio(x.wall / x.base),
          mb(x.rss),
          ratio(x.rss / l.fileBytes),
          mb(x.allowed),
          x.kind === 'submit' ? ms(median(l.submit.map((s) => s.sandboxMs ?? 0))) : '',
          [x.timeOk ? '' : 'time ❌', x.rssOk ? '' : 'RSS ❌', x.refused ? '413' : ''].filter(Boolean).join(' ') || '✅',
        ]),
    ];
  }),
)}

Targets: wall time ≤ ${TARGETS.largeTime}× the baseline, peak RSS ≤ ${TARGETS.rssFactor}× the file size + 100 MB (MB = 10⁶ bytes).
A submission's wall time includes the three round trips and the sandbox's work, which runs in the benchmark's
process on the same CPUs ("sandbox busy": its event loop's active time during the run): reading the multipart
body, verifying the signature and checking the submission. Connections per submission: ${large.map((l) => `${count(l.signatures)}: ${[...new Set(l.connections)].join(', ')}`).join('; ')}.`;
}
