/**
 * `npm test` on a clean clone: clones this repository's HEAD into a temporary folder (the
 * repository itself is left as it is), runs `npm ci` there (timed, not counted), then times
 * `npm test` (wall time). The clone's commands run with the environment of a fresh shell: this
 * repository's node_modules/.bin out of PATH and no npm_* variables of an enclosing npm run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from './bundles.ts';
import { ms, table, verdict } from './format.ts';
import type { Machine } from './machine.ts';
import { TARGETS, type TargetRow } from './targets.ts';

export interface TestTime {
  /** The commit cloned, short. */
  commit: string;
  install: { command: string; ms: number };
  test: { command: string; ms: number };
  npm: string;
  /** The Node `npm test` runs on: the clone's `node` devDependency (npm puts node_modules/.bin first on PATH), or the PATH's. */
  node: string;
  /** `npm --version` in place of both commands: a check of the code path, not a measurement. */
  trial: boolean;
}

/** The environment of a fresh shell: no node_modules/.bin of this repository, no npm_* of an enclosing npm run. */
function cleanEnv(): Record<string, string> {
  const ownBin = join(ROOT, 'node_modules', '.bin');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(name) && name !== 'INIT_CWD') env[name] = value;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== ownBin)
    .join(delimiter);
  return env;
}

/** Runs `command` in `cwd`, its output to `log`; the wall time from spawn to exit, ms. Throws with the log's end if it fails. */
async function timed(command: string[], cwd: string, env: Record<string, string>, log: string): Promise<number> {
  const fd = openSync(log, 'w');
  try {
    const started = process.hrtime.bigint();
    const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', fd, fd] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (code !== 0)
      throw new Error(`${command.join(' ')} failed (exit code ${code}) in a clean clone:\n${readFileSync(log, 'utf8').slice(-4000)}`);
    return wallMs;
  } finally {
    closeSync(fd);
  }
}

function output(command: string[], cwd: string, env: Record<string, string>): string {
  const result = spawnSync(command[0]!, command.slice(1), { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

export async function measureTestTime(trial: boolean): Promise<TestTime> {
  const install = trial ? ['npm', '--version'] : ['npm', 'ci'];
  const test = trial ? ['npm', '--version'] : ['npm', 'test'];
  console.log(`test time: ${install.join(' ')}, then ${test.join(' ')}, in a clean clone of HEAD${trial ? ' (trial)' : ''}`);
  const dir = mkdtempSync(join(tmpdir(), 'dfns-test-time-'));
  try {
    const clone = join(dir, 'clone');
    const env = cleanEnv();
    output(['git', 'clone', '--quiet', ROOT, clone], dir, env);
    const installMs = await timed(install, clone, env, join(dir, 'install.log'));
    const testMs = await timed(test, clone, env, join(dir, 'test.log'));
    const bin = join(clone, 'node_modules', '.bin');
    const node = existsSync(join(bin, 'node'))
      ? `${output([join(bin, 'node'), '--version'], clone, env)} (the clone's \`node\` devDependency)`
      : `${output(['node', '--version'], clone, env)} (from PATH)`;
    return {
      commit: output(['git', '-C', clone, 'log', '-1', '--format=%h'], dir, env),
      install: { command: install.join(' '), ms: installMs },
      test: { command: test.join(' '), ms: testMs },
      npm: output(['npm', '--version'], clone, env),
      node,
      trial,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The repository's public address (package.json's repository.url), for the command that reproduces the figure. */
function repositoryUrl(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository?: { url?: string } };
  return (pkg.repository?.url ?? '<repository>').replace(/^git\+/, '');
}

const testTimeMet = (t: TestTime): boolean => t.test.ms <= TARGETS.testSeconds * 1000;

/** The summary's row; none for a trial. */
export function testTimeTargets(t: TestTime, machine: Machine): TargetRow[] {
  if (t.trial) return [];
  const met = testTimeMet(t);
  return [
    {
      target: `\`npm test\` on a clean clone of a 2-CPU machine ≤ ${TARGETS.testSeconds} s`,
      measured: `${ms(t.test.ms)} on ${machine.cpus} CPUs (${machine.cpu})`,
      met,
      missed: met ? [] : ['npm test on a clean clone'],
    },
  ];
}

export function testTimeSection(t: TestTime, machine: Machine): string {
  const url = repositoryUrl();
  const folder =
    url
      .replace(/\.git$/, '')
      .split('/')
      .pop() ?? 'clone';
  return `## npm test on a clean clone

${t.trial ? `**Trial run: \`${t.install.command}\` and \`${t.test.command}\` ran in place of \`npm ci\` and \`npm test\`; these are not the figures.**\n\n` : ''}A fresh \`git clone\` of commit ${t.commit} in a temporary folder, \`npm ci\`, then \`npm test\` (which builds dist/ and runs
every test with coverage), timed from start to exit, on this machine: ${machine.cpus} CPUs (${machine.cpu}), ${machine.memory}; npm ${t.npm},
and Node ${t.node} for the tests. Run alone, before the benchmark's other runs.

${table(
  ['', 'wall time'],
  [
    [`\`${t.install.command}\` (not counted)`, ms(t.install.ms)],
    [`**\`${t.test.command}\`**`, `**${ms(t.test.ms)}**`],
  ],
)}

Target: at most ${TARGETS.testSeconds} s on a 2-CPU machine: ${t.trial ? 'not measured (trial)' : verdict(testTimeMet(t))}${machine.cpus === 2 ? '' : ` (this machine has ${machine.cpus} CPUs)`}. To reproduce:

\`\`\`sh
git clone ${url} && cd ${folder}
git checkout ${t.commit}   # the commit measured
npm ci
time npm test
\`\`\``;
}
