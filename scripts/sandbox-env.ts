/**
 * `node scripts/sandbox-env.ts [sandbox options]` (Node 24): starts the standalone Dfns sandbox
 * (test/sandbox/main.ts) DETACHED, so that it keeps serving after this step ends, waits for the
 * JSON line it prints, and hands its fields to the next steps of a GitHub Actions job.
 *
 * - `::add-mask::` for the token and every line of the private key, before anything else.
 * - Step outputs (to $GITHUB_OUTPUT, or the file given by --output): url, token, credential-id,
 *   private-key (multi-line, heredoc syntax with a random delimiter), store-id, org-id, pid,
 *   log (the sandbox's request log, one line per request: `POST /path -> 200`).
 *
 * Options: --output FILE (default $GITHUB_OUTPUT), --log FILE (default $RUNNER_TEMP/dfns-sandbox.log),
 * --timeout SECONDS (default 30, to wait for the sandbox's line); anything after `--` is passed
 * to test/sandbox/main.ts (e.g. `-- --key-kind p256`).
 *
 * Stop the sandbox with `kill <pid>` (SIGTERM); it closes cleanly.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const FIELDS = ['url', 'token', 'credentialId', 'privateKeyPem', 'storeId', 'orgId'] as const;
type SandboxInfo = Record<(typeof FIELDS)[number], string>;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    output: { type: 'string', default: process.env.GITHUB_OUTPUT ?? '' },
    log: { type: 'string', default: join(process.env.RUNNER_TEMP || tmpdir(), 'dfns-sandbox.log') },
    timeout: { type: 'string', default: '30' },
  },
});

function fail(message: string): never {
  console.error(`::error title=Dfns sandbox::${message.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')}`);
  process.exit(1);
}

if (!values.output) fail('no $GITHUB_OUTPUT and no --output FILE: nowhere to write the outputs');
const timeoutMs = Number(values.timeout) * 1000;
if (!(timeoutMs > 0)) fail('--timeout must be a positive number of seconds');

// The sandbox's stdout goes to a file in a private directory, not to a pipe: a pipe would break
// (EPIPE) once this script exits, a file does not.
const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'dfns-sandbox-'));
const stdoutPath = join(dir, 'stdout.json');
const stdoutFd = openSync(stdoutPath, 'w', 0o600);
const logFd = openSync(values.log, 'a');
const child = spawn(process.execPath, [join(ROOT, 'test', 'sandbox', 'main.ts'), ...positionals], {
  cwd: ROOT,
  detached: true,
  stdio: ['ignore', stdoutFd, logFd],
  windowsHide: true,
});
closeSync(stdoutFd);
closeSync(logFd);

let exited: string | undefined;
child.on('exit', (code, signal) => {
  exited = signal ? `signal ${signal}` : `exit code ${code}`;
});
child.on('error', (error) => {
  exited = error.message;
});

function stopAndFail(message: string): never {
  if (exited === undefined) child.kill('SIGTERM');
  let log = '';
  try {
    log = readFileSync(values.log, 'utf8').trim();
  } catch {
    // no log
  }
  fail(`${message}${log ? `\nsandbox log:\n${log}` : ''}`);
}

let line: string | undefined;
const deadline = Date.now() + timeoutMs;
while (line === undefined) {
  const text = readFileSync(stdoutPath, 'utf8');
  const end = text.indexOf('\n');
  if (end >= 0) line = text.slice(0, end);
  else if (exited !== undefined) stopAndFail(`the sandbox stopped before it was ready (${exited})`);
  else if (Date.now() > deadline) stopAndFail(`the sandbox was not ready within ${values.timeout} s`);
  else await sleep(100);
}
try {
  rmSync(dir, { recursive: true, force: true });
} catch {
  // Windows: the sandbox still holds the file open; RUNNER_TEMP is emptied after the job.
}

let info: SandboxInfo;
try {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  for (const field of FIELDS) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') throw new Error(`no "${field}"`);
  }
  info = parsed as SandboxInfo;
} catch (error) {
  stopAndFail(`the sandbox printed an unexpected line (${error instanceof Error ? error.message : String(error)})`);
}

// Masks first: nothing below may print a secret, but the runner then hides them everywhere.
console.log(`::add-mask::${info.token}`);
for (const keyLine of info.privateKeyPem.split(/\r?\n/)) {
  if (keyLine.trim() && !keyLine.startsWith('-----')) console.log(`::add-mask::${keyLine.trim()}`);
}

function output(name: string, value: string): string {
  if (!value.includes('\n')) return `${name}=${value}\n`;
  let delimiter: string;
  do delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`;
  while (value.includes(delimiter));
  return `${name}<<${delimiter}\n${value.replace(/\n$/, '')}\n${delimiter}\n`;
}

appendFileSync(
  values.output,
  [
    output('url', info.url),
    output('token', info.token),
    output('credential-id', info.credentialId),
    output('private-key', info.privateKeyPem),
    output('store-id', info.storeId),
    output('org-id', info.orgId),
    output('pid', String(child.pid)),
    output('log', values.log),
  ].join(''),
);

child.unref();
console.log(
  `Dfns sandbox ready: pid ${child.pid}, ${info.url}, key store ${info.storeId}, credential ${info.credentialId}; request log ${values.log}`,
);
process.exit(0);
