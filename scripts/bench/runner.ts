/**
 * Runs node scripts as child processes and times them: the built action the way a GitHub
 * runner runs it (every action.yml input as `INPUT_<NAME>`, fresh GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files), and the baselines it is compared with.
 *
 * Wall time is measured from spawn to the child's exit with its output read. Peak RSS, when
 * asked for, comes from GNU time (`/usr/bin/time -f %M`), else from the child itself
 * (`process.resourceUsage().maxRSS` at exit, through a preloaded module); both count every
 * thread of the process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseOutputFile, runnerEnv } from '../../test/helpers/action-runner.ts';

export interface RunResult {
  wallMs: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Bytes; only when asked for. */
  peakRss?: number;
}

export interface RunSpec {
  /** Arguments after the node executable. */
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Measure the peak RSS too. */
  rss?: boolean;
}

const GNU_TIME = '/usr/bin/time';

/** How peak RSS is measured on this machine. */
export type RssMethod = 'GNU time (%M)' | 'process.resourceUsage().maxRSS at exit';

export class Runner {
  readonly rssMethod: RssMethod;
  private readonly scratch: string;
  private readonly preload: string;
  private seq = 0;

  constructor(scratch: string) {
    this.scratch = join(scratch, 'runner');
    mkdirSync(this.scratch, { recursive: true });
    const probe = join(this.scratch, 'probe.txt');
    const gnu = spawnSync(GNU_TIME, ['-f', '%M', '-o', probe, process.execPath, '-e', ''], { stdio: 'ignore' });
    this.rssMethod = gnu.status === 0 && /^\d+\s*$/.test(safeRead(probe)) ? 'GNU time (%M)' : 'process.resourceUsage().maxRSS at exit';
    this.preload = join(this.scratch, 'max-rss.mjs');
    writeFileSync(
      this.preload,
      "import { writeFileSync } from 'node:fs';\n" +
        "process.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
    );
  }

  async run(spec: RunSpec): Promise<RunResult> {
    let command = process.execPath;
    let args = spec.args;
    const env = { ...spec.env };
    const rssFile = join(this.scratch, `rss-${++this.seq}.txt`);
    if (spec.rss && this.rssMethod === 'GNU time (%M)') {
      command = GNU_TIME;
      args = ['-f', '%M', '-o', rssFile, process.execPath, ...spec.args];
    } else if (spec.rss) {
      args = ['--import', pathToFileURL(this.preload).href, ...spec.args];
      env['BENCH_RSS_FILE'] = rssFile;
    }
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: spec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const result: RunResult = {
      wallMs,
      exitCode,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
    if (spec.rss) {
      // GNU time writes "Command exited with non-zero status N" first when the command fails.
      const kib = Number(safeRead(rssFile).trim().split('\n').pop());
      if (Number.isFinite(kib) && kib > 0) result.peakRss = kib * 1024;
    }
    return result;
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * A workspace and a runner temp directory, and the environment a runner gives the action.
 * Output and summary files are emptied before each run.
 */
export class ActionWorkspace {
  readonly dir: string;
  readonly runnerTemp: string;
  private readonly commandFiles: Record<string, string>;

  constructor(scratch: string, name: string) {
    this.dir = mkdtempSync(join(scratch, `${name}-ws-`));
    this.runnerTemp = mkdtempSync(join(scratch, `${name}-tmp-`));
    this.commandFiles = Object.fromEntries(
      ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH'].map((v) => [
        v,
        join(this.runnerTemp, `${v.toLowerCase()}.txt`),
      ]),
    );
    this.reset();
  }

  write(name: string, content: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  reset(): void {
    for (const path of Object.values(this.commandFiles)) writeFileSync(path, '');
  }

  outputs(): Record<string, string> {
    return parseOutputFile(readFileSync(this.commandFiles['GITHUB_OUTPUT']!, 'utf8'));
  }

  /** The environment of a step: the runner's variables and every input, with its default when not given. */
  env(inputs: Record<string, string> = {}): Record<string, string> {
    return runnerEnv({ workspace: this.dir, runnerTemp: this.runnerTemp, commandFiles: this.commandFiles, inputs });
  }
}

/** The median of the values (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs each job once per round, `rounds` times, rotating the order so that none always runs first. */
export async function interleave<K extends string, T>(rounds: number, jobs: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const keys = Object.keys(jobs) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(round + i) % keys.length]!;
      samples[key].push(await jobs[key]());
    }
  }
  return samples;
}

/**
 * A figure is only kept when its run did what it should: exit code 0 and, when given, the
 * expected outputs. Otherwise throws with the end of the run's log.
 */
export function expectRun(run: RunResult, what: string, outputs?: Record<string, string>, expected?: Record<string, string>): void {
  const wrong = Object.entries(expected ?? {}).filter(([k, v]) => outputs?.[k] !== v);
  if (run.exitCode === 0 && wrong.length === 0) return;
  throw new Error(
    `${what}: exit code ${run.exitCode}${wrong.length ? `, outputs ${JSON.stringify(outputs)}` : ''}\n` +
      `stdout:\n${run.stdout.slice(-3000)}\nstderr:\n${run.stderr.slice(-3000)}`,
  );
}
