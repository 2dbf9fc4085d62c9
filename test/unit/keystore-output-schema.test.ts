import { describe, expect, it } from 'vitest';
import { validateKeystoreOutput } from '../../src/documents/keystore-output.ts';
import { MAX_REPORTED_VIOLATIONS, SchemaError } from '../../src/documents/violations.ts';
import { fixtureText } from '../helpers/e2e.ts';

const fixture = (name: string): Record<string, unknown> => JSON.parse(fixtureText(name)) as Record<string, unknown>;

/** The violations reported for `doc`, or [] when it is valid. */
function violations(doc: unknown): readonly string[] {
  try {
    validateKeystoreOutput(doc);
    return [];
  } catch (error) {
    if (error instanceof SchemaError) return error.violations;
    throw error;
  }
}

const onchain = () => fixture('onchain-sign-output.json');
const poc = () => fixture('proof-of-control-output.json');
type Doc = Record<string, any>;

function mutate(base: Doc, change: (d: Doc) => void): Doc {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('validateKeystoreOutput', () => {
  it('accepts both fixtures and keeps extra fields', () => {
    const parsed = validateKeystoreOutput(onchain()) as Doc;
    expect(parsed['generated_at']).toBe('2026-11-20T09:14:03Z');
    expect(parsed['outputs']['req-1'].fleet_note).toBe('extra fields are allowed and must be kept');
    expect(violations(poc())).toEqual([]);
  });

  it('accepts an onchain-sign success holding no signature, and an empty outputs map', () => {
    expect(violations(mutate(onchain(), (d) => (d['outputs']['req-1'].result = { success: {} })))).toEqual([]);
    expect(violations(mutate(onchain(), (d) => (d['outputs'] = {})))).toEqual([]);
  });

  it.each([
    ['type', 'type: expected "keystore-output", got "keystore-input"', (d: Doc) => (d['type'] = 'keystore-input')],
    ['version', 'version: expected 1, got 2', (d: Doc) => (d['version'] = 2)],
    ['version as string', 'version: expected 1, got "1"', (d: Doc) => (d['version'] = '1')],
    ['org_id missing', 'org_id: is required', (d: Doc) => delete d['org_id']],
    ['fleet_id empty', 'fleet_id: must not be empty', (d: Doc) => (d['fleet_id'] = '')],
    ['keystore_id number', 'keystore_id: expected a string, got 7', (d: Doc) => (d['keystore_id'] = 7)],
    ['group_id null', 'group_id: expected a string, got null', (d: Doc) => (d['group_id'] = null)],
    ['status', 'status: expected "success" or "partial" or "fail", got "done"', (d: Doc) => (d['status'] = 'done')],
    ['outputs array', 'outputs: expected an object, got an array', (d: Doc) => (d['outputs'] = [])],
    [
      'entry type',
      'outputs["req-1"].type: expected "proof-of-control-v1" or "onchain-sign-v1", got "onchain-sign-v2"',
      (d: Doc) => (d['outputs']['req-1'].type = 'onchain-sign-v2'),
    ],
    [
      'uppercase signature',
      'outputs["req-1"].result.success["key-a"].signature: expected lowercase hex',
      (d: Doc) => (d['outputs']['req-1'].result.success['key-a'].signature = 'ABCD'),
    ],
    [
      'empty hex',
      'outputs["req-1"].result.success["key-a"].exact_bytes_signed: expected lowercase hex',
      (d: Doc) => (d['outputs']['req-1'].result.success['key-a'].exact_bytes_signed = ''),
    ],
    [
      '0x prefix',
      'outputs["req-1"].result.success["key-a"].signer_public_key: expected lowercase hex',
      (d: Doc) => (d['outputs']['req-1'].result.success['key-a'].signer_public_key = '0x02ab'),
    ],
    [
      'trailing newline in hex',
      'outputs["req-1"].result.success["key-a"].signature: expected lowercase hex',
      (d: Doc) => (d['outputs']['req-1'].result.success['key-a'].signature = 'abcd\n'),
    ],
    [
      'missing signature',
      'outputs["req-1"].result.success["key-a"].signature: is required',
      (d: Doc) => delete d['outputs']['req-1'].result.success['key-a'].signature,
    ],
    [
      'both success and fail',
      'outputs["req-1"].result: holds both "success" and "fail"; a result holds exactly one of them',
      (d: Doc) => (d['outputs']['req-1'].result.fail = { code: 'X', message: 'y' }),
    ],
    [
      'extra key in result',
      'outputs["req-2"].result: unexpected key "note": a result holds exactly one of "success" or "fail"',
      (d: Doc) => (d['outputs']['req-2'].result.note = 'x'),
    ],
    [
      'empty result',
      'outputs["req-1"].result: expected an object holding exactly one of "success" or "fail", got an empty object',
      (d: Doc) => (d['outputs']['req-1'].result = {}),
    ],
    ['fail code empty', 'outputs["req-2"].result.fail.code: must not be empty', (d: Doc) => (d['outputs']['req-2'].result.fail.code = '')],
    ['missing result', 'outputs["req-2"].result: is required', (d: Doc) => delete d['outputs']['req-2'].result],
    [
      'result not an object',
      'outputs["req-2"].result: expected an object holding exactly one of "success" or "fail", got "ok"',
      (d: Doc) => (d['outputs']['req-2'].result = 'ok'),
    ],
    [
      'entry without type',
      'outputs["req-2"].type: expected "proof-of-control-v1" or "onchain-sign-v1", got no type',
      (d: Doc) => delete d['outputs']['req-2'].type,
    ],
    [
      'fail without message',
      'outputs["req-2"].result.fail.message: is required',
      (d: Doc) => delete d['outputs']['req-2'].result.fail.message,
    ],
  ])('reports %s with its path', (_name, expected, change) => {
    expect(violations(mutate(onchain(), change))).toEqual([expected]);
  });

  it.each([
    ['63 hex', 'a'.repeat(63)],
    ['65 hex', 'a'.repeat(65)],
    ['uppercase', 'A'.repeat(64)],
  ])('requires 64 lowercase hex in proof-of-control exact_bytes_signed (%s)', (_name, value) => {
    const doc = mutate(poc(), (d) => (d['outputs']['poc-1'].result.success.exact_bytes_signed = value));
    expect(violations(doc)).toEqual([
      'outputs["poc-1"].result.success.exact_bytes_signed: expected 64 lowercase hex characters (a SHA-256 digest)',
    ]);
  });

  it('applies the proof-of-control rules to proof-of-control entries (prefix, message)', () => {
    const doc = mutate(poc(), (d) => {
      d['outputs']['poc-1'].result.success.prefix = 'xyz';
      d['outputs']['poc-1'].result.success.message = '';
    });
    expect(violations(doc)).toEqual([
      'outputs["poc-1"].result.success.prefix: expected lowercase hex',
      'outputs["poc-1"].result.success.message: must not be empty',
    ]);
  });

  it('reports every violation, listing at most 50 then a count', () => {
    const doc = mutate(onchain(), (d) => {
      for (let i = 0; i < 60; i++) {
        d['outputs'][`bad-${i}`] = {
          type: 'onchain-sign-v1',
          result: { success: { k: { signer_public_key: 'Z', exact_bytes_signed: 'ab', signature: 'ab' } } },
        };
      }
    });
    let error: unknown;
    try {
      validateKeystoreOutput(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaError);
    const schemaError = error as SchemaError;
    expect(schemaError.violations).toHaveLength(60);
    expect(schemaError.message).toContain("the keystore output does not match Dfns's schema (60 violations):");
    expect(schemaError.message).toContain('  - outputs["bad-0"].result.success.k.signer_public_key: expected lowercase hex');
    expect(schemaError.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(MAX_REPORTED_VIOLATIONS);
    expect(schemaError.message).toMatch(/\n {2}… and 10 more$/);
  });

  it('shows hostile keys safely in paths', () => {
    const doc = mutate(onchain(), (d) => (d['outputs']['evil\u001b[31m\u202e'] = { type: 'nope', result: {} }));
    const [violation] = violations(doc);
    expect(violation).toMatch(
      /^outputs\["evil\\x1B\[31m\\u202E"\]\.type: expected "proof-of-control-v1" or "onchain-sign-v1", got "nope"$/,
    );
  });
});
