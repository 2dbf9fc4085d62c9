import { describe, expect, it } from 'vitest';
import { validateOutput } from '../../src/documents/documents.ts';
import { validateFleetOutput } from '../../src/documents/fleet-output.ts';
import { MAX_REPORTED_VIOLATIONS, SchemaError } from '../../src/documents/violations.ts';
import { fixtureText } from '../helpers/e2e.ts';

const FIXTURES = ['genesis', 'clone', 'add-mac-user', 'add-provisioner', 'key-harvest'] as const;

const fixture = (name: string): Record<string, unknown> => JSON.parse(fixtureText(`${name}-output.json`)) as Record<string, unknown>;

/** The error `validate` throws for `doc`, or undefined when it is valid. */
function schemaError(doc: unknown, validate: (value: unknown) => unknown = validateFleetOutput): SchemaError | undefined {
  try {
    validate(doc);
    return undefined;
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
}

/** The violations reported for `doc`, or [] when it is valid. */
const violations = (doc: unknown, validate?: (value: unknown) => unknown): readonly string[] =>
  schemaError(doc, validate)?.violations ?? [];

type Doc = Record<string, any>;

/** The genesis fixture, its one entry under the key `reg-1`. */
function genesis(): Doc {
  const doc: Doc = fixture('genesis');
  doc['outputs'] = { 'reg-1': doc['outputs']['op-genesis-01'] };
  return doc;
}

function mutate(base: Doc, change: (d: Doc) => void): Doc {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

/** A document from JSON text, as a file holding it parses: a `__proto__` key is an own property. */
const fromText = (doc: Doc, change: (text: string) => string): Doc => JSON.parse(change(JSON.stringify(doc))) as Doc;

const KINDS = '"genesis-registration" or "clone-registration" or "add-mac-user" or "add-provisioner" or "key-harvest"';
const success = (d: Doc): Doc => d['outputs']['reg-1'].success as Doc;

describe('validateFleetOutput', () => {
  it.each(FIXTURES)('accepts the %s fixture', (name) => {
    expect(violations(fixture(name))).toEqual([]);
  });

  it('returns the document itself, extra fields kept', () => {
    const doc = fixture('genesis');
    const parsed = validateFleetOutput(doc) as Doc;
    expect(parsed).toBe(doc);
    expect(parsed['ceremony_started_at']).toBe('2026-12-02T08:41:17Z');
    expect(parsed['governance']).toEqual({ provisioners_required: 2, provisioners_total: 3, operational_users: 1 });
  });

  it('accepts what the schema leaves open: empty strings, no optional field, extra fields, an error text, an empty outputs map', () => {
    const doc = mutate(genesis(), (d) => {
      d['fleet_label'] = '';
      d['online_domain'] = '';
      delete d['governance'];
      delete success(d).ceremony_mode;
      delete success(d).hsm_sealed;
      success(d).hsm_serial = '';
      success(d).key_harvest.error = 'HSM busy';
      success(d).key_harvest.note = { any: [1, null] };
      d['outputs']['reg-1'].note = 'extra';
    });
    expect(violations(doc)).toEqual([]);
    expect(violations(mutate(genesis(), (d) => (d['outputs'] = {})))).toEqual([]);
    expect(violations(mutate(genesis(), (d) => (success(d).hsm_sealed = { blob: [1, 2] })))).toEqual([]);
    const harvest = mutate(fixture('key-harvest'), (d) => (d['outputs']['op-harvest-01'].success.key_harvest = {}));
    expect(violations(harvest)).toEqual([]);
  });

  it.each([
    ['fleet_label missing', 'fleet_label: is required', (d: Doc) => delete d['fleet_label']],
    ['online_domain missing', 'online_domain: is required', (d: Doc) => delete d['online_domain']],
    ['org_id a number', 'org_id: expected a string, got 7', (d: Doc) => (d['org_id'] = 7)],
    ['type keystore-output', 'type: expected "fleet-output", got "keystore-output"', (d: Doc) => (d['type'] = 'keystore-output')],
    ['version as string', 'version: expected 1, got "1"', (d: Doc) => (d['version'] = '1')],
    ['status partial', 'status: expected "success", got "partial"', (d: Doc) => (d['status'] = 'partial')],
    ['status fail', 'status: expected "success", got "fail"', (d: Doc) => (d['status'] = 'fail')],
    ['governance an array', 'governance: expected an object, got an array', (d: Doc) => (d['governance'] = [])],
    ['outputs an array', 'outputs: expected an object, got an array', (d: Doc) => (d['outputs'] = [])],
    ['an entry null', 'outputs["reg-1"]: expected an object, got null', (d: Doc) => (d['outputs']['reg-1'] = null)],
    ['success missing', 'outputs["reg-1"].success: is required', (d: Doc) => delete d['outputs']['reg-1'].success],
    ['success null', 'outputs["reg-1"].success: expected an object, got null', (d: Doc) => (d['outputs']['reg-1'].success = null)],
    ['success an array', 'outputs["reg-1"].success: expected an object, got an array', (d: Doc) => (d['outputs']['reg-1'].success = [])],
    ['an unknown kind', `outputs["reg-1"].success.type: expected ${KINDS}, got "genesis"`, (d: Doc) => (success(d).type = 'genesis')],
    ['a kind missing', `outputs["reg-1"].success.type: expected ${KINDS}, got no type`, (d: Doc) => delete success(d).type],
    ['hsm_serial null', 'outputs["reg-1"].success.hsm_serial: expected a string, got null', (d: Doc) => (success(d).hsm_serial = null)],
    [
      'ceremony_mode a number',
      'outputs["reg-1"].success.ceremony_mode: expected a string, got 5',
      (d: Doc) => (success(d).ceremony_mode = 5),
    ],
    [
      'key_harvest error a number',
      'outputs["reg-1"].success.key_harvest.error: expected a string or null, got 5',
      (d: Doc) => (success(d).key_harvest.error = 5),
    ],
    [
      'key_harvest error missing',
      'outputs["reg-1"].success.key_harvest.error: is required',
      (d: Doc) => delete success(d).key_harvest.error,
    ],
    [
      'key_harvest secp256k1-start missing',
      'outputs["reg-1"].success.key_harvest["secp256k1-start"]: is required',
      (d: Doc) => delete success(d).key_harvest['secp256k1-start'],
    ],
    [
      'key_harvest ed25519 as text',
      'outputs["reg-1"].success.key_harvest.ed25519: expected a number, got "16"',
      (d: Doc) => (success(d).key_harvest.ed25519 = '16'),
    ],
    [
      'a provisioner a number',
      'outputs["reg-1"].success.provisioners["18842071"]: expected a string, got 5',
      (d: Doc) => (success(d).provisioners['18842071'] = 5),
    ],
    [
      'provisioners an array',
      'outputs["reg-1"].success.provisioners: expected an object, got an array',
      (d: Doc) => (success(d).provisioners = []),
    ],
  ])('reports %s with its path', (_name, expected, change) => {
    expect(violations(mutate(genesis(), change))).toEqual([expected]);
  });

  it('checks a success against the fields of the kind its type names', () => {
    // A genesis registration typed as a clone: the clone's fields are missing (a genesis's are extra).
    expect(violations(mutate(genesis(), (d) => (success(d).type = 'clone-registration')))).toEqual([
      'outputs["reg-1"].success.hsm_target_serial: is required (an entry of type "clone-registration" requires it)',
      'outputs["reg-1"].success.mac_target_serial: is required (an entry of type "clone-registration" requires it)',
    ]);
    const provisioner = mutate(
      fixture('add-provisioner'),
      (d) => (d['outputs']['op-provisioner-01'].success = { type: 'add-provisioner' }),
    );
    expect(violations(provisioner)).toEqual([
      'outputs["op-provisioner-01"].success.provisioner_label: is required (an entry of type "add-provisioner" requires it)',
      'outputs["op-provisioner-01"].success.provisioner_public_key_hex: is required (an entry of type "add-provisioner" requires it)',
      'outputs["op-provisioner-01"].success.yubikey_serial: is required (an entry of type "add-provisioner" requires it)',
    ]);
    const macUser = mutate(fixture('add-mac-user'), (d) => (d['outputs']['op-mac-user-01'].success.mac_username = 7));
    expect(violations(macUser)).toEqual(['outputs["op-mac-user-01"].success.mac_username: expected a string, got 7']);
    const harvest = mutate(fixture('key-harvest'), (d) => (d['outputs']['op-harvest-01'].success.key_harvest.secp256k1_end = '63'));
    expect(violations(harvest)).toEqual(['outputs["op-harvest-01"].success.key_harvest.secp256k1_end: expected a number, got "63"']);
  });

  it('checks the value under a __proto__ key of provisioners and of outputs', () => {
    const provisioners = (value: string) =>
      fromText(genesis(), (t) => t.replace('"provisioners":{', `"provisioners":{"__proto__":${value},`));
    expect(violations(provisioners('5'))).toEqual(['outputs["reg-1"].success.provisioners.__proto__: expected a string, got 5']);
    expect(violations(provisioners('null'))).toEqual(['outputs["reg-1"].success.provisioners.__proto__: expected a string, got null']);
    expect(violations(provisioners('"ab"'))).toEqual([]);

    const outputs = (value: string) => fromText(genesis(), (t) => t.replace('"outputs":{', `"outputs":{"__proto__":${value},`));
    expect(violations(outputs('5'))).toEqual(['outputs.__proto__: expected an object, got 5']);
    expect(violations(outputs('{"success":{"type":"genesis"}}'))).toEqual([
      `outputs.__proto__.success.type: expected ${KINDS}, got "genesis"`,
    ]);
    expect(violations(outputs(JSON.stringify(genesis()['outputs']['reg-1'])))).toEqual([]);
  });

  it('says how many violations there are, and lists each with its path', () => {
    const doc = mutate(genesis(), (d) => {
      delete d['fleet_label'];
      d['status'] = 'partial';
      success(d).key_harvest.error = 5;
    });
    const error = schemaError(doc);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error!.violations).toEqual([
      'status: expected "success", got "partial"',
      'fleet_label: is required',
      'outputs["reg-1"].success.key_harvest.error: expected a string or null, got 5',
    ]);
    expect(error!.message).toBe(
      "the fleet output does not match Dfns's schema (3 violations):\n" +
        '  - status: expected "success", got "partial"\n' +
        '  - fleet_label: is required\n' +
        '  - outputs["reg-1"].success.key_harvest.error: expected a string or null, got 5',
    );
    expect(schemaError(mutate(genesis(), (d) => delete d['fleet_label']))!.message).toBe(
      "the fleet output does not match Dfns's schema (1 violation):\n  - fleet_label: is required",
    );
  });

  it('reports every violation, listing at most 50 then a count', () => {
    const doc = mutate(genesis(), (d) => {
      for (let i = 0; i < 60; i++)
        d['outputs'][`bad-${i}`] = { success: { type: 'add-provisioner', provisioner_label: 'p', provisioner_public_key_hex: 'ab' } };
    });
    const error = schemaError(doc)!;
    expect(error.violations).toHaveLength(60);
    expect(error.violations[0]).toBe(
      'outputs["bad-0"].success.yubikey_serial: is required (an entry of type "add-provisioner" requires it)',
    );
    expect(error.message).toContain("the fleet output does not match Dfns's schema (60 violations):");
    expect(error.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(MAX_REPORTED_VIOLATIONS);
    expect(error.message).toMatch(/\n {2}… and 10 more$/);
  });

  it('refuses a document that is not an object', () => {
    expect(violations(null)).toEqual(['(root): expected an object, got null']);
    expect(violations([genesis()])).toEqual(['(root): expected an object, got an array']);
  });

  it('shows hostile keys safely in paths', () => {
    const doc = mutate(genesis(), (d) => (d['outputs']['evil\u001b[31m\u202e'] = { success: { type: 'nope' } }));
    const [violation] = violations(doc);
    expect(violation).toMatch(/^outputs\["evil\\x1B\[31m\\u202E"\]\.success\.type: expected "genesis-registration" or .*, got "nope"$/);
  });
});

describe('validateOutput dispatches on the document type', () => {
  it('validates each type with its own schema', () => {
    for (const name of FIXTURES) expect(violations(fixture(name), validateOutput)).toEqual([]);
    expect(violations(fixture('onchain-sign'), validateOutput)).toEqual([]);
    // A fleet output is held to the fleet schema, whose status is only "success".
    const error = schemaError(
      mutate(genesis(), (d) => (d['status'] = 'partial')),
      validateOutput,
    )!;
    expect(error.violations).toEqual(['status: expected "success", got "partial"']);
    expect(error.message).toMatch(/^the fleet output does not match Dfns's schema \(1 violation\):/);
    // And a keystore output to the keystore schema, which has no fleet_label.
    expect(
      violations(
        mutate(fixture('onchain-sign'), (d) => (d['status'] = 'partial')),
        validateOutput,
      ),
    ).toEqual([]);
  });

  it('names both accepted types when the type is neither', () => {
    const error = schemaError(
      mutate(genesis(), (d) => (d['type'] = 'keystore-input')),
      validateOutput,
    )!;
    expect(error.violations).toEqual([
      'type: expected "keystore-output" or "fleet-output", got "keystore-input" (the document type of a Dfns offline signer output)',
    ]);
    expect(error.message).toMatch(/^the output does not match Dfns's schema \(1 violation\):\n {2}- type: /);
    expect(
      violations(
        mutate(genesis(), (d) => delete d['type']),
        validateOutput,
      ),
    ).toEqual(['type: is required (the document type of a Dfns offline signer output)']);
    expect(violations(null, validateOutput)).toEqual(['(root): expected an object (a keystore-output or fleet-output document), got null']);
  });
});
