/**
 * Where the time goes: V8 CPU profiles of a run (`node --cpu-prof`), with each sample's self
 * time put under what it belongs to: a file of src/ (and its function), an npm package, the
 * garbage collector, compiling the bundle, Node's own code. Functions of a bundle are named
 * through the source maps of a copy built with them (bundles.ts).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Runner, RunSpec } from './runner.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRows {
  /** Self time by label, in ms, the mean over the profiled runs. */
  rows: Array<{ label: string; ms: number }>;
  /** Total sampled time, ms, the mean over the runs. */
  totalMs: number;
  runs: number;
}

/** Names what a call frame belongs to. */
export class Labeler {
  private readonly maps = new Map<string, SourceMap>();

  /** `bundleDirs`: directories of bundles built with source maps. */
  constructor(bundleDirs: readonly string[]) {
    for (const dir of bundleDirs) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.js.map'))) {
        const payload = JSON.parse(readFileSync(join(dir, name), 'utf8')) as SourceMapPayload;
        this.maps.set(pathToFileURL(join(dir, name.slice(0, -'.map'.length))).href, new SourceMap(payload));
      }
    }
  }

  label(frame: CallFrame): string | undefined {
    const { functionName, url } = frame;
    if (functionName === '(root)') return undefined;
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle (waiting for I/O)';
    if (functionName === '(program)') return 'V8 and Node native code (not attributed)';
    if (functionName === 'compileSourceTextModule') return 'compiling the bundle (V8 parse of the entry file)';
    if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/bootstrap'))
      return 'Node module loader (built-ins and the bundle)';
    if (url.startsWith('node:')) return `Node built-in code (${url.replace(/^node:(internal\/)?/, '').split('/')[0]})`;
    const map = this.maps.get(url);
    if (!map) return url === '' ? `native: ${functionName || '(anonymous)'}` : 'other code';
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
    const source = entry.originalSource;
    if (!source) return 'bundle runtime (webpack)';
    return labelSource(source, functionName);
  }
}

function labelSource(source: string, functionName: string): string {
  const path = source.replace(/^(\.\.?\/)+/, '').replace(/^webpack:\/\/[^/]*\//, '');
  const src = /(?:^|\/)(src\/.+)$/.exec(path);
  if (src) return `${src[1]} ${functionName || '(top level)'}`;
  const packages = [...path.matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)/g)].map((m) => m[1]!);
  if (packages.length === 0) return path;
  const pkg = packages[packages.length - 1]!;
  if (packages.length > 1) return `${pkg} (through ${packages[packages.length - 2]})`;
  return pkg;
}

/** Runs `spec` `runs` times under the CPU profiler; returns the main thread's profiles. */
export async function profileRuns(
  runner: Runner,
  spec: RunSpec,
  runs: number,
  dir: string,
  check: (stdout: string, exitCode: number | null) => void,
): Promise<CpuProfile[]> {
  const main: CpuProfile[] = [];
  for (let i = 0; i < runs; i++) {
    const out = join(dir, `run-${i}`);
    mkdirSync(out, { recursive: true });
    const result = await runner.run({ ...spec, args: ['--cpu-prof', `--cpu-prof-dir=${out}`, ...spec.args] });
    check(result.stdout, result.exitCode);
    for (const name of readdirSync(out)) {
      // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread.
      if (name.split('.')[4] === '0') main.push(JSON.parse(readFileSync(join(out, name), 'utf8')) as CpuProfile);
    }
  }
  return main;
}

/** Self time by label, the mean over the profiles; labels under `minMs` are summed into "other". */
export function summarize(profiles: readonly CpuProfile[], labeler: Labeler, minMs = 0.5): ProfileRows {
  const totals = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const labels = new Map<number, string | undefined>();
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      if (!labels.has(id)) labels.set(id, labeler.label(byId.get(id)!.callFrame));
      const label = labels.get(id);
      if (label === undefined) return;
      totals.set(label, (totals.get(label) ?? 0) + delta);
      total += delta;
    });
  }
  const n = Math.max(1, profiles.length);
  const rows: Array<{ label: string; ms: number }> = [];
  let other = 0;
  for (const [label, us] of totals) {
    const ms = us / 1000 / n;
    if (ms >= minMs) rows.push({ label, ms });
    else other += ms;
  }
  rows.sort((a, b) => b.ms - a.ms);
  if (other > 0) rows.push({ label: 'other (each under ' + minMs + ' ms)', ms: other });
  return { rows, totalMs: total / 1000 / n, runs: profiles.length };
}

/** Groups labels: a file of src/ with all its functions, a package, or the label itself. */
export function byGroup(summary: ProfileRows): ProfileRows {
  const groups = new Map<string, number>();
  for (const { label, ms } of summary.rows) {
    const group = /^src\/\S+/.exec(label)?.[0] ?? label;
    groups.set(group, (groups.get(group) ?? 0) + ms);
  }
  const rows = [...groups].map(([label, ms]) => ({ label, ms })).sort((a, b) => b.ms - a.ms);
  return { rows, totalMs: summary.totalMs, runs: summary.runs };
}
