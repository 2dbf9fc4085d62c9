/**
 * The `keystore-output` document (onchain-sign and proof-of-control), transcribed rule for rule
 * from Dfns's OpenAPI document for `POST /key-stores/{storeId}/onchain-sign/output` (API version
 * 1.891.1).
 *
 * Objects the schema leaves open are `looseObject`s, so extra fields are accepted. The parsed
 * value is only used to read fields: what is submitted is the file's own text.
 */
import * as z from './zod.ts';
import { formatJsonPath } from '../base/safe-text.ts';
import { checkDocument, describeValue, isPlainObject, protoKeyIssues, type Issue, type Wording } from './violations.ts';

const HEX = /^[a-f0-9]+$/;
const HEX_64 = /^[a-f0-9]{64}$/;

const nonEmpty = () => z.string().check(z.minLength(1, { error: 'must not be empty' }));
const hex = () => z.string().check(z.regex(HEX, { error: 'expected lowercase hex' }));
const hex64 = () => z.string().check(z.regex(HEX_64, { error: 'expected 64 lowercase hex characters (a SHA-256 digest)' }));

/** The schema, rule for rule. */
function buildSchemas() {
  const Fail = z.looseObject({ message: nonEmpty(), code: nonEmpty() });

  /** `result` is exactly `{ success }` or exactly `{ fail }` (`additionalProperties: false`). */
  const resultOf = <S extends z.ZodMiniType>(success: S) => z.union([z.strictObject({ success }), z.strictObject({ fail: Fail })]);

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

  const ProofOfControlEntry = z.looseObject({
    type: z.literal('proof-of-control-v1'),
    result: resultOf(ProofOfControlSuccess),
  });

  const OnchainSignEntry = z.looseObject({
    type: z.literal('onchain-sign-v1'),
    result: resultOf(z.record(z.string(), OnchainSignature)),
  });

  /** The schema's `oneOf`: the two entry types differ in their `type` enum, so at most one matches. */
  const KeystoreEntry = z.discriminatedUnion('type', [ProofOfControlEntry, OnchainSignEntry]);

  const KeystoreOutput = z.looseObject({
    type: z.literal('keystore-output'),
    version: z.literal(1),
    org_id: nonEmpty(),
    fleet_id: nonEmpty(),
    keystore_id: nonEmpty(),
    group_id: nonEmpty(),
    status: z.enum(['success', 'partial', 'fail']),
    outputs: z.record(z.string(), KeystoreEntry),
  });
  return { KeystoreOutput, KeystoreEntry, OnchainSignature };
}

/** The schemas are built on first use: a run validates one document type and builds only its schema. */
let built: ReturnType<typeof buildSchemas> | undefined;
const schemas = (): ReturnType<typeof buildSchemas> => (built ??= buildSchemas());

export type KeystoreOutput = z.infer<ReturnType<typeof buildSchemas>['KeystoreOutput']>;

/** Checks a parsed document against the schema, reporting every violation with its path. */
export function validateKeystoreOutput(value: unknown): KeystoreOutput {
  return checkDocument(value, schemas().KeystoreOutput, protoIssues, 'keystore output', WORDING);
}

/** The `__proto__` keys of the schema's two records: `outputs` and an onchain-sign entry's `result.success`. */
function protoIssues(value: unknown): Issue[] {
  const outputs = isPlainObject(value) ? value['outputs'] : undefined;
  if (!isPlainObject(outputs)) return [];
  const issues = protoKeyIssues(outputs, schemas().KeystoreEntry, ['outputs']);
  for (const [key, entry] of Object.entries(outputs)) {
    const result = isPlainObject(entry) && entry['type'] === 'onchain-sign-v1' ? entry['result'] : undefined;
    const success = isPlainObject(result) && !Object.hasOwn(result, 'fail') ? result['success'] : undefined;
    issues.push(...protoKeyIssues(success, schemas().OnchainSignature, ['outputs', key, 'result', 'success']));
  }
  return issues;
}

const WORDING: Wording = {
  /**
   * The only plain union is `result`: `{success}` or `{fail}`. Report the errors of the branch
   * whose key is present, rather than zod's "invalid input".
   */
  union(issue, path, describe) {
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
    return describe(branch, path);
  },
  unexpectedKeys: 'a result holds exactly one of "success" or "fail"',
};
