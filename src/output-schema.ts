/**
 * The key store output schema, transcribed rule for rule from Dfns's OpenAPI document for
 * `POST /key-stores/{storeId}/onchain-sign/output` (API version 1.891.1).
 *
 * Objects the schema leaves open are `looseObject`s, so extra fields are accepted. The
 * parsed value is only used to read fields: what is submitted is the file's own text.
 */
import { z } from 'zod';
import { formatJsonPath, safeText } from './safe-text.ts';

// zod compiles a fast path for each object schema with new Function on its first use: for the
// one document a run parses, that costs more (a few ms) than it saves, even at 100k entries.
z.config({ jitless: true });

/** At most this many violations are listed in one error. */
export const MAX_REPORTED_VIOLATIONS = 50;
/** At most this many keys of an object are quoted in one violation. */
const MAX_LISTED_KEYS = 5;

const HEX = /^[a-f0-9]+$/;
const HEX_64 = /^[a-f0-9]{64}$/;

const nonEmpty = () => z.string().min(1, { error: 'must not be empty' });
const hex = () => z.string().regex(HEX, { error: 'expected lowercase hex' });
const hex64 = () =>
  z.string().regex(HEX_64, { error: 'expected 64 lowercase hex characters (a SHA-256 digest)' });

const Fail = z.looseObject({ message: nonEmpty(), code: nonEmpty() });

/** `result` is exactly `{ success }` or exactly `{ fail }` (`additionalProperties: false`). */
const resultOf = <S extends z.ZodType>(success: S) =>
  z.union([z.strictObject({ success }), z.strictObject({ fail: Fail })]);

const ProofOfControlSuccess = z.looseObject({
  signer_public_key: hex(),
  prefix: hex(),
  message: nonEmpty(),
  exact_bytes_signed: hex64(),
  signature: hex(),
});

const OnchainSignature = z.looseObject({
  signer_public_key: hex(),
  exact_bytes_signed: hex(),
  signature: hex(),
});

export const ProofOfControlEntry = z.looseObject({
  type: z.literal('proof-of-control-v1'),
  result: resultOf(ProofOfControlSuccess),
});

export const OnchainSignEntry = z.looseObject({
  type: z.literal('onchain-sign-v1'),
  result: resultOf(z.record(z.string(), OnchainSignature)),
});

/** The schema's `oneOf`: the two entry types differ in their `type` enum, so at most one matches. */
const OutputEntry = z.discriminatedUnion('type', [ProofOfControlEntry, OnchainSignEntry]);

export const KeystoreOutput = z.looseObject({
  type: z.literal('keystore-output'),
  version: z.literal(1),
  org_id: nonEmpty(),
  fleet_id: nonEmpty(),
  keystore_id: nonEmpty(),
  group_id: nonEmpty(),
  status: z.enum(['success', 'partial', 'fail']),
  outputs: z.record(z.string(), OutputEntry),
});

export type KeystoreOutput = z.infer<typeof KeystoreOutput>;
export type OutputEntry = z.infer<typeof OutputEntry>;
export type OutputEntryType = OutputEntry['type'];

/** The keystore output does not follow Dfns's schema; `violations` lists each with its path. */
export class SchemaError extends Error {
  readonly violations: readonly string[];

  constructor(violations: readonly string[]) {
    const shown = violations.slice(0, MAX_REPORTED_VIOLATIONS);
    const more = violations.length - shown.length;
    super(
      `the keystore output does not match Dfns's schema (${plural(violations.length, 'violation')}):\n` +
        shown.map((v) => `  - ${v}`).join('\n') +
        (more > 0 ? `\n  … and ${more} more` : ''),
    );
    this.name = 'SchemaError';
    this.violations = violations;
  }
}

/**
 * Checks a parsed document against the schema, reporting every violation with its path.
 * Returns the document itself: the schema transforms nothing, and zod's copy would lack any
 * `__proto__` key (see protoKeyIssues).
 */
export function validateKeystoreOutput(value: unknown): KeystoreOutput {
  const result = KeystoreOutput.safeParse(value, { reportInput: true });
  const issues = [...(result.success ? [] : result.error.issues), ...protoKeyIssues(value)];
  if (issues.length === 0) return value as KeystoreOutput;
  throw new SchemaError(issues.flatMap((issue) => describeIssue(issue, [])));
}

const PROTO = '__proto__';

/**
 * zod skips a `__proto__` key (assigning it to its output would set the prototype), so a record
 * would leave the value under it unchecked, where JSON Schema's `additionalProperties` checks it
 * like any other key. JSON.parse makes it an ordinary own property: it is checked here, in the
 * schema's two records, `outputs` and an onchain-sign entry's `result.success`.
 */
function protoKeyIssues(value: unknown): z.core.$ZodIssue[] {
  const outputs = isPlainObject(value) ? value['outputs'] : undefined;
  if (!isPlainObject(outputs)) return [];
  const issues: z.core.$ZodIssue[] = [];
  const check = (schema: z.ZodType, input: unknown, path: PropertyKey[]): void => {
    const result = schema.safeParse(input, { reportInput: true });
    if (!result.success) issues.push(...result.error.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })));
  };
  if (Object.hasOwn(outputs, PROTO)) check(OutputEntry, outputs[PROTO], ['outputs', PROTO]);
  for (const [key, entry] of Object.entries(outputs)) {
    const result = isPlainObject(entry) && entry['type'] === 'onchain-sign-v1' ? entry['result'] : undefined;
    const success = isPlainObject(result) && !Object.hasOwn(result, 'fail') ? result['success'] : undefined;
    if (isPlainObject(success) && Object.hasOwn(success, PROTO)) {
      check(OnchainSignature, success[PROTO], ['outputs', key, 'result', 'success', PROTO]);
    }
  }
  return issues;
}

type Path = ReadonlyArray<string | number>;

function describeIssue(issue: z.core.$ZodIssue, base: Path): string[] {
  const path = [...base, ...issue.path.map(pathKey)];
  if (issue.code === 'invalid_union' && !('discriminator' in issue && issue.discriminator !== undefined)) {
    return describeResultUnion(issue, path);
  }
  return [`${formatJsonPath(path)}: ${issueText(issue)}`];
}

/**
 * The only plain union is `result`: `{success}` or `{fail}`. Report the errors of the branch
 * whose key is present, rather than zod's "invalid input".
 */
function describeResultUnion(issue: z.core.$ZodIssueInvalidUnion, path: Path): string[] {
  const input = issue.input;
  const at = formatJsonPath(path);
  if (input === undefined) return [`${at}: is required`];
  const keys = isPlainObject(input) ? Object.keys(input) : [];
  const hasSuccess = keys.includes('success');
  const hasFail = keys.includes('fail');
  if (hasSuccess && hasFail) return [`${at}: holds both "success" and "fail"; a result holds exactly one of them`];
  const branch = hasSuccess ? issue.errors[0] : hasFail ? issue.errors[1] : undefined;
  if (!branch || branch.length === 0) {
    return [`${at}: expected an object holding exactly one of "success" or "fail", got ${describeValue(input)}`];
  }
  return branch.flatMap((inner) => describeIssue(inner, path));
}

function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `expected ${article(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(issue.input)}`;
    case 'unrecognized_keys': {
      // A result may hold any number of keys: list a few.
      const more = issue.keys.length - MAX_LISTED_KEYS;
      return `unexpected ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys
        .slice(0, MAX_LISTED_KEYS)
        .map((k) => `"${safeText(k, 60)}"`)
        .join(', ')}${more > 0 ? ` and ${more} more` : ''}: a result holds exactly one of "success" or "fail"`;
    }
    case 'invalid_union': {
      const type = isPlainObject(issue.input) ? issue.input['type'] : undefined;
      return `expected "proof-of-control-v1" or "onchain-sign-v1", got ${type === undefined ? 'no type' : describeValue(type)}`;
    }
    default:
      return issue.message;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? String(key) : key;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `"${safeText(value, 40)}"`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object': {
      const keys = Object.keys(value);
      return keys.length === 0
        ? 'an empty object'
        : `an object with keys ${keys
            .slice(0, MAX_LISTED_KEYS)
            .map((k) => `"${safeText(k, 40)}"`)
            .join(', ')}${keys.length > MAX_LISTED_KEYS ? ', …' : ''}`;
    }
    default:
      return typeof value;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
