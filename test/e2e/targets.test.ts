/**
 * What the actions write (the receipt, the input archive) is checked before any call by doing
 * what the write will do, and nothing the run did not write is ever replaced: devices, pipes,
 * folders, links, /proc and /sys, an existing file, the file being submitted. Once as the user
 * the tests run as, and once as an unprivileged user when the tests run as root (root passes
 * every permission check, so a check of permissions alone would let it through).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeWorkspace } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, startE2E, STORE_ID, type E2E, type E2ERun } from '../helpers/e2e.ts';
import { expectUnchanged, snapshot } from '../helpers/file-snapshot.ts';

const onchain = fixtureText('onchain-sign-output.json');
/** Every case must end well before this: a check that loops (Node's recursive mkdir under /proc) fails here. */
const CASE_TIMEOUT_MS = 20_000;

const isRoot = process.getuid?.() === 0;
const USERS = [
  { who: 'as the current user', user: undefined },
  { who: 'as an unprivileged user', user: isRoot ? { uid: 65534, gid: 65534 } : undefined, skip: !isRoot },
] as const;

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
});
afterAll(() => e2e.close());

describe.each(USERS)('$who', ({ user, ...rest }) => {
  const skip = 'skip' in rest && rest.skip;
  const submit = (workspace: string, inputs: Record<string, string>): Promise<E2ERun> =>
    e2e.submit({ workspace, inputs: { path: 'out.json', ...inputs }, timeoutMs: CASE_TIMEOUT_MS, ...(user ? { user } : {}) });
  const createInputArchive = (workspace: string, inputs: Record<string, string>): Promise<E2ERun> =>
    e2e.createInputArchive({
      workspace,
      inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, ...inputs },
      timeoutMs: CASE_TIMEOUT_MS,
      ...(user ? { user } : {}),
    });

  /** A workspace with the output file, removed when the test ends. */
  function workspace(): string {
    const dir = makeWorkspace({ 'out.json': onchain });
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

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

  it.skipIf(skip).each(RECEIPT_TARGETS)('receipt-path: %s is refused before any call, and left as it was', async (_, target, reason) => {
    const ws = workspace();
    const path = target(ws);
    const before = snapshot(ws, path);
    const run = await submit(ws, { 'receipt-path': path });
    const message = expectRefusedLocally(run, { title: 'Receipt not written' });
    const prefix = `cannot write the receipt to ${path} ("receipt-path"): `;
    expect(message.startsWith(prefix), message).toBe(true);
    expect(message.slice(prefix.length).replace(/\. Nothing was submitted\.$/, '')).toMatch(reason);
    expectUnchanged(before);
  });

  it.skipIf(skip || user === undefined)('receipt-path in a folder the user may not write to', async () => {
    // A folder of the test's user (root), readable by all: root would pass any permission check on it.
    const locked = mkdtempSync(join(tmpdir(), 'dfns-locked-'));
    chmodSync(locked, 0o755);
    onTestFinished(() => rmSync(locked, { recursive: true, force: true }));
    const run = await submit(workspace(), { 'receipt-path': join(locked, 'r.json') });
    expect(expectRefusedLocally(run, { title: 'Receipt not written' })).toBe(
      `cannot write the receipt to ${join(locked, 'r.json')} ("receipt-path"): a file cannot be written in ${locked}: permission denied (EACCES on open). Nothing was submitted.`,
    );
    expect(readdirSync(locked)).toEqual([]);
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

  it.skipIf(skip).each(ARCHIVE_TARGETS)(
    'input archive path: %s is refused before any call, and left as it was',
    async (_, target, reason) => {
      const ws = workspace();
      const path = target(ws);
      const before = snapshot(ws, resolve(ws, path));
      const run = await createInputArchive(ws, { path });
      const message = expectRefusedLocally(run, { title: 'Archive not writable' });
      const prefix = `cannot write the input archive to ${resolve(ws, path)} ("path"): `;
      expect(message.startsWith(prefix), message).toBe(true);
      expect(message.slice(prefix.length).replace(/\. No input archive was created\.$/, '')).toMatch(reason);
      expectUnchanged(before);
    },
  );

  it.skipIf(skip)('receipt-path equal to the input archive path is refused before any call', async () => {
    const ws = workspace();
    const run = await createInputArchive(ws, { path: 'fleet/in.zip', 'receipt-path': './fleet/../fleet/in.zip' });
    expect(expectRefusedLocally(run, { title: 'Receipt not written' })).toBe(
      `"receipt-path" (${join(ws, 'fleet', 'in.zip')}) is the path the input archive is written to ("path"): the receipt would replace it. ` +
        'Give the receipt a path of its own. No input archive was created.',
    );
  });

  it.skipIf(skip)('a good target is written, and the archive never replaces what appeared meanwhile', async () => {
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
