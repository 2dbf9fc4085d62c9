/**
 * A hostile world, in process (e2e.inProcess: the step of dist/, without a child process): a Dfns
 * that echoes the request's headers (the token, the user action token) in what it answers,
 * hostile file and entry names, unsafe input archives, ids that would walk out of their path.
 * Every run here is also scanned by the harness (helpers/e2e.ts): no secret or piece of one in
 * the log, the outputs, the summary, the receipt or any file written, and no workflow command the
 * action did not write. The same through the built actions, once each: test/e2e/hostile.test.ts.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, onlyOne, startE2E, STORE_ID, type E2E, type E2ERun } from '../helpers/e2e.ts';
import { makeZip } from '../helpers/zip-writer.ts';
import { UNSAFE_ARCHIVES, type UnsafeArchive } from '../sandbox/hostile.ts';

const onchain = fixtureText('onchain-sign-output.json');
const genesis = fixtureText('genesis-output.json');

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());
beforeEach(() => {
  e2e.sandbox.clearFaults();
  e2e.sandbox.setUnsafeArchive(undefined);
});

/** The first `::error::` annotation's message, which must hold `***` where Dfns echoed a secret. */
function redactedFailure(run: E2ERun): string {
  const message = failureMessage(run);
  expect(message).toContain('***');
  return message;
}

describe('a Dfns that echoes the request headers keeps no secret anywhere', () => {
  it('a 401 whose message is the Authorization header (output action)', async () => {
    e2e.sandbox.injectFault('init', { kind: 'echo', status: 401, field: 'message' });
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('rejected');
    // The token crossed the 300th character, where the message is cut: it went before the cut.
    expect(redactedFailure(run)).toMatch(
      /^Dfns answered 401 while creating the user action challenge \(POST \/auth\/action\/init\): refused; you sent:\\x0D\\x0AAuthorization: Bearer \*\*\*\\x0D\\x0A/,
    );
    expect(receiptOf(run).answer.errorMessage).toMatch(/^refused; you sent:\\x0D\\x0AAuthorization: Bearer \*\*\*\\x0D\\x0A/);
  });

  it('an error id that lists the headers, with its message cut after 300 characters', async () => {
    e2e.sandbox.injectFault('action', { kind: 'echo', status: 400, field: 'error-id' });
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(1);
    const { errorId } = receiptOf(run).answer;
    // Bounded, escaped, the token taken out before the cut.
    expect(errorId).toMatch(/^Authorization: Bearer \*\*\*\\x0D\\x0A.*… \(\d+ more characters\)$/);
    expect(errorId.length).toBeLessThan(200);
    expect(run.summary).toContain('error id `Authorization: Bearer ***');
  });

  it('a 202 whose id is the user action token (output action)', async () => {
    e2e.sandbox.injectFault('submit', { kind: 'echo', status: 202, field: 'approval-id' });
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('pending-approval');
    expect(run.annotations).toContainEqual({
      level: 'warning',
      title: 'Submission pending approval',
      message:
        'Dfns holds the submission for approval by a policy (HTTP 202): approval ***, status Pending. It takes effect once approved in Dfns.',
    });
    expect(onlyOne(run.seen.submissions, 'submission').userActionToken).toBeTruthy();
  });

  it('a fleet answer whose message echoes the headers: the dfns-message output, the summary and the receipt hold none', async () => {
    e2e.sandbox.injectFault('submit', { kind: 'echo', status: 200, field: 'message', process: true });
    const run = await e2e.inProcess.submit({ files: { 'genesis.json': genesis }, inputs: { path: 'genesis.json' } });
    expect(run.exitCode).toBe(0);
    expect(onlyOne(run.seen.submissions, 'submission').accepted).toBe(true);
    expect(run.outputs['dfns-message']).toMatch(
      /^done; you sent:\\x0D\\x0AAuthorization: Bearer \*\*\*\\x0D\\x0AX-DFNS-USERACTION: \*\*\*\\x0D\\x0A/,
    );
    expect(receiptOf(run).answer.dfnsMessage).toBe(run.outputs['dfns-message']);
    expect(run.summary).toContain(
      String.raw`| Dfns message | done; you sent:\\x0D\\x0AAuthorization: Bearer \*\*\*\\x0D\\x0AX-DFNS-USERACTION: \*\*\*\\x0D\\x0A`,
    );
  });

  it('a 500 whose plain-text body is the header dump (input action): unknown, and nothing kept', async () => {
    e2e.sandbox.injectFault('create', { kind: 'echo', status: 500, field: 'text', process: true });
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('unknown');
    expect(redactedFailure(run)).toContain('X-DFNS-USERACTION: ***');
  });

  it('a 403 whose details and message list the headers (input action)', async () => {
    e2e.sandbox.injectFault('create', { kind: 'echo', status: 403, field: 'details' });
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('rejected');
    expect(redactedFailure(run)).toContain('Authorization: Bearer ***');
  });

  it('a 202 whose id is the user action token (input action)', async () => {
    e2e.sandbox.injectFault('create', { kind: 'echo', status: 202, field: 'approval-id' });
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('pending-approval');
    expect(receiptOf(run).answer.errorMessage).toBe('approval ***, status Pending');
  });
});

describe('names from outside never start a command of their own', () => {
  it('a name that would start an older-form command in a log line is shown defused', async () => {
    const name = '##[error]owned.json';
    const run = await e2e.inProcess.submit({ files: { [name]: onchain }, inputs: { path: '*.json', 'dry-run': 'true' } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Keystore output: #\\x23[error]owned.json');
    // The output gives the real path: a later step can use it.
    expect(run.outputs['file']).toBe(name);
  });

  it('an archive entry whose name holds a line break and a command is refused, shown escaped', async () => {
    const zip = makeZip([{ name: 'out\n::add-mask::Dfns.json', data: onchain }]);
    const run = await e2e.inProcess.submit({ files: { 'out.zip': zip }, inputs: { path: 'out.zip' } });
    expect(expectRefusedLocally(run, { title: 'Invalid output file' })).toBe(
      'out.zip: the archive holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): ' +
        '"out\\x0A::add-mask::Dfns.json"; refusing it. Nothing was submitted.',
    );
  });
});

describe('an input archive that breaks the rules is never written', () => {
  const EXPECTED: Record<UnsafeArchive, string> = {
    traversal:
      'it holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): "../../.github/workflows/evil.yml"',
    absolute:
      'it holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): "/etc/cron.d/evil"',
    'drive-letter':
      'it holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): "C:/Windows/evil.bat"',
    backslash:
      'it holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): "input\\\\..\\\\..\\\\evil.json"',
    'control-characters':
      'it holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): ' +
      '"input/evil\\x0A::error title=Injected::owned\\x1B[2J.json"',
    symlink: 'it holds symbolic links: "input/keys.jsonl"',
    device: 'it holds entries that are not regular files (by their external attributes: devices, pipes, sockets): "input/tty"',
    empty: 'it holds no file',
    'folders-only': 'it holds no file (only folders: "input/")',
  };

  it.each(UNSAFE_ARCHIVES)('%s', async (kind) => {
    e2e.sandbox.setUnsafeArchive(kind);
    const run = await e2e.inProcess.createInputArchive({
      inputs: { operation: 'onchain-sign', 'store-id': STORE_ID, path: 'fleet/in.zip' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('unknown');
    expect(onlyOne(run.seen.inputs, 'input request')).toMatchObject({ accepted: true, groupId: expect.stringMatching(/^gr-/) });
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([
      {
        level: 'error',
        title: 'Archive refused',
        message:
          'Dfns created the input archive (its fleet operation is now open at Dfns), but the archive it answered is refused, and nothing was ' +
          `written: ${EXPECTED[kind]}. An archive is carried to the fleet's machines, which extract it: only regular files with plain ` +
          'relative names are accepted. Do not re-run this workflow for it: report the archive to Dfns support. ' +
          'If the ceremony is abandoned, cancel its fleet operation with the cancel action (uses: dfns/keystore-output-action/cancel).',
      },
    ]);
    expect(existsSync(join(run.workspace, 'fleet', 'in.zip'))).toBe(false);
    expect(readdirSync(join(run.workspace, 'fleet'))).toEqual([]);
    expect(receiptOf(run)).toMatchObject({ outcome: 'unknown', archive: null });
  });
});

describe('ids stay ids: refused before any call', () => {
  it.each([
    ['.', '"."'],
    ['..', '".."'],
    ['my key store/1', '"my key store/1"'],
  ])('store-id %j (output action)', async (storeId, shown) => {
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'store-id': storeId } });
    expect(expectRefusedLocally(run, { title: 'Invalid step input' })).toBe(
      `step input "store-id" must be a Dfns key store id (ks-…): one to 128 letters, digits, "-" and "_", starting with a letter or digit; got ${shown}. Nothing was submitted.`,
    );
  });

  it('store-id ".." (input action)', async () => {
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': '..' } });
    expect(expectRefusedLocally(run, { title: 'Invalid step input' })).toBe(
      'step input "store-id" must be a Dfns key store id (ks-…): one to 128 letters, digits, "-" and "_", starting with a letter or digit; got "..". No input archive was created.',
    );
  });

  it('a keystore_id ".." in the file', async () => {
    const walking = JSON.stringify({ ...JSON.parse(genesis), keystore_id: '..' });
    const run = await e2e.inProcess.submit({ files: { 'genesis.json': walking }, inputs: { path: 'genesis.json' } });
    expect(expectRefusedLocally(run, { title: 'Key store not determined' })).toBe(
      'the output\'s keystore_id ("..") is not a Dfns key store id (one to 128 letters, digits, "-" and "_", starting with a letter or digit), ' +
        'so it cannot name the key store in the request: set "store-id" to the key store the output belongs to. Nothing was submitted.',
    );
  });
});

describe('the smaller points', () => {
  it('an init answer over 1 MiB says how large it was', async () => {
    const huge = JSON.stringify({ challenge: 'x'.repeat(3 * 1024 * 1024) });
    e2e.sandbox.injectFault('init', { kind: 'status', status: 200, body: huge, headers: { 'content-type': 'application/json' } }, 4);
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(1);
    const message = failureMessage(run);
    expect(message.replace(/\(\d+ more characters\)/, '(N more characters)')).toBe(
      'unexpected answer from Dfns while creating the user action challenge (POST /auth/action/init) (HTTP 200): ' +
        `the answer is 3.0 MiB (${Buffer.byteLength(huge)} bytes), over the 1 MiB, the most a Dfns answer is read; ` +
        `it answered: "${huge.slice(0, 300)}… (N more characters)". Nothing was submitted.`,
    );
  });

  it('a count beyond 2^53 in the request body has its own message', async () => {
    const request =
      '{"kind":"KeyHarvest","hsmTargetSerial":"HSM-1","macTargetSerial":"MAC-1","macTargetUsername":"op","numSecp256k1":9007199254740993}';
    const run = await e2e.inProcess.createInputArchive({ inputs: { operation: 'key-harvest', 'store-id': STORE_ID, request } });
    expect(expectRefusedLocally(run, { title: 'Invalid request body' })).toBe(
      'step input "request" does not match the documented body of key-harvest (1 violation):\n' +
        '  - numSecp256k1: is above 9007199254740991 (2^53 - 1): a whole number this large does not survive being read as a JSON number, so it cannot be sent as written\n' +
        'No input archive was created.',
    );
  });

  it("Dfns's URLs are not links in the job summary", async () => {
    e2e.sandbox.injectFault('submit', {
      kind: 'status',
      status: 400,
      body: { error: { id: '42', status: 400, message: 'see https://evil.example/fix or www.evil.example, mail help@evil.example' } },
    });
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json' } });
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('see https:/&#8203;/evil.example/fix or www&#8203;.evil.example, mail help&#8203;@evil.example');
    expect(run.summary).not.toMatch(/https:\/\/evil|www\.evil|help@evil/);
  });
});

describe('a receipt-path that is the file submitted, or an existing file that is not a receipt', () => {
  it('is refused before any call, and the file is left as it was', async () => {
    const run = await e2e.inProcess.submit({ files: { 'out.json': onchain }, inputs: { path: 'out.json', 'receipt-path': './out.json' } });
    expect(expectRefusedLocally(run, { title: 'Receipt not written' })).toBe(
      `"receipt-path" (${join(run.workspace, 'out.json')}) is the output file being submitted: the receipt would replace it. ` +
        'Give the receipt a path of its own. Nothing was submitted.',
    );
    expect(readFileSync(join(run.workspace, 'out.json'), 'utf8')).toBe(onchain);
  });

  it('an earlier receipt of this action is replaced, any other file is not', async () => {
    const first = await e2e.inProcess.submit({
      files: { 'out.json': onchain },
      inputs: { path: 'out.json', 'receipt-path': 'trail/receipt.json', 'dry-run': 'true' },
    });
    expect(first.exitCode).toBe(0);
    const earlier = readFileSync(join(first.workspace, 'trail', 'receipt.json'), 'utf8');
    const again = await e2e.inProcess.submit({
      workspace: first.workspace,
      inputs: { path: 'out.json', 'receipt-path': 'trail/receipt.json', 'dry-run': 'true' },
      mayReplace: ['trail/receipt.json'],
    });
    expect(again.exitCode).toBe(0);
    expect(readFileSync(join(first.workspace, 'trail', 'receipt.json'), 'utf8')).not.toBe(earlier);

    writeFileSync(join(first.workspace, 'trail', 'notes.json'), '{"mine": true}\n');
    const other = await e2e.inProcess.submit({
      workspace: first.workspace,
      inputs: { path: 'out.json', 'receipt-path': 'trail/notes.json', 'dry-run': 'true' },
    });
    expect(expectRefusedLocally(other, { title: 'Receipt not written' })).toBe(
      `cannot write the receipt to ${join(first.workspace, 'trail', 'notes.json')} ("receipt-path"): a file already exists there, which this run ` +
        'did not write; a receipt replaces only an earlier receipt of this action: give the path of a new file, or remove that one first. Nothing was submitted.',
    );
    expect(readFileSync(join(first.workspace, 'trail', 'notes.json'), 'utf8')).toBe('{"mine": true}\n');
  });
});
