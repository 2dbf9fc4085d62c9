/**
 * What the actions write (the receipt, the input archive) is checked before any call by doing
 * what the write will do, and nothing the run did not write is ever replaced: devices, pipes,
 * folders, links, /proc and /sys, an existing file, the file being submitted. In process, as the
 * user the tests run as (root, on a machine where they run as root: root passes every permission
 * check, so only the real write finds what /sys and /proc refuse). As another user, which needs a
 * child process: test/e2e/targets.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeWorkspace } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, startE2E, STORE_ID, type E2E, type E2ERun } from '../helpers/e2e.ts';
import { expectUnchanged, snapshot } from '../helpers/file-snapshot.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
});
afterAll(() => e2e.close());

const submit = (workspace: string, inputs: Record<string, string>): Promise<E2ERun> =>
  e2e.inProcess.submit({ workspace, inputs: { path: 'out.json', ...inputs } });
const createInputArchive = (workspace: string, inputs: Record<string, string>): Promise<E2ERun> =>
  e2e.inProcess.createInputArchive({ workspace, inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, ...inputs } });

/** A workspace with the output file, removed when the test ends. */
function workspace(): string {
  const dir = makeWorkspace({ 'out.json': onchain });
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('as the user the tests run as', () => {
  const RECEIPT_TARGETS: Array<[string, (ws: string) => string, RegExp]> = [
    ['/dev/null', () => '/dev/null', /^a device \(null\) is there, and the action only writes regular files: give the path of a new file$/],
    ['a named pipe', (ws) => (execFileSync('mkfifo', [join(ws, 'pipe')]), join(ws, 'pipe')), /^a named pipe \(FIFO\) is there/],
    ['a folder', (ws) => (mkdirSync(join(ws, 'receipts')), join(ws, 'receipts')), /^a folder is there/],
    ['/proc/self/fd/1', () => '/proc/self/fd/1', /^a symbolic link is there/],
    [
      'a file in /sys',
      () => '/sys/r.json',
      /^a file cannot be written in \/sys: (permission denied|no such file or folder) \((EACCES|ENOENT) on open\)$/,
    ],
    [
      'a folder that can never be made under /proc',
      () => '/proc/receipts/r.json',
      /^the folder \/proc\/receipts cannot be created: .+ \(E[A-Z]+ on mkdir\)$/,
    ],
    ['a folder below a file', (ws) => join(ws, 'out.json', 'r.json'), /\/out\.json is not a folder$/],
  ];

  it.each(RECEIPT_TARGETS)('receipt-path: %s is refused before any call, and left as it was', async (_, target, reason) => {
    const ws = workspace();
    const path = target(ws);
    const before = snapshot(ws, path);
    const run = await submit(ws, { 'receipt-path': path });
    const message = expectRefusedLocally(run, { title: 'Receipt not written' });
    const prefix = `cannot write the receipt to ${path} ("receipt-path"): `;
    expect(message.slice(0, prefix.length)).toBe(prefix);
    expect(message.slice(prefix.length).replace(/\. Nothing was submitted\.$/, '')).toMatch(reason);
    expectUnchanged(before);
  });

  const ARCHIVE_TARGETS: Array<[string, (ws: string) => string, RegExp]> = [
    [
      'an existing file',
      (ws) => (writeFileSync(join(ws, 'in.zip'), 'mine'), 'in.zip'),
      /^a file already exists there, which this run did not write; the input archive never replaces a file: remove it, or give "path" the name of a new file$/,
    ],
    ['/dev/null', () => '/dev/null', /^a device \(null\) is there/],
    [
      'a folder that can never be made under /proc',
      () => '/proc/x/in.zip',
      /^the folder \/proc\/x cannot be created: .+ \(E[A-Z]+ on mkdir\)$/,
    ],
  ];

  it.each(ARCHIVE_TARGETS)('input archive path: %s is refused before any call, and left as it was', async (_, target, reason) => {
    const ws = workspace();
    const path = target(ws);
    const before = snapshot(ws, resolve(ws, path));
    const run = await createInputArchive(ws, { path });
    const message = expectRefusedLocally(run, { title: 'Archive not writable' });
    const prefix = `cannot write the input archive to ${resolve(ws, path)} ("path"): `;
    expect(message.slice(0, prefix.length)).toBe(prefix);
    expect(message.slice(prefix.length).replace(/\. No input archive was created\.$/, '')).toMatch(reason);
    expectUnchanged(before);
  });

  it('receipt-path equal to the input archive path is refused before any call', async () => {
    const ws = workspace();
    const run = await createInputArchive(ws, { path: 'fleet/in.zip', 'receipt-path': './fleet/../fleet/in.zip' });
    expect(expectRefusedLocally(run, { title: 'Receipt not written' })).toBe(
      `"receipt-path" (${join(ws, 'fleet', 'in.zip')}) is the path the input archive is written to ("path"): the receipt would replace it. ` +
        'Give the receipt a path of its own. No input archive was created.',
    );
  });

  it('a good target is written, and the archive never replaces what appeared meanwhile', async () => {
    const ws = workspace();
    const run = await createInputArchive(ws, { path: 'fleet/in.zip', 'receipt-path': 'trail/r.json' });
    expect(run.exitCode).toBe(0);
    expect(
      readFileSync(join(ws, 'fleet', 'in.zip'))
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(JSON.parse(readFileSync(join(ws, 'trail', 'r.json'), 'utf8'))).toMatchObject({ kind: 'input-archive', outcome: 'created' });
  });
});
