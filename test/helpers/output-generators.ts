/**
 * Generators of offline signer outputs for tests and benchmarks: fast-check arbitraries of
 * valid keystore outputs (both entry types, fail results, extra fields with awkward keys) and
 * fleet outputs (the five registration kinds, optional fields, open objects), arbitraries of
 * mutations that break one rule of a schema or none (`mutationArb`/`applyMutation` for
 * keystore outputs, `fleetMutationArb`/`applyFleetMutation` for fleet outputs), and
 * `makeOnchainOutput`, a deterministic generator of large valid onchain-sign outputs.
 *
 * Documents are plain values whose keys are all own properties, `__proto__` included (see
 * `objectFrom`), so they survive JSON.stringify: JSON.parse of the text gives the same value.
 */
import fc from 'fast-check';
import { ORG_ID, STORE_ID } from '../sandbox/ids.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Sets `key` as an own, enumerable property: plain assignment of `__proto__` would set the prototype. */
export function setOwn(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An object from entries, in order, each an own property (a later duplicate key wins). */
export function objectFrom(entries: Iterable<readonly [string, Json]>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of entries) setOwn(out, key, value);
  return out;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy through JSON text: what a file holding the value would parse to. */
export function jsonCopy<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const HEX_DIGITS = [...'0123456789abcdef'];

/** Lowercase hex, as the schema wants for keys and signatures. */
const hexArb = (minLength = 1, maxLength = 80): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...HEX_DIGITS), minLength, maxLength });

const hex64Arb: fc.Arbitrary<string> = hexArb(64, 64);

/** The code points fast-check's `binary` string unit draws from: all but the surrogates. */
const SURROGATES = 0x800;

/**
 * Any code point but a surrogate, as a string: the very values, for the same seed, of
 * fast-check's `unit: 'binary'` (a `mapToConstant` over U+0000 to U+10FFFF without the
 * surrogates), without its cost. To turn a string back into units (which `fc.string` does for
 * each unit when it is created), that unit builds a Map of all 1,112,064 code points: about
 * 2 s of each test file that uses it, 5 s and more under coverage. This one computes it.
 */
export const codePointArb: fc.Arbitrary<string> = fc.nat({ max: 0x10ffff - SURROGATES }).map(
  (index) => String.fromCodePoint(index < 0xd800 ? index : index + SURROGATES),
  (value) => {
    const codePoint = typeof value === 'string' ? value.codePointAt(0) : undefined;
    if (codePoint === undefined || value !== String.fromCodePoint(codePoint) || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      throw new Error('not one code point, or a surrogate');
    }
    return codePoint < 0xd800 ? codePoint : codePoint - SURROGATES;
  },
);

/**
 * One UTF-16 unit or code point, biased to what breaks naive code: lone surrogates, controls,
 * bidi overrides, zero-width and astral characters, backslashes and quotes.
 */
const awkwardCharArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: codePointArb, minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '\ud800',
      '\udfff',
      '\u0000',
      '\n',
      '\u001b',
      '\u202e',
      '\u2066',
      '\u200b',
      '\ufeff',
      '😀',
      '"',
      '\\',
      'é',
      '键',
    ),
  },
);

/** Any string, empty included. */
const anyTextArb = (maxLength = 16): fc.Arbitrary<string> => fc.string({ unit: awkwardCharArb, maxLength });

/** A non-empty string: ids, messages, codes. */
const nonEmptyTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: awkwardCharArb, minLength: 1, maxLength: 16 }),
  fc.constantFrom(ORG_ID, 'KEY_NOT_FOUND', ' ', '\u0000', '\ud800', '0', 'null'),
);

/** Keys that trip naive code: prototype members, the schema's own names, empty, unicode, look-alike paths. */
const SPECIAL_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  '0',
  '-1',
  'type',
  'result',
  'success',
  'fail',
  'outputs',
  'message',
  'é',
  '键',
  '😀',
  '\u202ekey',
  'a.b',
  '["x"]',
  'a\u0000b',
  '\ud800',
] as const;

/** A property name: random, or one of SPECIAL_KEYS. */
const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: anyTextArb(12) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
);

/** Any JSON value, some deep. */
const jsonValueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6, depthSize: 'medium' }) as fc.Arbitrary<Json> },
  {
    weight: 1,
    arbitrary: fc.letrec<{ v: Json }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        anyTextArb(8),
        fc.constantFrom<Json>(null, true, 0, -0.5, 1e308),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.array(fc.tuple(keyArb, tie('v')), { maxLength: 3 }).map(objectFrom),
      ),
    })).v,
  },
);

/** Extra fields for an object whose schema declares `declared`: their keys never collide with it. */
const extrasArb = (declared: readonly string[], maxLength = 3, keys: fc.Arbitrary<string> = keyArb): fc.Arbitrary<Array<[string, Json]>> =>
  fc.array(
    fc.tuple(
      keys.filter((k) => !declared.includes(k)),
      jsonValueArb,
    ),
    { maxLength },
  );

/** The declared entries, then extras, the declared ones reversed or not. */
const assemble = ([declared, more, reversed]: readonly [
  Record<string, Json>,
  ReadonlyArray<readonly [string, Json]>,
  boolean,
]): JsonObject => {
  const entries: Array<[string, Json]> = Object.entries(declared);
  if (reversed) entries.reverse();
  return objectFrom([...entries, ...more]);
};

interface OpenObjectSpec {
  required: { [key: string]: fc.Arbitrary<Json> };
  /** Fields each present or not. */
  optional?: { [key: string]: fc.Arbitrary<Json> };
  /** Extra fields (default true), their keys drawn from `extraKeys` (default keyArb) minus the declared ones. */
  extras?: boolean;
  extraKeys?: fc.Arbitrary<string>;
}

/** An open object (a zod looseObject) with required and optional fields, then extras, the declared ones reversed or not. */
const openObjectArb = ({ required, optional = {}, extras = true, extraKeys = keyArb }: OpenObjectSpec): fc.Arbitrary<JsonObject> => {
  const declared = [...Object.keys(required), ...Object.keys(optional)];
  const fields = fc.record({ ...required, ...optional }, { requiredKeys: Object.keys(required) }) as fc.Arbitrary<Record<string, Json>>;
  return fc.tuple(fields, extras ? extrasArb(declared, 3, extraKeys) : fc.constant([]), fc.boolean()).map(assemble);
};

/** A looseObject value with required fields only: the declared fields, then extras (unless `extras` is false). */
const looseObjectArb = (fields: OpenObjectSpec['required'], extras = true): fc.Arbitrary<JsonObject> =>
  openObjectArb({ required: fields, extras });

// ---------------------------------------------------------------------------------------------
// Valid documents

const STATUSES = ['success', 'partial', 'fail'] as const;

const failArb: fc.Arbitrary<JsonObject> = looseObjectArb({ message: nonEmptyTextArb, code: nonEmptyTextArb });

const signatureArb: fc.Arbitrary<JsonObject> = looseObjectArb({
  signer_public_key: hexArb(1, 70),
  exact_bytes_signed: hexArb(1, 70),
  signature: hexArb(1, 150),
});

const proofOfControlSuccessArb: fc.Arbitrary<JsonObject> = looseObjectArb({
  signer_public_key: hexArb(1, 70),
  prefix: hexArb(1, 12),
  message: nonEmptyTextArb,
  exact_bytes_signed: hex64Arb,
  signature: hexArb(1, 150),
});

/** `{success}` or `{fail}`: strict objects, no extra key. */
const resultArb = (success: fc.Arbitrary<Json>): fc.Arbitrary<JsonObject> =>
  fc.oneof(
    { weight: 3, arbitrary: success.map((s) => objectFrom([['success', s]])) },
    { weight: 1, arbitrary: failArb.map((f) => objectFrom([['fail', f]])) },
  );

/** A map with arbitrary keys, `__proto__` included. */
const mapArb = (value: fc.Arbitrary<Json>, maxLength: number): fc.Arbitrary<JsonObject> =>
  fc.array(fc.tuple(keyArb, value), { maxLength }).map(objectFrom);

const onchainEntryArb = (maxSignatures = 4): fc.Arbitrary<JsonObject> =>
  looseObjectArb({
    type: fc.constant('onchain-sign-v1'),
    result: resultArb(mapArb(signatureArb, maxSignatures)),
  });

const proofOfControlEntryArb: fc.Arbitrary<JsonObject> = looseObjectArb({
  type: fc.constant('proof-of-control-v1'),
  result: resultArb(proofOfControlSuccessArb),
});

const entryArb: fc.Arbitrary<JsonObject> = fc.oneof(onchainEntryArb(), proofOfControlEntryArb);

export interface OutputArbOptions {
  /** Output entries, at most (default 4). */
  maxEntries?: number;
  /** Extra fields at the top level (default true). */
  extras?: boolean;
}

/** A valid keystore output document. */
export const keystoreOutputArb = (options: OutputArbOptions = {}): fc.Arbitrary<JsonObject> =>
  looseObjectArb(
    {
      type: fc.constant('keystore-output'),
      version: fc.constant(1),
      org_id: nonEmptyTextArb,
      fleet_id: nonEmptyTextArb,
      keystore_id: nonEmptyTextArb,
      group_id: nonEmptyTextArb,
      status: fc.constantFrom(...STATUSES),
      outputs: mapArb(entryArb, options.maxEntries ?? 4),
    },
    options.extras ?? true,
  );

// ---------------------------------------------------------------------------------------------
// Valid fleet outputs
//
// One schema for the five fleet ceremonies (test/sandbox/fleet-output-schema.yaml): every
// object is open, strings have no minimum length, numbers are any JSON number.

const FLEET_KINDS = ['genesis-registration', 'clone-registration', 'add-mac-user', 'add-provisioner', 'key-harvest'] as const;
type FleetKind = (typeof FLEET_KINDS)[number];

/** Any string, empty included (fleet strings have no minLength), sometimes a realistic one. */
const fleetTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: anyTextArb(16) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'HSM-0042', 'MAC-0007', 'standard', '23519876', 'operator-1', `04${'ab'.repeat(64)}`) },
);

/** Any JSON number: integers, fractions, negatives, the extremes of a double. */
const jsonNumberArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.nat(64),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, -1, 0.5, 1e21, -1e-7, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE),
);

/**
 * Keys for the extra fields of fleet objects: keyArb, or a name the schema declares in another
 * object (an undeclared field of any type is valid where it is extra).
 */
const fleetExtraKeyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: keyArb },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'ceremony_mode',
      'hsm_sealed',
      'mac_username',
      'key_harvest',
      'provisioners',
      'error',
      'ed25519-start',
      'secp256k1_end',
      'hsm_serial',
      'governance',
      'status',
      'version',
      'fail',
      'result',
      'id',
    ),
  },
);

const fleetObjectArb = (required: OpenObjectSpec['required'], optional: OpenObjectSpec['optional'] = {}): fc.Arbitrary<JsonObject> =>
  openObjectArb({ required, optional, extraKeys: fleetExtraKeyArb });

/** `hsm_sealed`: any JSON value, null included (the SDK's `unknown | null`). */
const hsmSealedArb: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), jsonValueArb);

const genesisKeyHarvestArb: fc.Arbitrary<JsonObject> = fleetObjectArb({
  'ed25519-start': jsonNumberArb,
  ed25519: jsonNumberArb,
  error: fc.option(fleetTextArb, { nil: null }),
  'secp256k1-start': jsonNumberArb,
  secp256k1: jsonNumberArb,
});

const genesisRegistrationArb: fc.Arbitrary<JsonObject> = fleetObjectArb(
  {
    type: fc.constant('genesis-registration'),
    hsm_serial: fleetTextArb,
    hsm_identity_key: fleetTextArb,
    mac_serial: fleetTextArb,
    mac_se_wrap_key_pub_key: fleetTextArb,
    provisioners: mapArb(fleetTextArb, 4),
    key_harvest: genesisKeyHarvestArb,
  },
  { ceremony_mode: fleetTextArb, hsm_sealed: hsmSealedArb },
);

const cloneRegistrationArb: fc.Arbitrary<JsonObject> = fleetObjectArb(
  {
    type: fc.constant('clone-registration'),
    hsm_target_serial: fleetTextArb,
    hsm_identity_key: fleetTextArb,
    mac_target_serial: fleetTextArb,
    mac_se_wrap_key_pub_key: fleetTextArb,
  },
  { ceremony_mode: fleetTextArb, hsm_sealed: hsmSealedArb },
);

const addMacUserArb: fc.Arbitrary<JsonObject> = fleetObjectArb(
  {
    type: fc.constant('add-mac-user'),
    hsm_target_serial: fleetTextArb,
    hsm_identity_key: fleetTextArb,
    mac_target_serial: fleetTextArb,
    mac_se_wrap_key_pub_key: fleetTextArb,
  },
  { ceremony_mode: fleetTextArb, mac_username: fleetTextArb, hsm_sealed: hsmSealedArb },
);

const addProvisionerArb: fc.Arbitrary<JsonObject> = fleetObjectArb(
  {
    type: fc.constant('add-provisioner'),
    provisioner_label: fleetTextArb,
    provisioner_public_key_hex: fleetTextArb,
    yubikey_serial: fleetTextArb,
  },
  { ceremony_mode: fleetTextArb },
);

const keyHarvestArb: fc.Arbitrary<JsonObject> = fleetObjectArb({
  type: fc.constant('key-harvest'),
  hsm_target_serial: fleetTextArb,
  mac_target_serial: fleetTextArb,
  mac_target_username: fleetTextArb,
  key_harvest: fleetObjectArb(
    {},
    { secp256k1: jsonNumberArb, secp256k1_end: jsonNumberArb, ed25519: jsonNumberArb, ed25519_end: jsonNumberArb },
  ),
});

/** The value of `success` of each kind. */
const FLEET_SUCCESS_ARBS: Readonly<Record<FleetKind, fc.Arbitrary<JsonObject>>> = {
  'genesis-registration': genesisRegistrationArb,
  'clone-registration': cloneRegistrationArb,
  'add-mac-user': addMacUserArb,
  'add-provisioner': addProvisionerArb,
  'key-harvest': keyHarvestArb,
};

/** A `success` value of any of the five kinds. */
const fleetSuccessArb: fc.Arbitrary<JsonObject> = fc.oneof(...FLEET_KINDS.map((kind) => FLEET_SUCCESS_ARBS[kind]));

/** An outputs entry: `{success}`, open to extra fields. */
const fleetEntryArb: fc.Arbitrary<JsonObject> = fleetObjectArb({ success: fleetSuccessArb });

/** `governance`: any object (`additionalProperties: {}`). */
const governanceArb: fc.Arbitrary<JsonObject> = fc.oneof(
  mapArb(jsonValueArb, 4),
  fc.record({ provisioners_required: fc.nat(5), provisioners_total: fc.nat(9), operational_users: fc.nat(3) }),
);

/** A valid fleet output document: the five kinds mixed, optional fields present or not, extras everywhere. */
export const fleetOutputArb = (options: OutputArbOptions = {}): fc.Arbitrary<JsonObject> =>
  openObjectArb({
    required: {
      type: fc.constant('fleet-output'),
      version: fc.constant(1),
      status: fc.constant('success'),
      org_id: fleetTextArb,
      fleet_id: fleetTextArb,
      fleet_label: fleetTextArb,
      keystore_id: fleetTextArb,
      group_id: fleetTextArb,
      online_domain: fleetTextArb,
      outputs: mapArb(fleetEntryArb, options.maxEntries ?? 4),
    },
    optional: { governance: governanceArb },
    extras: options.extras ?? true,
    extraKeys: fleetExtraKeyArb,
  });

// ---------------------------------------------------------------------------------------------
// Mutations

export type Path = readonly string[];

/**
 * Where a schema has rules: the objects it describes (`*` is any key of a record). Mutations
 * target these and their properties, never the inside of an extra field.
 */
const KEYSTORE_CONTAINERS: readonly Path[] = [
  [],
  ['outputs'],
  ['outputs', '*'],
  ['outputs', '*', 'result'],
  ['outputs', '*', 'result', 'success'],
  ['outputs', '*', 'result', 'fail'],
  ['outputs', '*', 'result', 'success', '*'],
];

/** The fleet schema's objects (`provisioners` is a genesis success's record of strings). */
const FLEET_CONTAINERS: readonly Path[] = [
  [],
  ['outputs'],
  ['outputs', '*'],
  ['outputs', '*', 'success'],
  ['outputs', '*', 'success', 'provisioners'],
  ['outputs', '*', 'success', 'key_harvest'],
  ['governance'],
];

const isContainer = (path: Path, containers: readonly Path[]): boolean =>
  containers.some((c) => c.length === path.length && c.every((segment, i) => segment === '*' || segment === path[i]));

/** The schema's objects in `doc` (the root first) and the paths of their properties; keystore containers by default. */
function schemaPaths(doc: Json, containers: readonly Path[] = KEYSTORE_CONTAINERS): { containers: Path[]; properties: Path[] } {
  const found: Path[] = [];
  const properties: Path[] = [];
  const walk = (value: Json, path: Path): void => {
    if (!isJsonObject(value)) return;
    found.push(path);
    for (const key of Object.keys(value)) {
      const child = [...path, key];
      properties.push(child);
      if (isContainer(child, containers)) walk(value[key]!, child);
    }
  };
  walk(doc, []);
  return { containers: found, properties };
}

function getAt(doc: Json, path: Path): Json | undefined {
  let value: Json | undefined = doc;
  for (const key of path) value = isJsonObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}

/** Hex variants that break `^[a-f0-9]+$` (or `{64}`), and some that do not. */
const hexVariantArb: fc.Arbitrary<string> = fc
  .tuple(
    hexArb(1, 70),
    fc.constantFrom(
      'upper',
      '0x',
      'newline',
      'odd-char',
      'empty',
      'space',
      '63',
      '64',
      '65',
      'fullwidth',
      'arabic-digits',
      'lf-inside',
      'same',
    ),
  )
  .map(([hex, how]) => {
    switch (how) {
      case 'upper':
        return `${hex}A`.toUpperCase();
      case '0x':
        return `0x${hex}`;
      case 'newline':
        return `${hex}\n`;
      case 'odd-char':
        return `${hex}g`;
      case 'empty':
        return '';
      case 'space':
        return ` ${hex}`;
      case '63':
        return 'a'.repeat(63);
      case '64':
        return 'b'.repeat(64);
      case '65':
        return 'c'.repeat(65);
      case 'fullwidth':
        return 'ａｂｃ';
      case 'arabic-digits':
        return '\u0661\u0662';
      case 'lf-inside':
        return `${hex}\n${hex}`;
      default:
        return hex;
    }
  });

/** Values to put where the schema wants something else, or the same kind. */
const replacementArb: fc.Arbitrary<Json> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<Json>(
      null,
      0,
      1,
      -1,
      1.5,
      2,
      true,
      false,
      '',
      '1',
      [],
      {},
      [1],
      { a: 1 },
      'keystore-output',
      'keystore-input',
      'onchain-sign-v1',
      'proof-of-control-v1',
      'onchain-sign-v2',
      'Onchain-Sign-V1',
      'success',
      'partial',
      'fail',
      'SUCCESS',
      'success ',
    ),
  },
  { weight: 3, arbitrary: hexVariantArb },
  // The empty string on its own: the one value that breaks a `minLength` (ids, messages, codes),
  // which a random replacement rarely is.
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: anyTextArb(8) },
  { weight: 1, arbitrary: jsonValueArb },
  { weight: 1, arbitrary: entryArb },
  { weight: 1, arbitrary: failArb.map((f) => objectFrom([['fail', f]])) },
);

/** Values to put in a fleet output: other types, near-miss enums, numbers as text, valid parts misplaced. */
const fleetReplacementArb: fc.Arbitrary<Json> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom<Json>(
      null,
      0,
      1,
      -1,
      1.5,
      2,
      true,
      false,
      '',
      '1',
      '1.0',
      '0',
      '32',
      [],
      {},
      [1],
      [''],
      { a: 1 },
      ...FLEET_KINDS,
      'genesis',
      'Genesis-Registration',
      'key_harvest',
      'fleet-output',
      'Fleet-Output',
      'keystore-output',
      'success',
      'partial',
      'fail',
      'SUCCESS',
      'success ',
      { success: null },
      { fail: { message: 'm', code: 'c' } },
    ),
  },
  { weight: 2, arbitrary: jsonNumberArb },
  { weight: 2, arbitrary: jsonNumberArb.map((n) => String(n)) },
  { weight: 1, arbitrary: fleetTextArb },
  { weight: 1, arbitrary: jsonValueArb },
  { weight: 1, arbitrary: fleetEntryArb },
  { weight: 1, arbitrary: fleetSuccessArb },
  { weight: 1, arbitrary: fc.oneof(genesisKeyHarvestArb, governanceArb) },
);

/** One change to a document; `pick` chooses the target among the candidates when applied. */
export type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'replace'; pick: number; value: Json }
  | { op: 'add'; pick: number; key: string; value: Json }
  | { op: 'rename'; pick: number; key: string }
  | { op: 'wrap-array'; pick: number }
  | { op: 'to-string'; pick: number }
  /** Keystore: an entry's `type` set to the other entry type. */
  | { op: 'swap-type'; pick: number }
  /** Fleet: a `success.type` set to another kind (`kind` picks which), whose fields it lacks. */
  | { op: 'swap-kind'; pick: number; kind: number };

/** The mutations of a schema: the generic ones, with its values, keys to add and its own swap. */
const mutationsArb = (
  replacement: fc.Arbitrary<Json>,
  addKey: fc.Arbitrary<string>,
  swap: { weight: number; arbitrary: fc.Arbitrary<Mutation> },
): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: replacement }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        pick: fc.nat(),
        key: addKey,
        value: fc.oneof(jsonValueArb, replacement),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), key: keyArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap-array' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('to-string' as const), pick: fc.nat() }) },
    swap,
  );

/** Mutations of a keystore output (apply with `applyMutation`). */
export const mutationArb: fc.Arbitrary<Mutation> = mutationsArb(
  replacementArb,
  fc.oneof(keyArb, fc.constantFrom('success', 'fail', 'extra')),
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('swap-type' as const), pick: fc.nat() }),
  },
);

/** Mutations of a fleet output (apply with `applyFleetMutation`). */
export const fleetMutationArb: fc.Arbitrary<Mutation> = mutationsArb(
  fleetReplacementArb,
  fc.oneof(
    keyArb,
    fc.constantFrom(
      'success',
      'type',
      'governance',
      'ceremony_mode',
      'hsm_sealed',
      'mac_username',
      'key_harvest',
      'provisioners',
      'error',
      'ed25519',
      'ed25519-start',
      'secp256k1_end',
      'version',
      'status',
      'extra',
    ),
  ),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swap-kind' as const), pick: fc.nat(), kind: fc.nat() }) },
);

/**
 * Applies `mutation` to `doc` in place, within the schema objects `containers` (the keystore
 * schema's by default); returns a description, for failure messages.
 */
export function applyMutation(doc: JsonObject, mutation: Mutation, schema: readonly Path[] = KEYSTORE_CONTAINERS): string {
  const { containers, properties } = schemaPaths(doc, schema);
  if (mutation.op === 'add') {
    const path = containers[mutation.pick % containers.length]!;
    // A copy: fast-check replays and shrinks with the same values, which the document must not share
    // (a later mutation changing them in place could make them hold themselves).
    setOwn(getAt(doc, path) as JsonObject, mutation.key, jsonCopy(mutation.value));
    return `add ${JSON.stringify(mutation.key)} at ${JSON.stringify(path)}`;
  }
  if (mutation.op === 'swap-type') {
    // An entry of one type given the other type: a valid result of the wrong shape.
    const entries = containers.filter((p) => p.length === 2);
    if (entries.length === 0) return 'swap-type: no entry';
    const entry = getAt(doc, entries[mutation.pick % entries.length]!) as JsonObject;
    setOwn(entry, 'type', entry['type'] === 'onchain-sign-v1' ? 'proof-of-control-v1' : 'onchain-sign-v1');
    return `swap-type at ${JSON.stringify(entries)}`;
  }
  if (mutation.op === 'swap-kind') {
    // A fleet success given another kind: a valid `type`, now lacking that kind's fields (or not:
    // clone-registration and add-mac-user require the same ones).
    const successes = containers.filter((p) => p.length === 3 && p[0] === 'outputs' && p[2] === 'success');
    if (successes.length === 0) return 'swap-kind: no success';
    const path = successes[mutation.pick % successes.length]!;
    const success = getAt(doc, path) as JsonObject;
    const others = FLEET_KINDS.filter((kind) => kind !== success['type']);
    const kind = others[mutation.kind % others.length]!;
    const was = JSON.stringify(success['type']);
    setOwn(success, 'type', kind);
    return `swap-kind at ${JSON.stringify(path)}: ${was} to "${kind}"`;
  }
  if (properties.length === 0) return `${mutation.op}: nothing to change`;
  const path = properties[mutation.pick % properties.length]!;
  const parent = getAt(doc, path.slice(0, -1)) as JsonObject;
  const key = path[path.length - 1]!;
  const old = parent[key]!;
  const where = JSON.stringify(path);
  switch (mutation.op) {
    case 'delete':
      delete parent[key];
      return `delete ${where}`;
    case 'replace':
      setOwn(parent, key, jsonCopy(mutation.value));
      return `replace ${where} with ${JSON.stringify(mutation.value)}`;
    case 'rename':
      delete parent[key];
      setOwn(parent, mutation.key, old);
      return `rename ${where} to ${JSON.stringify(mutation.key)}`;
    case 'wrap-array':
      setOwn(parent, key, [old]);
      return `wrap ${where} in an array`;
    case 'to-string':
      setOwn(parent, key, typeof old === 'string' ? old.toUpperCase() : JSON.stringify(old));
      return `stringify ${where}`;
  }
}

/** Applies `mutation` to a fleet output `doc` in place; returns a description. */
export const applyFleetMutation = (doc: JsonObject, mutation: Mutation): string => applyMutation(doc, mutation, FLEET_CONTAINERS);

// ---------------------------------------------------------------------------------------------
// Large deterministic outputs

export interface OnchainOutputOptions {
  /** Output entries (requests) the signatures are spread over, round-robin. Default 1. */
  requests?: number;
  /** Seed of the pseudo-random hex. Default 1: the same arguments always give the same text. */
  seed?: number;
  /** Indentation, as JSON.stringify's third argument. Default 2; 0 for compact text. */
  indent?: number;
  /** Characters of an extra `note` field in each signature (extra fields are kept). Default 0: none. */
  noteChars?: number;
  status?: 'success' | 'partial' | 'fail';
}

/**
 * The JSON text of a valid keystore output holding `n` onchain-sign signatures (keys
 * `key-000000`…, with realistic lengths: a 33-byte public key, a 32-byte digest and a DER
 * ECDSA signature of about 71 bytes). Deterministic, and linear in `n`.
 */
export function makeOnchainOutput(n: number, opts: OnchainOutputOptions = {}): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const requests = Math.max(1, opts.requests ?? 1);
  const random = mulberry32(opts.seed ?? 1);
  const hex = (bytes: number): string => {
    const buffer = Buffer.allocUnsafe(bytes);
    for (let i = 0; i < bytes; i += 4) {
      const word = random();
      for (let k = 0; k < 4 && i + k < bytes; k++) buffer[i + k] = (word >>> (8 * k)) & 0xff;
    }
    return buffer.toString('hex');
  };
  const width = Math.max(6, String(n).length);
  const note = opts.noteChars ? 'n'.repeat(opts.noteChars) : undefined;
  const maps: Array<Record<string, JsonObject>> = Array.from({ length: requests }, () => ({}));
  for (let i = 0; i < n; i++) {
    const signature: JsonObject = {
      signer_public_key: (random() & 1 ? '02' : '03') + hex(32),
      exact_bytes_signed: hex(32),
      signature: `3045022100${hex(32)}0220${hex(32)}`,
    };
    if (note !== undefined) signature['note'] = note;
    maps[i % requests]![`key-${String(i).padStart(width, '0')}`] = signature;
  }
  const outputs: JsonObject = {};
  maps.forEach((success, r) => {
    outputs[`req-${String(r + 1).padStart(4, '0')}`] = { type: 'onchain-sign-v1', result: { success } };
  });
  const doc = {
    type: 'keystore-output',
    version: 1,
    org_id: ORG_ID,
    fleet_id: 'fl-6v0lr-c1o3e-8q1e6r3d2b9m7k4a',
    keystore_id: STORE_ID,
    group_id: 'gr-4h8k2-p0s9d-7f6g5h4j3k2l1m0n',
    status: opts.status ?? 'success',
    outputs,
  };
  return JSON.stringify(doc, null, opts.indent ?? 2);
}

/** A small, fast, seeded 32-bit generator (Mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
