/**
 * `npm run action -- <submit|input|cancel> <env file> [--workspace DIR]` (Node 24): runs one of
 * the built actions (dist/) by hand, the way a runner runs it, with the step inputs and variables
 * of a dotenv file. Its keys follow @github/local-action's convention: `INPUT_<NAME>` with the
 * action.yml name kept, hyphens included (`INPUT_DFNS-TOKEN=…`, which a shell's `export` cannot
 * set), and any runner variable (`GITHUB_REPOSITORY=…`) to override this script's own.
 *
 * Templates: .env.example (submit), input/.env.example, cancel/.env.example. The workspace is the
 * current folder (or --workspace); the runner's files (GITHUB_OUTPUT, the job summary, the default
 * receipt) go to a fresh folder that the script names at the end, and keeps.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs, parseEnv } from 'node:util';
import { ACTIONS, parseOutputFile, readActionYml, type ActionName } from '../test/helpers/action-runner.ts';

const USAGE = `Usage: npm run action -- <submit|input|cancel> <env file> [--workspace DIR]

Runs the built action (dist/) as a runner does, with the step inputs of the env file:
  INPUT_<NAME>=value   one per step input, the action.yml name kept (INPUT_DFNS-TOKEN=...)
  GITHUB_...=value     optional, overrides a runner variable
Templates: .env.example (submit), input/.env.example, cancel/.env.example.
Copy one to .env (git-ignored), fill it, and run. Against a real Dfns, set INPUT_DRY-RUN=online
first: it checks the token, the key store and the credential without changing anything.`;

/** The name a user types for each action. */
const NAMES: Record<string, ActionName> = { submit: 'submit', input: 'create-input', cancel: 'cancel' };

function usage(error?: string): never {
  if (error) console.error(`run-action: ${error}\n`);
  (error ? console.error : console.log)(USAGE);
  process.exit(error ? 2 : 0);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) usage();
const [name, envFile, ...extra] = positionals;
if (name === undefined || envFile === undefined) usage('an action and an env file are needed');
if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`);
const action = NAMES[name];
if (action === undefined) usage(`the action is one of ${Object.keys(NAMES).join(', ')}; got "${name}"`);

let fileValues: Record<string, string | undefined>;
try {
  fileValues = parseEnv(readFileSync(envFile, 'utf8'));
} catch (error) {
  usage(`cannot read ${envFile}: ${(error as Error).message}`);
}
const declared = readActionYml(action).inputs;
const stray = Object.keys(fileValues).filter((key) => key.startsWith('INPUT_') && !(key.slice('INPUT_'.length).toLowerCase() in declared));
if (stray.length > 0) usage(`${envFile} sets ${stray.join(', ')}, which ${ACTIONS[action].yml} does not declare`);

const workspace = resolve(values.workspace ?? process.cwd());
const runnerTemp = mkdtempSync(join(tmpdir(), 'dfns-run-'));
const commandFiles = Object.fromEntries(
  ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH'].map((file) => {
    const path = join(runnerTemp, `${file.toLowerCase()}.txt`);
    writeFileSync(path, '');
    return [file, path];
  }),
) as Record<string, string>;

// As a runner sets a step's environment: its variables, the command files, every step input (its default when not given).
const env: Record<string, string> = {
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? runnerTemp,
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: workspace,
  RUNNER_TEMP: runnerTemp,
  GITHUB_REPOSITORY: 'local/run-by-hand',
  GITHUB_RUN_ID: '1',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_ACTOR: process.env['USER'] ?? 'local',
  GITHUB_WORKFLOW: 'Run by hand',
  GITHUB_JOB: name,
  ...commandFiles,
};
for (const [input, spec] of Object.entries(declared)) {
  const key = `INPUT_${input.toUpperCase()}`;
  // `${{ github.token }}`, the one expression a default holds, means no token here.
  env[key] = fileValues[key] ?? fileValues[`INPUT_${input}`] ?? (spec.default ?? '').replace('${{ github.token }}', '');
}
for (const [key, value] of Object.entries(fileValues)) if (!key.startsWith('INPUT_') && value !== undefined) env[key] = value;

console.log(`Running ${ACTIONS[action].yml} (dist) in ${workspace}\n`);
const child = spawn(process.execPath, [ACTIONS[action].entry], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'inherit'] });
// The log as a runner shows it: masks consumed (printed, they would show the secrets), annotations
// rendered, debug lines only when ACTIONS_STEP_DEBUG is true.
const debug = env['ACTIONS_STEP_DEBUG'] === 'true' || env['RUNNER_DEBUG'] === '1';
const lines = createInterface({ input: child.stdout });
lines.on('line', (line) => {
  const shown = showLine(line, debug);
  if (shown !== undefined) console.log(shown);
});
const code = await new Promise<number>((done) => child.on('close', (exit) => done(exit ?? 1)));

const outputs = parseOutputFile(readFileSync(commandFiles['GITHUB_OUTPUT']!, 'utf8'));
console.log(`\nExit code ${code}. Outputs:`);
for (const [output, value] of Object.entries(outputs)) console.log(`  ${output.padEnd(16)} ${value}`);
console.log(`Job summary: ${commandFiles['GITHUB_STEP_SUMMARY']}`);
if (outputs['receipt-path']) console.log(`Receipt: ${outputs['receipt-path']}`);
console.log(`The runner's folder (kept): ${runnerTemp}`);
process.exitCode = code;

/** A log line as a runner shows it, or undefined when it shows none. */
function showLine(line: string, debug: boolean): string | undefined {
  const command = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!command) return line;
  const [, name, properties = '', value = ''] = command;
  const decode = (text: string): string =>
    text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  if (name === 'add-mask') return undefined;
  if (name === 'debug') return debug ? `[debug] ${decode(value)}` : undefined;
  if (name === 'error' || name === 'warning' || name === 'notice') {
    const title = /(?:^|,)title=([^,]*)/.exec(properties)?.[1];
    return `${name[0]!.toUpperCase()}${name.slice(1)}${title === undefined ? '' : ` (${decode(title)})`}: ${decode(value)}`;
  }
  return line;
}
