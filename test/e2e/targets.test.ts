/**
 * What the actions write is checked before any call by doing what the write will do, so that what
 * the file system refuses the process's user is found before any call: here as an unprivileged user
 * (nobody, 65534), which needs a child process and a test run as root (root passes every
 * permission check, so a check of permissions alone would let it through). The refusals that do
 * not depend on the user (devices, pipes, folders, links, /proc and /sys, an existing file, the
 * file being submitted) run in process, as the user the tests run as:
 * test/integration/write-targets.test.ts.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeWorkspace, ROOT } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');
/** Every run must end well before this: a check that loops (Node's recursive mkdir under /proc) fails here. */
const CASE_TIMEOUT_MS = 20_000;
const NOBODY = { uid: 65534, gid: 65534 };

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
});
afterAll(() => e2e.close());

/** A workspace with the output file, removed when the test ends. */
function workspace(): string {
  const dir = makeWorkspace({ 'out.json': onchain });
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Whether another user can start the action from this checkout: every folder from the root of the
 * file system down to the repository lets others through, and its files let them read (a clone in
 * a folder of mode 0700, as mkdtemp makes, does not: the runs below would fail for that alone).
 */
function othersCanRunTheAction(): boolean {
  for (let dir = ROOT; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) break;
  }
  return [join(ROOT, 'dist', 'index.js'), process.execPath].every((file) => (statSync(file).mode & 0o004) !== 0);
}

describe.skipIf(process.getuid?.() !== 0 || !othersCanRunTheAction())('as an unprivileged user (the tests run as root)', () => {
  it('receipt-path in a folder the user may not write to is refused before any call', async () => {
    // A folder of the test's user (root), readable by all: root would pass any permission check on it.
    const locked = mkdtempSync(join(tmpdir(), 'dfns-locked-'));
    chmodSync(locked, 0o755);
    onTestFinished(() => rmSync(locked, { recursive: true, force: true }));
    const run = await e2e.submit({
      workspace: workspace(),
      inputs: { path: 'out.json', 'receipt-path': join(locked, 'r.json') },
      timeoutMs: CASE_TIMEOUT_MS,
      user: NOBODY,
    });
    expect(expectRefusedLocally(run, { title: 'Receipt not written' })).toBe(
      `cannot write the receipt to ${join(locked, 'r.json')} ("receipt-path"): a file cannot be written in ${locked}: permission denied (EACCES on open). Nothing was submitted.`,
    );
    expect(readdirSync(locked)).toEqual([]);
  });

  it('a good target is written, by that user', async () => {
    const ws = workspace();
    const run = await e2e.createInputArchive({
      workspace: ws,
      inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, path: 'fleet/in.zip', 'receipt-path': 'trail/r.json' },
      timeoutMs: CASE_TIMEOUT_MS,
      user: NOBODY,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('created');
    expect(run.outputs['path']).toBe(join(ws, 'fleet', 'in.zip'));
    expect(
      readFileSync(join(ws, 'fleet', 'in.zip'))
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(JSON.parse(readFileSync(join(ws, 'trail', 'r.json'), 'utf8'))).toMatchObject({ kind: 'input-archive', outcome: 'created' });
    expect(
      [join(ws, 'fleet', 'in.zip'), join(ws, 'trail', 'r.json')].map((path) => statSync(path).uid),
      'the owner of the files written',
    ).toEqual([NOBODY.uid, NOBODY.uid]);
  });
});
