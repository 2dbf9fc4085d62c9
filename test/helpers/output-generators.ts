/**
 * Generators of keystore outputs for tests and benchmarks: fast-check arbitraries of valid
 * documents (both entry types, fail results, extra fields with awkward keys), arbitraries of
 * mutations that break one rule of the schema or none, and `makeOnchainOutput`, a
 * deterministic generator of large valid onchain-sign outputs.
 *
 * Documents are plain values whose keys are all own properties, `__proto__` included (see
 * `objectFrom`), so they survive JSON.stringify: JSON.parse of the text gives the same value.
 */
import fc from 'fast-check';

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
export const hexArb = (minLength = 1, maxLength = 80): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...HEX_DIGITS), minLength, maxLength });

export const hex64Arb: fc.Arbitrary<string> = hexArb(64, 64);

/**
 * One UTF-16 unit or code point, biased to what breaks naive code: lone surrogates, controls,
 * bidi overrides, zero-width and astral characters, backslashes and quotes.
 */
const awkwardCharArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('\ud800', '\udfff', '\u0000', '\n', '\u001b', '\u202e', '\u2066', '\u200b', '\ufeff', '😀', '"', '\\', 'é', '键'),
  },
);

/** Any string, empty included. */
export const anyTextArb = (maxLength = 16): fc.Arbitrary<string> => fc.string({ unit: awkwardCharArb, maxLength });

/** A non-empty string: ids, messages, codes. */
export const nonEmptyTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: awkwardCharArb, minLength: 1, maxLength: 16 }),
  fc.constantFrom('or-2ka7p-8ft3m-9ocdbc9cnq1i5sg7', 'KEY_NOT_FOUND', ' ', '\u0000', '\ud800', '0', 'null'),
);

/** Keys that trip naive code: prototype members, the schema's own names, empty, unicode, look-alike paths. */
export const SPECIAL_KEYS = [
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
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: anyTextArb(12) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
);

/** Any JSON value, some deep. */
export const jsonValueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6, depthSize: 'medium' }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.letrec<{ v: Json }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      anyTextArb(8),
      fc.constantFrom<Json>(null, true, 0, -0.5, 1e308),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.array(fc.tuple(keyArb, tie('v')), { maxLength: 3 }).map(objectFrom),
    ),
  })).v },
);

/** Extra fields for an object whose schema declares `declared`: their keys never collide with it. */
const extrasArb = (declared: readonly string[], maxLength = 3): fc.Arbitrary<Array<[string, Json]>> =>
  fc.array(fc.tuple(keyArb.filter((k) => !declared.includes(k)), jsonValueArb), { maxLength });

/** A looseObject value: the declared fields, then extras, in a shuffled order. */
const looseObjectArb = (fields: { [key: string]: fc.Arbitrary<Json> }, extras = true): fc.Arbitrary<JsonObject> =>
  fc
    .tuple(fc.record(fields), extras ? extrasArb(Object.keys(fields)) : fc.constant([]), fc.boolean())
    .map(([declared, more, reversed]) => {
      const entries: Array<[string, Json]> = Object.entries(declared);
      if (reversed) entries.reverse();
      return objectFrom([...entries, ...more]);
    });

// ---------------------------------------------------------------------------------------------
// Valid documents

export const ENTRY_TYPES = ['onchain-sign-v1', 'proof-of-control-v1'] as const;
export const STATUSES = ['success', 'partial', 'fail'] as const;

export const failArb: fc.Arbitrary<JsonObject> = looseObjectArb({ message: nonEmptyTextArb, code: nonEmptyTextArb });

export const signatureArb: fc.Arbitrary<JsonObject> = looseObjectArb({
  signer_public_key: hexArb(1, 70),
  exact_bytes_signed: hexArb(1, 70),
  signature: hexArb(1, 150),
});

export const proofOfControlSuccessArb: fc.Arbitrary<JsonObject> = looseObjectArb({
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

export const onchainEntryArb = (maxSignatures = 4): fc.Arbitrary<JsonObject> =>
  looseObjectArb({
    type: fc.constant('onchain-sign-v1'),
    result: resultArb(mapArb(signatureArb, maxSignatures)),
  });

export const proofOfControlEntryArb: fc.Arbitrary<JsonObject> = looseObjectArb({
  type: fc.constant('proof-of-control-v1'),
  result: resultArb(proofOfControlSuccessArb),
});

export const entryArb: fc.Arbitrary<JsonObject> = fc.oneof(onchainEntryArb(), proofOfControlEntryArb);

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
// Mutations

export type Path = readonly string[];

/**
 * Where the schema has rules: the objects it describes (`*` is any key of a record). Mutations
 * target these and their properties, never the inside of an extra field.
 */
const CONTAINERS: readonly Path[] = [
  [],
  ['outputs'],
  ['outputs', '*'],
  ['outputs', '*', 'result'],
  ['outputs', '*', 'result', 'success'],
  ['outputs', '*', 'result', 'fail'],
  ['outputs', '*', 'result', 'success', '*'],
];

const isContainer = (path: Path): boolean =>
  CONTAINERS.some((c) => c.length === path.length && c.every((segment, i) => segment === '*' || segment === path[i]));

/** The schema's objects in `doc` (the root first) and the paths of their properties. */
export function schemaPaths(doc: Json): { containers: Path[]; properties: Path[] } {
  const containers: Path[] = [];
  const properties: Path[] = [];
  const walk = (value: Json, path: Path): void => {
    if (!isJsonObject(value)) return;
    containers.push(path);
    for (const key of Object.keys(value)) {
      const child = [...path, key];
      properties.push(child);
      if (isContainer(child)) walk(value[key]!, child);
    }
  };
  walk(doc, []);
  return { containers, properties };
}

export function getAt(doc: Json, path: Path): Json | undefined {
  let value: Json | undefined = doc;
  for (const key of path) value = isJsonObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}

/** Hex variants that break `^[a-f0-9]+$` (or `{64}`), and some that do not. */
export const hexVariantArb: fc.Arbitrary<string> = fc
  .tuple(
    hexArb(1, 70),
    fc.constantFrom('upper', '0x', 'newline', 'odd-char', 'empty', 'space', '63', '64', '65', 'fullwidth', 'arabic-digits', 'lf-inside', 'same'),
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
export const replacementArb: fc.Arbitrary<Json> = fc.oneof(
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
  { weight: 1, arbitrary: anyTextArb(8) },
  { weight: 1, arbitrary: jsonValueArb },
  { weight: 1, arbitrary: entryArb },
  { weight: 1, arbitrary: failArb.map((f) => objectFrom([['fail', f]])) },
);

/** One change to a document; `pick` chooses the target among the candidates when applied. */
export type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'replace'; pick: number; value: Json }
  | { op: 'add'; pick: number; key: string; value: Json }
  | { op: 'rename'; pick: number; key: string }
  | { op: 'wrap-array'; pick: number }
  | { op: 'to-string'; pick: number }
  | { op: 'swap-type'; pick: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: replacementArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      pick: fc.nat(),
      key: fc.oneof(keyArb, fc.constantFrom('success', 'fail', 'extra')),
      value: fc.oneof(jsonValueArb, replacementArb),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap-array' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('to-string' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap-type' as const), pick: fc.nat() }) },
);

/** Applies `mutation` to `doc` in place; returns a description, for failure messages. */
export function applyMutation(doc: JsonObject, mutation: Mutation): string {
  const { containers, properties } = schemaPaths(doc);
  if (mutation.op === 'add') {
    const path = containers[mutation.pick % containers.length]!;
    setOwn(getAt(doc, path) as JsonObject, mutation.key, mutation.value);
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
      setOwn(parent, key, mutation.value);
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
    org_id: 'or-2ka7p-8ft3m-9ocdbc9cnq1i5sg7',
    fleet_id: 'fl-6v0lr-c1o3e-8q1e6r3d2b9m7k4a',
    keystore_id: 'ks-01jz3m9q8x7w6v5t4s3r2p1n0m',
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
