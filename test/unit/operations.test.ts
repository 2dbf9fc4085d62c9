/**
 * The table of operations and the choice of one for a file: pure functions. The table is not
 * restated here: each of its facts is checked against a source that does not come from it, the
 * Dfns reference copies the sandbox is built from (test/sandbox: the fleet schema's YAML and its
 * list of endpoints, the transcribed keystore schema), the sandbox's own routes, permissions and
 * answers, the fixtures of test/fixtures, and the README's table of the seven operations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countOutputs, describeCounts, validateOutput, type OfflineSignerOutput } from '../../src/documents/documents.ts';
import { chooseOperation, OperationError } from '../../src/actions/submit/operation-choice.ts';
import {
  cancelPath,
  createInputPath,
  describePermission,
  isOperation,
  OPERATIONS,
  operationOfKind,
  operationsOf,
  operationSpec,
  submissionPath,
  type Operation,
} from '../../src/documents/operations.ts';
import { size } from '../../src/base/units.ts';
import { ROOT } from '../helpers/action-runner.ts';
import { fixtureText } from '../helpers/e2e.ts';
import { checkPermission, type ChangeKind } from '../sandbox/change.ts';
import { Refusal } from '../sandbox/errors.ts';
import { CANCEL_PATH } from '../sandbox/fleet-operations.ts';
import { FLEET_OUTPUT_JSON_SCHEMA, FLEET_OUTPUT_SCHEMA_PATH } from '../sandbox/fleet-output-schema.ts';
import { INPUT_PATH } from '../sandbox/input.ts';
import { OUTPUT_JSON_SCHEMA } from '../sandbox/output-schema.ts';
import {
  defaultAnswerBody,
  FLEET_ANSWER_MESSAGES,
  isFleetOperation,
  OPERATIONS as SANDBOX_OPERATIONS,
  SUBMIT_PATH,
  validateOutputJsonFor,
} from '../sandbox/submission.ts';

/** A store id that percent-encoding changes: the space, the slash and the α. */
const ODD_STORE_ID = 'ks-01 test/α';

interface Fixture {
  type: string;
  outputs: Record<string, { type?: string; success?: { type?: string } }>;
}

/** The fixture of an operation: test/fixtures/<operation>-output.json, parsed. */
const fixtureOf = (operation: Operation): Fixture => JSON.parse(fixtureText(`${operation}-output.json`)) as Fixture;

/** The kinds of a fixture's entries: a keystore entry's `type`, a fleet entry's `success.type`. */
const entryKindsOf = (operation: Operation): string[] =>
  Object.values(fixtureOf(operation).outputs).map((entry) => entry.type ?? entry.success?.type ?? '(none)');

/** The endpoints a reference copy lists in its comments, as `POST /key-stores/{storeId}/<operation>/output`. */
const listedEndpoints = (text: string): string[] =>
  [...text.matchAll(/POST (\/key-stores\/\{storeId\}\/[a-z-]+\/output)/g)].map((m) => m[1]!);
const REFERENCE_ENDPOINTS = [
  ...listedEndpoints(readFileSync(FLEET_OUTPUT_SCHEMA_PATH, 'utf8')),
  ...listedEndpoints(readFileSync(join(ROOT, 'test', 'sandbox', 'output-schema.ts'), 'utf8')),
];

/** `{storeId}` where the path has the store id. */
const template = (path: string, storeId: string): string => path.replace(`/${encodeURIComponent(storeId)}/`, '/{storeId}/');

/** The rows of the README's table of the seven operations, by operation: the cells, back-quotes removed. */
const README_ROWS: ReadonlyMap<string, { document: string; entryKind: string; endpoint: string; permissions: string[]; answer: string }> =
  (() => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('\n### The seven operations\n')[1]!.split(/\n#{2,3} /)[0]!;
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim()),
      );
    return new Map(
      rows.map(([operation, document, entryKind, endpoint, permissions, answer]) => [
        operation!.replaceAll('`', ''),
        {
          document: document!.replaceAll('`', ''),
          entryKind: entryKind!.replaceAll('`', '').replace(/^(success\.)?type: /, ''),
          endpoint: endpoint!.replaceAll('`', ''),
          permissions: permissions!.split(';').map((name) => name.replaceAll('`', '').trim()),
          answer: answer!,
        },
      ]),
    );
  })();

/** The refusal the sandbox answers a store where the service account may do nothing: `missing permission <name>`. */
function sandboxRefusal(kind: ChangeKind): string {
  const record = { storeId: 'ks-1', operation: kind, path: '/', userActionToken: '', accepted: false, status: null };
  try {
    checkPermission(record, () => new Set());
  } catch (error) {
    if (error instanceof Refusal) return `${error.status} ${error.message}`;
    throw error;
  }
  return expect.fail(`the sandbox let ${kind} through without its permission`);
}

/** The `type` values that tell apart the entries a JSON schema's `oneOf` describes, at `path` (property names, then `oneOf`). */
function kindsIn(schema: unknown, path: string[]): string[] {
  let node = schema as Record<string, any>;
  for (const key of path) node = node['properties']?.[key] ?? node[key];
  return (node['oneOf'] as Array<Record<string, any>>).flatMap((option) => option['properties']['type']['enum'] as string[]);
}

describe('the table of operations, checked against independent sources', () => {
  it('holds the seven operations the Dfns sandbox serves, in the order of the reference table', () => {
    expect(OPERATIONS).toEqual([...SANDBOX_OPERATIONS]);
    expect([...README_ROWS.keys()]).toEqual(OPERATIONS);
    expect(['onchain-sign', 'sign', 'Genesis', 'genesis ', '', 'fleet-operations'].filter((name) => isOperation(name))).toEqual([
      'onchain-sign',
    ]);
  });

  it('builds the submission paths the Dfns reference lists, and the README', () => {
    expect(REFERENCE_ENDPOINTS.length, 'the endpoints listed by the reference copies').toBeGreaterThanOrEqual(6);
    const built = OPERATIONS.map((operation) => template(submissionPath('ks-1', operation), 'ks-1'));
    expect(built).toEqual(expect.arrayContaining(REFERENCE_ENDPOINTS));
    expect(OPERATIONS.map((operation) => `POST ${template(submissionPath('ks-1', operation), 'ks-1')}`)).toEqual(
      OPERATIONS.map((operation) => README_ROWS.get(operation)?.endpoint),
    );
  });

  it.each(OPERATIONS)(
    '%s: the sandbox routes its submission and input paths, and the cancel path, back to it and its store',
    (operation) => {
      const submit = SUBMIT_PATH.exec(submissionPath(ODD_STORE_ID, operation));
      expect([submit?.[2], decodeURIComponent(submit?.[1] ?? '')]).toEqual([operation, ODD_STORE_ID]);
      const input = INPUT_PATH.exec(createInputPath(ODD_STORE_ID, operation));
      expect([input?.[2], decodeURIComponent(input?.[1] ?? '')]).toEqual([operation, ODD_STORE_ID]);
      expect(decodeURIComponent(CANCEL_PATH.exec(cancelPath(ODD_STORE_ID))?.[1] ?? '')).toBe(ODD_STORE_ID);
    },
  );

  it('percent-encodes the store id in every path', () => {
    expect(submissionPath('ks-1', 'key-harvest')).toBe('/key-stores/ks-1/key-harvest/output');
    expect(submissionPath('ks 1/α', 'genesis')).toBe('/key-stores/ks%201%2F%CE%B1/genesis/output');
    expect(createInputPath('ks 1/α', 'clone')).toBe('/key-stores/ks%201%2F%CE%B1/clone/input');
    expect(cancelPath('ks 1/α')).toBe('/key-stores/ks%201%2F%CE%B1/fleet-operations/cancel');
  });

  it.each(OPERATIONS)("%s: takes the document type of its fixture, whose entries are all of the operation's kind", (operation) => {
    const { document, entryKind } = operationSpec(operation);
    const fixture = fixtureOf(operation);
    expect(validateOutputJsonFor(operation, fixture)).toEqual({ ok: true });
    expect([document, entryKind]).toEqual([fixture.type, entryKindsOf(operation)[0]]);
    expect(new Set(entryKindsOf(operation))).toEqual(new Set([entryKind]));
    expect(operationOfKind(entryKind)?.name).toBe(operation);
    expect([document, entryKind]).toEqual([README_ROWS.get(operation)?.document, README_ROWS.get(operation)?.entryKind]);
  });

  it('knows the entry kinds the official schemas tell apart, and nothing else', () => {
    const official = [
      ...kindsIn(OUTPUT_JSON_SCHEMA, ['outputs', 'additionalProperties']),
      ...kindsIn(FLEET_OUTPUT_JSON_SCHEMA, ['outputs', 'additionalProperties', 'success']),
    ];
    expect(OPERATIONS.map((operation) => operationSpec(operation).entryKind).sort()).toEqual(official.sort());
    expect(operationOfKind('onchain-sign-v2')).toBeUndefined();
    expect(operationOfKind('genesis')).toBeUndefined();
  });

  it('lists the operations of each document type in the table order, as their fixtures are typed', () => {
    for (const document of ['keystore-output', 'fleet-output'] as const) {
      expect(operationsOf(document)).toEqual(OPERATIONS.filter((operation) => fixtureOf(operation).type === document));
    }
    expect(operationsOf('fleet-output')).toEqual(OPERATIONS.filter((operation) => isFleetOperation(operation)));
  });

  it.each(OPERATIONS)('%s: names the permission the sandbox refuses it without, and its earlier name as the README does', (operation) => {
    const { current, earlier } = operationSpec(operation).permission;
    expect(sandboxRefusal(operation)).toBe(`403 missing permission ${current}`);
    expect([current, earlier]).toEqual(README_ROWS.get(operation)?.permissions);
    expect(describePermission(operation)).toBe(`${current} (formerly ${earlier})`);
  });

  it("names the cancel's permission as the sandbox and the README do", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const [, current, earlier] = /needs\s+`(KeyStores:[^`]+)` \(formerly\s+`(KeyStores:[^`]+)`\)/.exec(readme) ?? [];
    expect(sandboxRefusal('cancel')).toBe(`403 missing permission ${current}`);
    expect(describePermission('cancel')).toBe(`${current} (formerly ${earlier})`);
  });

  it.each(OPERATIONS)("%s: reads the sandbox's answer, and only the form the README gives", (operation) => {
    const { answer } = operationSpec(operation);
    const body = defaultAnswerBody(operation);
    const fleet = isFleetOperation(operation);
    expect(answer.parse(body)).toEqual(
      fleet ? { status: 'success', message: FLEET_ANSWER_MESSAGES[operation] } : { status: 'success', message: null },
    );
    expect(README_ROWS.get(operation)?.answer).toContain(fleet ? '{"message": ' : '{"status": "success" \\| "partial"}');
    const otherForm = fleet ? { status: 'success' } : { message: 'Output received' };
    expect(answer.safeParse(otherForm)).toMatchObject({ success: false });
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
    expect(operationSpec(operation).answer.safeParse(body)).toMatchObject({ success: false });
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
