/**
 * Differential test: Dfns's official JSON schema of `outputJson` (compiled by ajv) and our zod
 * schema must agree, valid or invalid, on every generated document: valid ones of both entry
 * types and mutations of them that target every rule. Any disagreement is a bug in ours.
 *
 * ajv 8's defaults follow JSON Schema here: `unicodeRegExp` is on (patterns are ECMA-262 with
 * the `u` flag) and `minLength` counts code points; the schema uses no `format`.
 */
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaError, validateKeystoreOutput } from '../../src/output-schema.ts';
import {
  applyMutation,
  isJsonObject,
  jsonCopy,
  keystoreOutputArb,
  makeOnchainOutput,
  mutationArb,
  objectFrom,
  setOwn,
  type Json,
  type JsonObject,
} from '../helpers/output-generators.ts';
import { OUTPUT_JSON_SCHEMA } from '../sandbox/output-schema.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
const official = ajv.compile(OUTPUT_JSON_SCHEMA);

/** Whether our schema accepts `doc`; anything but a SchemaError is a bug. */
function zodAccepts(doc: unknown): boolean {
  try {
    validateKeystoreOutput(doc);
    return true;
  } catch (error) {
    if (error instanceof SchemaError) return false;
    throw error;
  }
}

/** What both sides see: the document as a file would hold it, parsed back. */
const asParsed = (doc: Json): unknown => JSON.parse(JSON.stringify(doc));

/** Documents checked, for the total asserted at the end. */
const checked = { valid: 0, mutated: 0, mutatedInvalid: 0, table: 0 };
/** ajv error keywords seen on mutated documents: every rule must have been broken at least once. */
const keywordsBroken = new Set<string>();

/** Asserts both schemas agree on `doc`; returns the verdict. */
function agree(doc: unknown, context: () => string): boolean {
  const expected = official(doc);
  const actual = zodAccepts(doc);
  if (expected !== actual) {
    const detail = expected ? 'official accepts, ours refuses' : `official refuses (${ajv.errorsText(official.errors)}), ours accepts`;
    expect.fail(`disagreement: ${detail}\n${context()}\ndocument: ${JSON.stringify(doc)}`);
  }
  return expected;
}

/** Sorted keys, own properties only (`__proto__` included): for comparing values whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const base = (): JsonObject =>
  JSON.parse(makeOnchainOutput(2, { requests: 1 })) as JsonObject;

/** A small valid document with both entry types, a fail result and extra fields. */
function sample(): JsonObject {
  const doc = base();
  const outputs = doc['outputs'] as JsonObject;
  outputs['poc-1'] = {
    type: 'proof-of-control-v1',
    result: {
      success: {
        signer_public_key: '03a1b2',
        prefix: '446661736b',
        message: 'Dfns proof of control',
        exact_bytes_signed: 'ab'.repeat(32),
        signature: '3044',
      },
    },
  };
  outputs['req-9'] = { type: 'onchain-sign-v1', result: { fail: { message: 'no key', code: 'KEY_NOT_FOUND' } }, note: [1] };
  doc['generated_at'] = '2026-11-20T09:14:03Z';
  return doc;
}

type Doc = Record<string, any>;
const edit = (change: (d: Doc) => unknown) => (): unknown => {
  const doc: Doc = jsonCopy(sample());
  change(doc);
  return asParsed(doc);
};
const text = (change: (t: string) => string) => (): unknown => JSON.parse(change(JSON.stringify(sample()))) as unknown;
const entry = (d: Doc): Doc => d['outputs']['req-0001'] as Doc;
const signature = (d: Doc): Doc => entry(d)['result']['success']['key-000000'] as Doc;
const poc = (d: Doc): Doc => d['outputs']['poc-1']['result']['success'] as Doc;
const fail = (d: Doc): Doc => d['outputs']['req-9']['result']['fail'] as Doc;
const HEX_RULES: Array<[string, unknown]> = [
  ['uppercase', 'ABCDEF'],
  ['0x', '0xabcdef'],
  ['odd char', 'abcg'],
  ['empty', ''],
  ['trailing newline', 'abcd\n'],
  ['leading newline', '\nabcd'],
  ['space', 'ab cd'],
  ['fullwidth', 'ａｂ'],
  ['number', 1234],
  ['null', null],
  ['array', ['ab']],
];

/** Named documents for every rule: [name, document, whether the official schema accepts it]. */
const TABLE: Array<[string, () => unknown, boolean]> = [
  ['the sample', edit(() => {}), true],
  ['version 1.0 (text)', text((t) => t.replace('"version":1', '"version":1.0')), true],
  ['version 1e0 (text)', text((t) => t.replace('"version":1', '"version":1e0')), true],
  ['version 1.0000000000000001 (text, rounds to 1)', text((t) => t.replace('"version":1', '"version":1.0000000000000001')), true],
  ['version "1"', edit((d) => (d['version'] = '1')), false],
  ['version 2', edit((d) => (d['version'] = 2)), false],
  ['version 1.5', edit((d) => (d['version'] = 1.5)), false],
  ['version true', edit((d) => (d['version'] = true)), false],
  ['outputs as array', edit((d) => (d['outputs'] = [])), false],
  ['outputs as array of entries', edit((d) => (d['outputs'] = Object.values(d['outputs']))), false],
  ['outputs empty', edit((d) => (d['outputs'] = {})), true],
  ['outputs null', edit((d) => (d['outputs'] = null)), false],
  ['document as array', () => [sample()], false],
  ['document null', () => null, false],
  ['document string', () => 'keystore-output', false],
  ...['type', 'version', 'org_id', 'fleet_id', 'keystore_id', 'group_id', 'status', 'outputs'].map(
    (key): [string, () => unknown, boolean] => [`missing ${key}`, edit((d) => delete d[key]), false],
  ),
  ...['org_id', 'fleet_id', 'keystore_id', 'group_id'].flatMap((key): Array<[string, () => unknown, boolean]> => [
    [`${key} empty`, edit((d) => (d[key] = '')), false],
    [`${key} a space`, edit((d) => (d[key] = ' ')), true],
    [`${key} a lone surrogate`, edit((d) => (d[key] = '\ud800')), true],
    [`${key} 0`, edit((d) => (d[key] = 0)), false],
    [`${key} an object`, edit((d) => (d[key] = {})), false],
  ]),
  ['type keystore-input', edit((d) => (d['type'] = 'keystore-input')), false],
  ['type uppercase', edit((d) => (d['type'] = 'KEYSTORE-OUTPUT')), false],
  ['status done', edit((d) => (d['status'] = 'done')), false],
  ['status Success', edit((d) => (d['status'] = 'Success')), false],
  ['status fail', edit((d) => (d['status'] = 'fail')), true],
  ['unknown entry type', edit((d) => (entry(d)['type'] = 'onchain-sign-v2')), false],
  ['entry type missing', edit((d) => delete entry(d)['type']), false],
  ['entry result missing', edit((d) => delete entry(d)['result']), false],
  ['entry null', edit((d) => (d['outputs']['x'] = null)), false],
  ['entry array', edit((d) => (d['outputs']['x'] = [])), false],
  ['proof of control typed onchain', edit((d) => (d['outputs']['poc-1']['type'] = 'onchain-sign-v1')), false],
  ['onchain typed proof of control', edit((d) => (entry(d)['type'] = 'proof-of-control-v1')), false],
  ['fail typed the other way (both types accept a fail)', edit((d) => (d['outputs']['req-9']['type'] = 'proof-of-control-v1')), true],
  ['result with both keys', edit((d) => (entry(d)['result']['fail'] = { message: 'm', code: 'c' })), false],
  ['result with no key', edit((d) => (entry(d)['result'] = {})), false],
  ['result with an extra key', edit((d) => (entry(d)['result']['extra'] = 1)), false],
  ['fail result with an extra key', edit((d) => (d['outputs']['req-9']['result']['note'] = 'x')), false],
  ['result null', edit((d) => (entry(d)['result'] = null)), false],
  ['result array', edit((d) => (entry(d)['result'] = [{ success: {} }])), false],
  ['success null', edit((d) => (entry(d)['result'] = { success: null })), false],
  ['success empty map', edit((d) => (entry(d)['result'] = { success: {} })), true],
  ['success an array', edit((d) => (entry(d)['result'] = { success: [] })), false],
  ['signature entry null', edit((d) => (entry(d)['result']['success']['k'] = null)), false],
  ['signature entry a string', edit((d) => (entry(d)['result']['success']['k'] = 'ab')), false],
  ...['signer_public_key', 'exact_bytes_signed', 'signature'].flatMap((key): Array<[string, () => unknown, boolean]> => [
    [`signature ${key} missing`, edit((d) => delete signature(d)[key]), false],
    ...HEX_RULES.map(([name, value]): [string, () => unknown, boolean] => [
      `signature ${key} ${name}`,
      edit((d) => (signature(d)[key] = value)),
      false,
    ]),
  ]),
  ['onchain exact_bytes_signed of any length', edit((d) => (signature(d)['exact_bytes_signed'] = 'a'.repeat(63))), true],
  ...['signer_public_key', 'prefix', 'exact_bytes_signed', 'signature'].flatMap((key): Array<[string, () => unknown, boolean]> => [
    [`proof of control ${key} missing`, edit((d) => delete poc(d)[key]), false],
    ...HEX_RULES.map(([name, value]): [string, () => unknown, boolean] => [
      `proof of control ${key} ${name}`,
      edit((d) => (poc(d)[key] = value)),
      false,
    ]),
  ]),
  ['proof of control exact_bytes_signed 63 chars', edit((d) => (poc(d)['exact_bytes_signed'] = 'a'.repeat(63))), false],
  ['proof of control exact_bytes_signed 65 chars', edit((d) => (poc(d)['exact_bytes_signed'] = 'a'.repeat(65))), false],
  ['proof of control exact_bytes_signed 64 + newline', edit((d) => (poc(d)['exact_bytes_signed'] = `${'a'.repeat(64)}\n`)), false],
  ['proof of control message missing', edit((d) => delete poc(d)['message']), false],
  ['proof of control message empty', edit((d) => (poc(d)['message'] = '')), false],
  ['proof of control message astral', edit((d) => (poc(d)['message'] = '😀')), true],
  ['proof of control success as a map of signatures', edit((d) => (d['outputs']['poc-1']['result'] = entry(d)['result'])), false],
  ...['message', 'code'].flatMap((key): Array<[string, () => unknown, boolean]> => [
    [`fail ${key} missing`, edit((d) => delete fail(d)[key]), false],
    [`fail ${key} empty`, edit((d) => (fail(d)[key] = '')), false],
    [`fail ${key} null`, edit((d) => (fail(d)[key] = null)), false],
    [`fail ${key} number`, edit((d) => (fail(d)[key] = 404)), false],
  ]),
  ['fail with extra fields', edit((d) => (fail(d)['details'] = { deep: [1, { a: null }] })), true],
  ['fail null', edit((d) => (d['outputs']['req-9']['result']['fail'] = null)), false],
  // Keys that naive code mishandles, in every record and open object.
  ...(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'é', '\u202e', '\ud800'] as const).flatMap(
    (key): Array<[string, () => unknown, boolean]> => [
      [`outputs key ${JSON.stringify(key)}, valid entry`, edit((d) => setOwn(d['outputs'], key, d['outputs']['poc-1'])), true],
      [`outputs key ${JSON.stringify(key)}, invalid entry`, edit((d) => setOwn(d['outputs'], key, { type: 'bogus' })), false],
      [`outputs key ${JSON.stringify(key)}, entry 5`, edit((d) => setOwn(d['outputs'], key, 5)), false],
      [`signature key ${JSON.stringify(key)}, valid`, edit((d) => setOwn(entry(d)['result']['success'], key, signature(d))), true],
      [`signature key ${JSON.stringify(key)}, invalid`, edit((d) => setOwn(entry(d)['result']['success'], key, { signature: 'XY' })), false],
      [`signature key ${JSON.stringify(key)}, null`, edit((d) => setOwn(entry(d)['result']['success'], key, null)), false],
      [`extra root key ${JSON.stringify(key)}`, edit((d) => setOwn(d, key, { type: 'nonsense', version: 2 })), true],
      [`extra entry key ${JSON.stringify(key)}`, edit((d) => setOwn(entry(d), key, { type: 'x' })), true],
      [`extra signature key ${JSON.stringify(key)}`, edit((d) => setOwn(signature(d), key, null)), true],
      [`extra key ${JSON.stringify(key)} in a result`, edit((d) => setOwn(entry(d)['result'], key, {})), false],
    ],
  ),
  [
    'an invalid entry under __proto__ of an entry under __proto__',
    edit((d) => {
      const inner = { type: 'onchain-sign-v1', result: { success: objectFrom([['__proto__', { signature: 'ab' }]]) } };
      setOwn(d['outputs'], '__proto__', inner);
    }),
    false,
  ],
  ['a deep extra value', edit((d) => (d['deep'] = JSON.parse('['.repeat(200) + ']'.repeat(200)))), true],
];

describe('the official JSON schema and our zod schema agree', () => {
  it.each(TABLE)('%s', (name, make, expected) => {
    const doc = make();
    const verdict = agree(doc, () => name);
    expect(verdict, `the official schema's verdict on "${name}"`).toBe(expected);
    checked.table++;
  });

  it('on generated valid documents, which ours keeps whole (extra fields included)', () => {
    fc.assert(
      fc.property(keystoreOutputArb(), (generated) => {
        const doc = asParsed(generated);
        expect(agree(doc, () => 'a generated valid document')).toBe(true);
        // Same content, whatever the key order: extra fields, and `__proto__` keys, are kept.
        expect(canonical(validateKeystoreOutput(doc))).toBe(canonical(doc));
        checked.valid++;
      }),
      { numRuns: 600 },
    );
  });

  it('on mutations of generated documents, mostly invalid', () => {
    fc.assert(
      fc.property(keystoreOutputArb(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (generated, mutations) => {
        const doc = jsonCopy(generated);
        const applied = mutations.map((m) => applyMutation(doc, m));
        const parsed = asParsed(doc);
        const valid = agree(parsed, () => `mutations: ${applied.join('; ')}`);
        if (!valid) {
          checked.mutatedInvalid++;
          for (const error of official.errors ?? []) keywordsBroken.add(error.keyword);
        }
        checked.mutated++;
      }),
      { numRuns: 2_000 },
    );
    // Most mutations break a rule: the test cannot pass by generating only valid documents.
    expect(checked.mutatedInvalid / checked.mutated).toBeGreaterThan(0.6);
    // And every kind of rule was broken somewhere.
    for (const keyword of ['required', 'type', 'enum', 'minLength', 'pattern', 'additionalProperties', 'anyOf', 'oneOf']) {
      expect(keywordsBroken, `no mutation broke a "${keyword}" rule`).toContain(keyword);
    }
  });

  it('on a large generated output', () => {
    const doc = JSON.parse(makeOnchainOutput(5_000, { requests: 7, noteChars: 3 })) as JsonObject;
    expect(agree(doc, () => 'makeOnchainOutput(5000)')).toBe(true);
    (doc['outputs'] as Doc)['req-0007']['result']['success']['key-004990']['signature'] += 'Z';
    expect(agree(doc, () => 'makeOnchainOutput(5000), one bad signature')).toBe(false);
  });

  it('in at least 2,000 documents in all', () => {
    const total = checked.valid + checked.mutated + checked.table;
    expect(total).toBeGreaterThanOrEqual(2_000);
    console.log(
      `schema differential: ${total} documents (${checked.table} named, ${checked.valid} valid, ` +
        `${checked.mutated} mutated of which ${checked.mutatedInvalid} invalid); rules broken: ${[...keywordsBroken].sort().join(', ')}`,
    );
  });
});
