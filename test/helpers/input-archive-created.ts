/**
 * What a created input archive looks like from outside, asserted the same way whether the input
 * action ran through the built bundle (test/e2e/create-input.test.ts) or in this process
 * (test/integration/create-input.test.ts): the request sent compact, the archive written as Dfns
 * sent it, the outputs, the receipt and the summary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { listZip } from '../../src/file/zip.ts';
import { INPUT_ARCHIVE_ENTRIES } from '../sandbox/dfns-sandbox.ts';
import { receiptOf } from './action-runner.ts';
import { onlyOne, sha256, STORE_ID, type E2E, type E2ERun } from './e2e.ts';

/** A request body per operation, as a workflow would write it. */
export const REQUEST_BODIES = {
  'onchain-sign': {},
  'proof-of-control': { walletIds: ['wa-01jz3-aaaaa-0000000000000001', 'wa-01jz3-aaaaa-0000000000000002'] },
  genesis: {
    kind: 'Genesis',
    numProvisioners: 3,
    numOperational: 2,
    numSecp256k1: 10,
    numEd25519: 5,
    hsmGenesisSerial: 'HSM-0042',
    hsmGenesisFirmwareVersion: '2.4',
  },
  clone: { kind: 'Clone', hsmSourceSerial: 'HSM-0042', hsmTargetSerial: 'HSM-0043' },
  'add-mac-user': { kind: 'AddMacUser', macTargetSerial: 'MAC-0007', hsmTargetSerial: 'HSM-0042' },
  'add-provisioner': { kind: 'AddProvisioner', yubikeySerial: '23456789', hsmTargetSerial: 'HSM-0042' },
  'key-harvest': {
    kind: 'KeyHarvest',
    hsmTargetSerial: 'HSM-0042',
    macTargetSerial: 'MAC-0007',
    macTargetUsername: 'operator',
    numSecp256k1: 4,
  },
} as const;

export type BodyOperation = keyof typeof REQUEST_BODIES;

/**
 * Asserts that `run` created the input archive of `operation` (with `REQUEST_BODIES[operation]`,
 * given pretty-printed) at the default path, with nothing else asked for.
 */
export function expectInputArchiveCreated(e2e: E2E, run: E2ERun, operation: BodyOperation): void {
  expect(run.exitCode).toBe(0);
  expect(run.seen.requests.map((r) => r.call)).toEqual(['init', 'action', 'create']);
  const recorded = onlyOne(run.seen.inputs, 'input request');
  expect(recorded).toMatchObject({ accepted: true, operation, storeId: STORE_ID, path: `/key-stores/${STORE_ID}/${operation}/input` });
  // Sent compact: that exact text was the signed payload (the sandbox refuses any other).
  expect(recorded.body).toBe(JSON.stringify(REQUEST_BODIES[operation]));

  const archivePath = join(run.runnerTemp, `dfns-${operation}-input-${STORE_ID}.zip`);
  const written = readFileSync(archivePath);
  expect(Buffer.compare(written, recorded.archive!)).toBe(0);
  const entries = listZip(written).map((e) => e.name);
  expect(entries).toEqual(INPUT_ARCHIVE_ENTRIES[operation]);
  // By name too, not only from the sandbox's table: the document first, and onchain-sign's annex.
  expect(entries[0]).toBe('input/input.json');
  if (operation === 'onchain-sign') expect(entries).toEqual(['input/input.json', 'input-annex/keys.jsonl']);
  expect(run.outputs).toEqual({
    status: 'created',
    path: archivePath,
    checksum: sha256(written),
    size: String(written.byteLength),
    entries: JSON.stringify(INPUT_ARCHIVE_ENTRIES[operation]),
    'group-id': recorded.groupId,
    'receipt-path': expect.stringMatching(/dfns-keystore-input-archive-receipt-4242-1-\d+\.json$/),
  });

  const receipt = receiptOf(run);
  expect(receipt).toMatchObject({
    receiptVersion: 3,
    kind: 'input-archive',
    action: { name: 'dfns-keystore-output-action/input' },
    outcome: 'created',
    status: 'created',
    message: null,
    dryRun: false,
    body: REQUEST_BODIES[operation],
    archive: {
      path: archivePath,
      size: written.byteLength,
      sha256: sha256(written),
      entries: INPUT_ARCHIVE_ENTRIES[operation],
      groupId: recorded.groupId,
    },
    artifact: null,
    request: {
      operation,
      operationFrom: 'step-input',
      storeId: STORE_ID,
      endpoint: `${e2e.sandbox.url}/key-stores/${STORE_ID}/${operation}/input`,
      credentialId: e2e.credential.credentialId,
    },
    answer: { call: 'create', httpStatus: 200, dfnsStatus: 'created', attempts: 1 },
    warnings: [],
  });
  expect(receipt.requests.map((r: { call: string; httpStatus: number }) => `${r.call} ${r.httpStatus}`)).toEqual([
    'init 200',
    'action 200',
    'create 200',
  ]);
  expect(run.summary).toContain(`### ✅ Input archive created by Dfns (\`${operation}\`)`);
  expect(run.summary).toContain(`| SHA-256 | \`${sha256(written)}\` |`);
  expect(run.summary).toContain(`| Request body | \`${JSON.stringify(REQUEST_BODIES[operation])}\` |`);
}
