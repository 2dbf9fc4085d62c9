/**
 * Schema violations as users read them: one line per violation, each with its JSON path and
 * what was expected, shared by the schemas of both document types.
 */
import type * as z from './zod.ts';
import { formatJsonPath, safeText } from '../base/safe-text.ts';
import { listNames } from '../base/lists.ts';

/** At most this many violations are listed in one error. */
export const MAX_REPORTED_VIOLATIONS = 50;
/** At most this many keys of an object are quoted in one violation. */
const MAX_LISTED_KEYS = 5;

export type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<string | number>;

/** The document does not follow Dfns's schema; `violations` lists each with its path. */
export class SchemaError extends Error {
  override name = 'SchemaError';
  readonly violations: readonly string[];

  /** `document` names what was checked, e.g. "keystore output". */
  constructor(document: string, violations: readonly string[]) {
    super(`the ${document} does not match Dfns's schema ${listViolations(violations)}`);
    this.violations = violations;
  }
}

/** "(2 violations):" and a line for each, the first MAX_REPORTED_VIOLATIONS of them, then how many more. */
export function listViolations(violations: readonly string[]): string {
  const shown = violations.slice(0, MAX_REPORTED_VIOLATIONS);
  const more = violations.length - shown.length;
  return (
    `(${plural(violations.length, 'violation')}):\n` + shown.map((v) => `  - ${v}`).join('\n') + (more > 0 ? `\n  … and ${more} more` : '')
  );
}

/** What a schema adds to the generic wording. */
export interface Wording {
  /**
   * Describes a plain (not discriminated) union's failure: which of its branches the input meant.
   * `describe` describes a branch's issues found at a path.
   */
  union?: (issue: z.core.$ZodIssueInvalidUnion, path: Path, describe: (issues: readonly Issue[], path: Path) => string[]) => string[];
  /** Said after "unexpected key …" of a strict object. */
  unexpectedKeys?: string;
}

/**
 * Every issue as a line: `path: what was wrong`. With the `document` the issues are of, a field
 * missing from an object that has a `type` says which type requires it: a wrong `type` then reads
 * as such, rather than as fields gone missing.
 */
export function describeIssues(issues: readonly Issue[], wording: Wording = {}, document?: unknown): string[] {
  const describe = (list: readonly Issue[], base: Path): string[] =>
    list.flatMap((issue) => {
      const path = [...base, ...issue.path.map(pathKey)];
      if (issue.code === 'invalid_union' && wording.union && !('discriminator' in issue && issue.discriminator !== undefined)) {
        return wording.union(issue, path, describe);
      }
      return [`${formatJsonPath(path)}: ${issueText(issue, wording)}${requiredBy(issue, path, document)}`];
    });
  return describe(issues, []);
}

/** " (an entry of type "clone-registration" requires it)" for a missing field of a typed object below the root. */
function requiredBy(issue: Issue, path: Path, document: unknown): string {
  if (issue.code !== 'invalid_type' || issue.input !== undefined || path.length < 2) return '';
  let parent: unknown = document;
  for (const key of path.slice(0, -1)) parent = isPlainObject(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
  const type = isPlainObject(parent) ? parent['type'] : undefined;
  return typeof type === 'string' && path.at(-1) !== 'type' ? ` (an entry of type ${describeValue(type)} requires it)` : '';
}

/**
 * Checks a parsed document against `schema`, plus the issues `extra` finds that zod cannot see,
 * and reports every violation with its path. Returns the document itself: the schemas transform
 * nothing, and zod's copy would lack any `__proto__` key.
 */
export function checkDocument<T>(
  value: unknown,
  schema: z.ZodMiniType<T>,
  extra: (value: unknown) => Issue[],
  document: string,
  wording: Wording = {},
): T {
  const result = schema.safeParse(value, { reportInput: true });
  const issues = [...(result.success ? [] : result.error.issues), ...extra(value)];
  if (issues.length === 0) return value as T;
  throw new SchemaError(document, describeIssues(issues, wording, value));
}

/**
 * zod skips a `__proto__` key of a record (assigning it to its output would set the prototype),
 * so the value under it would go unchecked, where JSON Schema's `additionalProperties` checks it
 * like any other key. JSON.parse makes it an ordinary own property: this checks it with
 * `schema`, for a record found at `path`.
 */
export function protoKeyIssues(record: unknown, schema: z.ZodMiniType, path: readonly PropertyKey[]): Issue[] {
  if (!isPlainObject(record) || !Object.hasOwn(record, PROTO)) return [];
  const result = schema.safeParse(record[PROTO], { reportInput: true });
  return result.success ? [] : result.error.issues.map((issue) => ({ ...issue, path: [...path, PROTO, ...issue.path] }));
}

const PROTO = '__proto__';

/** zod's names of types as a user reads them: a record is a JSON object whose keys are free. */
const EXPECTED_NAMES: Partial<Record<string, string>> = { record: 'object', int: 'whole number' };

function issueText(issue: Issue, wording: Wording): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `expected ${article(EXPECTED_NAMES[issue.expected] ?? issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(issue.input)}`;
    case 'unrecognized_keys':
      return `unexpected ${issue.keys.length === 1 ? 'key' : 'keys'} ${listNames(issue.keys, MAX_LISTED_KEYS, 60)}${
        wording.unexpectedKeys ? `: ${wording.unexpectedKeys}` : ''
      }`;
    case 'invalid_union': {
      // A discriminated union (the path ends at the discriminator): its value is none of the options.
      if ('discriminator' in issue && typeof issue.discriminator === 'string' && 'options' in issue && Array.isArray(issue.options)) {
        const value = isPlainObject(issue.input) ? issue.input[issue.discriminator] : undefined;
        return `expected ${issue.options.map((o) => JSON.stringify(o)).join(' or ')}, got ${value === undefined ? `no ${issue.discriminator}` : describeValue(value)}`;
      }
      return `expected one of the schema's forms, got ${describeValue(issue.input)}`;
    }
    case 'custom':
      return issue.input === undefined ? 'is required' : `${issue.message}, got ${describeValue(issue.input)}`;
    case 'too_big':
    case 'too_small':
      // z.int() refuses whole numbers beyond ±(2^53 − 1): JSON.parse has already rounded them.
      if (issue.origin === 'int') {
        return `is ${issue.code === 'too_big' ? 'above' : 'below'} ${issue.code === 'too_big' ? '' : '-'}${Number.MAX_SAFE_INTEGER} (2^53 - 1): a whole number this large does not survive being read as a JSON number, so it cannot be sent as written`;
      }
      return issue.message;
    default:
      return issue.message;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? String(key) : key;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A value as a violation quotes it: short, escaped, never whole. */
export function describeValue(value: unknown): string {
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
      return keys.length === 0 ? 'an empty object' : `an object with keys ${listKeys(keys, 40)}`;
    }
    default:
      return typeof value;
  }
}

/** The first few keys, quoted and escaped. */
function listKeys(keys: readonly string[], maxChars = 60): string {
  const shown = keys.slice(0, MAX_LISTED_KEYS).map((k) => `"${safeText(k, maxChars)}"`);
  return shown.join(', ') + (keys.length > MAX_LISTED_KEYS ? ', …' : '');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
