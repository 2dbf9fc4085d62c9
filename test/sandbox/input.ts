/**
 * `POST /key-stores/{storeId}/<operation>/input`, for the seven offline signer operations: Dfns
 * creates the input archive the fleet works from. Creating an input is a change, user-action
 * signed like a submission. The checks Dfns makes, in order, each refusal Dfns-shaped; the
 * documented request bodies (the sandbox's own zod schemas, independent of src/, strict about
 * unknown fields); and the answer: `200 application/zip`, a real zip archive.
 */
import { createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { makeZip, type ZipEntrySpec } from '../helpers/zip-writer.ts';
import { checkIntent, checkPermission, parseStrictJson, type ChangeRecord, type StorePermissions } from './change.ts';
import { refuse } from './errors.ts';
import { parseHeaderParams } from './multipart.ts';
import { isFleetOperation, OPERATIONS, type Operation } from './submission.ts';
import type { SignedIntent } from './user-action.ts';

/** Raw path of an input request: the store id segment stays percent-encoded. */
export const INPUT_PATH = new RegExp(`^/key-stores/([^/]+)/(${OPERATIONS.join('|')})/input$`);

/** The entry holding the input document, in every archive. */
const INPUT_ARCHIVE_DOCUMENT_ENTRY = 'input/input.json';

/**
 * The entries of each operation's archive, in the order written. Dfns documents an annex for
 * onchain-sign and proof-of-control only; the five fleet operations' archives hold the document alone.
 */
export const INPUT_ARCHIVE_ENTRIES: Readonly<Record<Operation, readonly string[]>> = {
  'onchain-sign': [INPUT_ARCHIVE_DOCUMENT_ENTRY, 'input-annex/keys.jsonl'],
  'proof-of-control': [INPUT_ARCHIVE_DOCUMENT_ENTRY, 'input-annex/wrapped-keystore.jsonl'],
  genesis: [INPUT_ARCHIVE_DOCUMENT_ENTRY],
  clone: [INPUT_ARCHIVE_DOCUMENT_ENTRY],
  'add-mac-user': [INPUT_ARCHIVE_DOCUMENT_ENTRY],
  'add-provisioner': [INPUT_ARCHIVE_DOCUMENT_ENTRY],
  'key-harvest': [INPUT_ARCHIVE_DOCUMENT_ENTRY],
};

// ---------------------------------------------------------------------------------------
// The documented request bodies
// ---------------------------------------------------------------------------------------

/** `is required` when the field is missing, `must be <what>` otherwise. */
const required =
  (what: string) =>
  (issue: { input: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${what}`;

const NON_EMPTY = 'a non-empty string';
const nonEmpty = z.string({ error: required(NON_EMPTY) }).min(1, `must be ${NON_EMPTY}`);
const count = z.int({ error: required('a non-negative integer') }).min(0, 'must be a non-negative integer');
const kind = <K extends string>(value: K) => z.literal(value, { error: required(JSON.stringify(value)) });

/** A strict object: a body that is no JSON object, or has unknown fields, is refused. */
function body<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
        : 'must be a JSON object',
  });
}

/** The request body each operation documents (dfns/API.md, "The inputs"). */
const INPUT_BODY_SCHEMAS: Readonly<Record<Operation, z.ZodType>> = {
  'onchain-sign': body({}),
  'proof-of-control': body({
    walletIds: z
      .array(nonEmpty, { error: required('an array of 1 to 100 wallet ids') })
      .min(1, 'must list 1 to 100 wallet ids')
      .max(100, 'must list 1 to 100 wallet ids'),
  }),
  genesis: body({
    kind: kind('Genesis'),
    numProvisioners: count,
    numOperational: count,
    numSecp256k1: count,
    numEd25519: count,
    hsmGenesisSerial: nonEmpty,
    macGenesisSerial: nonEmpty.optional(),
    hsmGenesisFirmwareVersion: z.literal('2.4', { error: 'must be "2.4"' }).optional(),
  }),
  clone: body({
    kind: kind('Clone'),
    hsmSourceSerial: nonEmpty,
    hsmTargetSerial: nonEmpty,
    macTargetSerial: nonEmpty.optional(),
  }),
  'add-mac-user': body({ kind: kind('AddMacUser'), macTargetSerial: nonEmpty, hsmTargetSerial: nonEmpty }),
  'add-provisioner': body({ kind: kind('AddProvisioner'), yubikeySerial: nonEmpty, hsmTargetSerial: nonEmpty }),
  'key-harvest': body({
    kind: kind('KeyHarvest'),
    hsmTargetSerial: nonEmpty,
    macTargetSerial: nonEmpty,
    macTargetUsername: nonEmpty,
    numSecp256k1: count.optional(),
    numEd25519: count.optional(),
  }),
};

/** `walletIds[3]`, `numEd25519`; '' for the body itself. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/**
 * The body checked against `operation`'s documented request body: the parsed body, or a 400
 * `invalid request body: <field>: <problem>; …` (`details.issues`: `[{path, message}]`).
 */
function parseInputBody(operation: Operation, bytes: Buffer): unknown {
  const parsed = parseStrictJson(bytes, 'invalid request body: not valid JSON');
  const result = INPUT_BODY_SCHEMAS[operation].safeParse(parsed);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message }));
  const text = issues.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join('; ');
  return refuse(400, `invalid request body: ${text}`, { issues });
}

// ---------------------------------------------------------------------------------------
// Requests: what is recorded, and the checks
// ---------------------------------------------------------------------------------------

/** What the sandbox saw of one input request, refused or not. */
export interface RecordedInput extends ChangeRecord {
  operation: Operation;
  /** The request body, as UTF-8 text ('' when empty). */
  body: string;
  /** The `group_id` of the input created (set once accepted with the archive answer). */
  groupId?: string;
  /**
   * The zip archive the sandbox created for an accepted request: what it answered, unless a
   * fault (with `process: true`) answered instead. Undefined when refused, or when
   * `setInputAnswer` replaced the answer.
   */
  archive?: Buffer;
}

/** A fresh record for an input request. */
export function describeInput(
  rawPath: string,
  operation: Operation,
  storeId: string,
  userAction: string | undefined,
  body: Buffer,
): RecordedInput {
  return {
    storeId,
    operation,
    path: rawPath,
    body: body.toString('utf8'),
    userActionToken: userAction ?? '',
    accepted: false,
    status: null,
  };
}

/**
 * Runs every check after the bearer token and the spending of the user action token (whose
 * intent is given), in order: the intent (method, path, payload byte for byte), the content
 * type, the key store, the permission, the documented body. Returns the parsed body when Dfns
 * would accept the request; otherwise throws a `Refusal`.
 */
export function checkInput(
  record: RecordedInput,
  intent: SignedIntent,
  contentType: string | undefined,
  body: Buffer,
  permissions: StorePermissions,
): unknown {
  checkIntent(intent, record);
  if (!Buffer.from(intent.payload, 'utf8').equals(body)) refuse(403, 'user action payload does not match the request body');
  if (!contentType || parseHeaderParams(contentType).value !== 'application/json') {
    refuse(400, 'content-type must be application/json');
  }
  checkPermission(record, permissions);
  return parseInputBody(record.operation, body);
}

// ---------------------------------------------------------------------------------------
// The answer: the input archive
// ---------------------------------------------------------------------------------------

/** `input/input.json`: the sandbox's own rendering (Dfns does not document its fields). */
interface InputDocument {
  /** `keystore-input` for onchain-sign and proof-of-control, `fleet-input` for the five fleet operations. */
  type: 'keystore-input' | 'fleet-input';
  version: 1;
  operation: Operation;
  org_id: string;
  keystore_id: string;
  /** A fresh `gr-…` id per input. */
  group_id: string;
  /** ISO 8601, UTC. */
  created_at: string;
  /** The request body, as received. */
  request: unknown;
}

/** A fake key of the key store, with a real public key of its curve (hex; secp256k1 compressed). */
function fakeKey(curve: 'secp256k1' | 'ed25519'): { key_id: string; scheme: string; curve: string; public_key: string } {
  const publicKey =
    curve === 'secp256k1'
      ? createECDH('secp256k1').generateKeys('hex', 'compressed')
      : generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('hex');
  return {
    key_id: `key-${randomBytes(8).toString('hex')}`,
    scheme: curve === 'secp256k1' ? 'ECDSA' : 'EdDSA',
    curve,
    public_key: publicKey,
  };
}

const jsonLines = (lines: unknown[]): string => lines.map((line) => `${JSON.stringify(line)}\n`).join('');

/** The annex entry of a keystore operation: a few keys (onchain-sign), one wrapped key per wallet (proof-of-control). */
function annex(operation: Operation, request: unknown): string | undefined {
  if (operation === 'onchain-sign') return jsonLines([fakeKey('secp256k1'), fakeKey('secp256k1'), fakeKey('ed25519')]);
  if (operation === 'proof-of-control') {
    const { walletIds } = request as { walletIds: string[] };
    return jsonLines(
      walletIds.map((walletId) => ({
        wallet_id: walletId,
        ...fakeKey('secp256k1'),
        wrapped_key: randomBytes(48).toString('base64'),
      })),
    );
  }
  return undefined;
}

/** The zip archive (deflated entries, see INPUT_ARCHIVE_ENTRIES) answered for an accepted input request. */
export function buildInputArchive(
  operation: Operation,
  ids: { orgId: string; storeId: string; groupId: string },
  request: unknown,
): Buffer {
  const entries = inputArchiveEntries(operation, ids, request);
  const zip = makeZip(entries);
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}

/** The entries of an input archive (see INPUT_ARCHIVE_ENTRIES), as buildInputArchive writes them. */
export function inputArchiveEntries(
  operation: Operation,
  ids: { orgId: string; storeId: string; groupId: string },
  request: unknown,
): ZipEntrySpec[] {
  const document: InputDocument = {
    type: isFleetOperation(operation) ? 'fleet-input' : 'keystore-input',
    version: 1,
    operation,
    org_id: ids.orgId,
    keystore_id: ids.storeId,
    group_id: ids.groupId,
    created_at: new Date().toISOString(),
    request,
  };
  const [documentEntry, annexEntry] = INPUT_ARCHIVE_ENTRIES[operation];
  const entries: ZipEntrySpec[] = [{ name: documentEntry!, data: `${JSON.stringify(document, null, 2)}\n`, method: 8 }];
  const annexData = annex(operation, request);
  if (annexEntry !== undefined && annexData !== undefined) entries.push({ name: annexEntry, data: annexData, method: 8 });
  return entries;
}

/** What `setInputAnswer` configures: an answer in place of the archive. */
export interface InputArchiveAnswer {
  status: number;
  /** Sent as is (a string as UTF-8). */
  body: string | Buffer;
  /** The Content-Type header; none when absent. */
  contentType?: string;
  /** More headers. */
  headers?: Record<string, string>;
}
