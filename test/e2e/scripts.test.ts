/**
 * The scripts a newcomer runs first: `npm run demo` (its arguments, its folder, a closed pipe, the
 * workflow names) and `npm run action` (an action run by hand from a dotenv file), each started as
 * a process, against the built actions and the sandbox.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ROOT } from '../helpers/action-runner.ts';
import { fixtureText, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';
import { expectNoSecrets } from '../helpers/secrets.ts';

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A folder of its own for the script's temporary files (its TMPDIR), removed when the test ends. */
function freshTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dfns-script-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `node scripts/<script> ...args` with TMPDIR at `tmp`; `readOnly` bytes of stdout, then the pipe is closed. */
function script(name: string, args: string[], tmp: string, readOnly?: number): Promise<ScriptRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', name), ...args], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // As `| head` does: read a little, then go away.
      if (readOnly !== undefined && stdout.length >= readOnly) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run demo', () => {
  it('--help prints its usage; what is not an option or an operation is refused, naming it; nothing is made', async () => {
    const tmp = freshTmp();
    const help = await script('demo.ts', ['--help'], tmp);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run demo \[-- <operation> \.\.\.\]\n/);
    expect(help.stdout).toContain('onchain-sign, proof-of-control, genesis, clone, add-mac-user, add-provisioner, key-harvest');
    const run = await script('demo.ts', ['genesis', 'bogus', '--verbose'], tmp);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^demo: Unknown option '--verbose'/);
    const bogus = await script('demo.ts', ['genesis', 'bogus'], tmp);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^demo: not an operation: "bogus"\n\nUsage: /);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('runs each operation given, each step in its own workflow, and keeps every file in the folder it names', async () => {
    const tmp = freshTmp();
    const run = await script('demo.ts', ['genesis', 'clone'], tmp);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^######## (\S+)$/gm)).toEqual(['######## genesis', '######## clone']);
    expect(run.stdout.match(/\| Workflow \| [^,]+/g)).toEqual([
      '| Workflow | Create fleet input',
      '| Workflow | Submit keystore output',
      '| Workflow | Create fleet input',
      '| Workflow | Submit keystore output',
    ]);
    const [folder] = readdirSync(tmp);
    expect(run.stdout).toContain(`\nEvery file named above is in ${join(tmp, folder!)}: `);
    const kept = (readdirSync(join(tmp, folder!), { recursive: true }) as string[]).map((name) => name.split('/').at(-1)!);
    expect(kept.filter((name) => name.endsWith('.zip')).sort()).toEqual([
      `dfns-clone-input-${STORE_ID}.zip`,
      `dfns-genesis-input-${STORE_ID}.zip`,
    ]);
    expect(kept.filter((name) => name.startsWith('dfns-keystore-output-receipt-'))).toHaveLength(2);
    // Every path the demo printed is in that folder.
    const printed = run.stdout.match(/(?<= )\/\S+\.(?:zip|json)\b/g) ?? [];
    expect(printed.length, 'paths the demo printed').toBeGreaterThan(0);
    expect(printed.filter((path) => !path.startsWith(join(tmp, folder!)))).toEqual([]);
  });

  it('cut short by a closed pipe, ends quietly and removes its folder', async () => {
    const tmp = freshTmp();
    const run = await script('demo.ts', ['genesis'], tmp, 10);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('npm run action', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('ed25519');
  });
  afterAll(() => e2e.close());

  it('runs an action from a dotenv file, hyphenated step inputs and a multi-line key included, without printing a secret', async () => {
    const tmp = freshTmp();
    const workspace = mkdtempSync(join(tmp, 'ws-'));
    writeFileSync(join(workspace, 'out.json'), fixtureText('onchain-sign-output.json'));
    const env = join(tmp, '.env');
    writeFileSync(
      env,
      [
        '# as in .env.example',
        'INPUT_PATH=out.json',
        `INPUT_DFNS-API-URL=${e2e.sandbox.url}`,
        `INPUT_DFNS-TOKEN=${e2e.token}`,
        `INPUT_DFNS-CREDENTIAL-ID=${e2e.credential.credentialId}`,
        `INPUT_DFNS-PRIVATE-KEY="${e2e.credential.privateKeyPem.trim()}"`,
        'INPUT_RECEIPT-PATH=receipt.json',
        'GITHUB_REPOSITORY=me/mine',
      ].join('\n'),
    );
    const run = await script('run-action.ts', ['submit', env, '--workspace', workspace], tmp);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Running ${join(ROOT, 'action.yml')} (dist) in ${workspace}\n`);
    expect(run.stdout).toContain('\nExit code 0. Outputs:\n');
    expect(run.stdout).toContain('\n  status           success\n');
    // As a runner shows the log: no debug line without ACTIONS_STEP_DEBUG, no mask.
    expect(run.stdout).not.toContain('::debug::');
    expect(run.stdout).toContain(`Receipt: ${join(workspace, 'receipt.json')}`);
    expect(run.stdout).not.toContain('::add-mask::');
    expectNoSecrets({ "the script's output": run.stdout }, [e2e.token, e2e.credential.privateKeyPem, ...e2e.sandbox.userActionTokens]);
  });

  it('says what is wrong with its arguments or the file, with its usage', async () => {
    const tmp = freshTmp();
    const env = join(tmp, '.env');
    writeFileSync(env, 'INPUT_PATH=out.json\nINPUT_NOT-AN-INPUT=1\n');
    const unknownAction = await script('run-action.ts', ['deploy', env], tmp);
    expect(unknownAction.code).toBe(2);
    expect(unknownAction.stderr).toMatch(/^run-action: the action is one of submit, input, cancel; got "deploy"\n\nUsage: npm run action/);
    writeFileSync(join(tmp, 'bad.env'), 'INPUT_PATH=out.json\nINPUT_DRY-RUN=maybe\n');
    const refused = await script('run-action.ts', ['submit', join(tmp, 'bad.env'), '--workspace', tmp], tmp);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      'Error (Invalid step input): step input "dry-run" must be true, false or online, got "maybe". Nothing was submitted.',
    );
    const stray = await script('run-action.ts', ['submit', env], tmp);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/^run-action: .+\.env sets INPUT_NOT-AN-INPUT, which .+action\.yml does not declare\n/);
  });
});
