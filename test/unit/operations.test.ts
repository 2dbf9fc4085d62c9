/**
 * The table of operations and the choice of one for a file: pure functions, checked against
 * values written by hand from Dfns's reference (API.md, "All seven offline signer submissions").
 */
import { describe, expect, it } from 'vitest';
import { countOutputs, describeCounts, validateOutput, type OfflineSignerOutput } from '../../src/documents/documents.ts';
import { chooseOperation, OperationError } from '../../src/actions/submit/operation-choice.ts';
import { describePermission, OPERATIONS, operationSpec, submissionPath, type Operation } from '../../src/documents/operations.ts';
import { size } from '../../src/base/units.ts';
import { fixtureText } from '../helpers/e2e.ts';

describe('the table of operations', () => {
  it('holds the seven operations, each with its document, entry kind and permissions as Dfns names them', () => {
    const rows = OPERATIONS.map((name) => {
      const { document, entryKind, permission } = operationSpec(name);
      return [name, document, entryKind, permission.current, permission.earlier];
    });
    expect(rows).toEqual([
      ['onchain-sign', 'keystore-output', 'onchain-sign-v1', 'KeyStores:Instructions:Keys:Sign', 'KeyStores:OnchainSignatures:Create'],
      [
        'proof-of-control',
        'keystore-output',
        'proof-of-control-v1',
        'KeyStores:Instructions:Keys:ProveControl',
        'KeyStores:ProofOfControl:Create',
      ],
      ['genesis', 'fleet-output', 'genesis-registration', 'KeyStores:Instructions:Fleets:Create', 'KeyStores:Fleets:Create'],
      ['clone', 'fleet-output', 'clone-registration', 'KeyStores:Instructions:Fleets:Clone', 'KeyStores:Fleets:Clone'],
      ['add-mac-user', 'fleet-output', 'add-mac-user', 'KeyStores:Instructions:Fleets:Users:Add', 'KeyStores:Fleets:AddMacUser'],
      [
        'add-provisioner',
        'fleet-output',
        'add-provisioner',
        'KeyStores:Instructions:Fleets:Provisioners:Add',
        'KeyStores:Fleets:AddProvisioner',
      ],
      ['key-harvest', 'fleet-output', 'key-harvest', 'KeyStores:Instructions:Fleets:Keys:Harvest', 'KeyStores:Fleets:KeyHarvest'],
    ]);
    expect(describePermission('add-mac-user')).toBe('KeyStores:Instructions:Fleets:Users:Add (formerly KeyStores:Fleets:AddMacUser)');
  });

  it('builds the path, the store id percent-encoded', () => {
    expect(submissionPath('ks-1', 'key-harvest')).toBe('/key-stores/ks-1/key-harvest/output');
    expect(submissionPath('ks 1/α', 'genesis')).toBe('/key-stores/ks%201%2F%CE%B1/genesis/output');
  });

  it.each([
    ['onchain-sign', { status: 'partial' }, { status: 'partial', message: null }],
    ['proof-of-control', { status: 'success', extra: 1 }, { status: 'success', message: null }],
    ['clone', { message: 'Clone registered' }, { status: 'success', message: 'Clone registered' }],
    ['key-harvest', { message: '' }, { status: 'success', message: '' }],
  ] as const)("reads %s's 200 answer %j", (operation, body, expected) => {
    expect(operationSpec(operation).answer.parse(body)).toEqual(expected);
  });

  it.each([
    ['onchain-sign', { message: 'ok' }],
    ['onchain-sign', { status: 'fail' }],
    ['genesis', { status: 'success' }],
    ['genesis', { message: 7 }],
  ] as const)('refuses %s answering %j', (operation, body) => {
    expect(operationSpec(operation).answer.safeParse(body).success).toBe(false);
  });
});

const parse = (fixture: string, outputs?: Record<string, unknown>): OfflineSignerOutput => {
  const doc = JSON.parse(fixtureText(fixture)) as Record<string, unknown>;
  return validateOutput(outputs === undefined ? doc : { ...doc, outputs });
};
const entriesOf = (fixture: string) => JSON.parse(fixtureText(fixture)).outputs as Record<string, unknown>;

/** chooseOperation's verdict: the choice, or the refusal's title and message; warnings collected. */
function choose(requested: Operation | undefined, output: OfflineSignerOutput) {
  const warnings: string[] = [];
  const log = { info() {}, debug() {}, warning: (message: string, title?: string) => void warnings.push(`[${title}] ${message}`) };
  try {
    return { choice: chooseOperation(requested, output.type, countOutputs(output).byKind, log), warnings };
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    return { refused: `[${error.title}] ${error.message}`, warnings };
  }
}

describe('chooseOperation', () => {
  it.each([
    ['onchain-sign-output.json', 'onchain-sign'],
    ['proof-of-control-output.json', 'proof-of-control'],
    ['genesis-output.json', 'genesis'],
    ['clone-output.json', 'clone'],
    ['add-mac-user-output.json', 'add-mac-user'],
    ['add-provisioner-output.json', 'add-provisioner'],
    ['key-harvest-output.json', 'key-harvest'],
  ])('takes the operation of %s from its entries: %s', (fixture, operation) => {
    expect(choose(undefined, parse(fixture))).toEqual({ choice: { operation, from: 'file' }, warnings: [] });
    expect(choose(operation as Operation, parse(fixture))).toEqual({ choice: { operation, from: 'step-input' }, warnings: [] });
  });

  it('refuses a file with entries of several kinds and no "operation"', () => {
    const mixed = { ...entriesOf('add-mac-user-output.json'), ...entriesOf('key-harvest-output.json') };
    expect(choose(undefined, parse('genesis-output.json', mixed)).refused).toBe(
      '[Operation not determined] the fleet output holds entries of several kinds (1 add-mac-user, 1 key-harvest), so the operation it is for ' +
        'cannot be taken from it: set "operation" to the one it is for (genesis, clone, add-mac-user, add-provisioner, key-harvest)',
    );
  });

  it('refuses a file with no entries and no "operation", and takes one given', () => {
    expect(choose(undefined, parse('proof-of-control-output.json', {})).refused).toBe(
      '[Operation not determined] the keystore output has no entries, so the operation it is for cannot be taken from it: ' +
        'set "operation" to the one it is for (onchain-sign, proof-of-control)',
    );
    expect(choose('add-provisioner', parse('genesis-output.json', {}))).toEqual({
      choice: { operation: 'add-provisioner', from: 'step-input' },
      warnings: [],
    });
  });

  it('refuses an "operation" of another document type, also for a file with no entries', () => {
    expect(choose('onchain-sign', parse('clone-output.json', {})).refused).toBe(
      '[Operation does not match the file] step input "operation" is onchain-sign, which takes a keystore-output document, but the file is a fleet-output: ' +
        'check that this is the file meant for this operation',
    );
  });

  it('refuses an "operation" none of whose entries is in the file, suggesting the one that fits', () => {
    expect(choose('add-mac-user', parse('add-provisioner-output.json')).refused).toBe(
      '[Operation does not match the file] step input "operation" is add-mac-user, which takes add-mac-user entries, but the fleet output holds none ' +
        '(entries: 1 add-provisioner): set "operation" to add-provisioner, or leave it empty to take the operation from the file',
    );
    const mixed = { ...entriesOf('add-mac-user-output.json'), ...entriesOf('key-harvest-output.json') };
    expect(choose('clone', parse('genesis-output.json', mixed)).refused).toBe(
      '[Operation does not match the file] step input "operation" is clone, which takes clone-registration entries, but the fleet output holds none ' +
        '(entries: 1 add-mac-user, 1 key-harvest): check that this is the file meant for this operation',
    );
  });

  it('takes an "operation" some of whose entries are in the file, warning of the others', () => {
    const mixed = { ...entriesOf('add-mac-user-output.json'), ...entriesOf('key-harvest-output.json') };
    expect(choose('key-harvest', parse('genesis-output.json', mixed))).toEqual({
      choice: { operation: 'key-harvest', from: 'step-input' },
      warnings: [
        '[Entries of other kinds] the fleet output also holds entries of other kinds (1 add-mac-user), which do not belong to key-harvest; ' +
          'they are submitted with it, and Dfns decides what to do with them',
      ],
    });
  });
});

describe('counting entries', () => {
  it('counts a keystore output by kind and result, a fleet output by kind', () => {
    const keystore = parse('onchain-sign-output.json');
    expect(countOutputs(keystore)).toEqual({ total: 2, byKind: { 'onchain-sign-v1': 2 }, success: 1, fail: 1 });
    expect(describeCounts(countOutputs(keystore), 'keystore-output')).toBe('2 outputs (2 onchain-sign-v1; 1 success, 1 fail)');
    const fleet = parse('clone-output.json');
    expect(countOutputs(fleet)).toEqual({ total: 2, byKind: { 'clone-registration': 2 }, success: 2, fail: 0 });
    expect(describeCounts(countOutputs(fleet), 'fleet-output')).toBe('2 outputs (2 clone-registration)');
    expect(describeCounts(countOutputs(parse('genesis-output.json', {})), 'fleet-output')).toBe('0 outputs');
  });
});

describe('size', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1024, '1 KiB (1024 bytes)'],
    [1234, '1.2 KiB (1234 bytes)'],
    [5 * 1024 * 1024, '5 MiB (5242880 bytes)'],
    [25_678_901, '24.5 MiB (25678901 bytes)'],
  ])('%d bytes reads "%s"', (bytes, text) => {
    expect(size(bytes)).toBe(text);
  });
});
