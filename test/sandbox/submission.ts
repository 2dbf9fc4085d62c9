/**
 * `POST /key-stores/{storeId}/<operation>/output`, for the seven offline signer operations: the
 * checks Dfns makes on an output submission, in order, each refusal Dfns-shaped; what a
 * submission that passes them is answered; and the protocol problems a submission shows
 * (entries that belong to another endpoint), which Dfns does not document but tests assert on.
 */
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { checkIntent, checkPermission, parseStrictJson, type ChangeRecord, type StorePermissions } from './change.ts';
import { refuse } from './errors.ts';
import { FLEET_OUTPUT_JSON_SCHEMA } from './fleet-output-schema.ts';
import { MultipartError, parseMultipart, type MultipartPart } from './multipart.ts';
import { FILE_CHECKSUM_PATTERN, OUTPUT_JSON_SCHEMA } from './output-schema.ts';
import type { SignedIntent } from './user-action.ts';

/** The two operations whose output is a `keystore-output` document. */
const KEYSTORE_OPERATIONS = ['onchain-sign', 'proof-of-control'] as const;
/** The five operations whose output is a `fleet-output` document. */
export const FLEET_OPERATIONS = ['genesis', 'clone', 'add-mac-user', 'add-provisioner', 'key-harvest'] as const;
/** All seven, in the order of the shared reference's table. */
export const OPERATIONS = [...KEYSTORE_OPERATIONS, ...FLEET_OPERATIONS] as const;

type KeystoreOperation = (typeof KEYSTORE_OPERATIONS)[number];
export type FleetOperation = (typeof FLEET_OPERATIONS)[number];
export type Operation = KeystoreOperation | FleetOperation;

export function isFleetOperation(operation: Operation): operation is FleetOperation {
  return (FLEET_OPERATIONS as readonly Operation[]).includes(operation);
}

/**
 * The `message` of the sandbox's 200 answer to a fleet submission that passes every check.
 * Dfns documents only `{"message": string}`, not its text: these are the sandbox's own.
 */
export const FLEET_ANSWER_MESSAGES: Record<FleetOperation, string> = {
  genesis: 'Genesis output received',
  clone: 'Clone output received',
  'add-mac-user': 'Add Mac User output received',
  'add-provisioner': 'Add Provisioner output received',
  'key-harvest': 'Key Harvest output received',
};

/** The default answer body: `{"status":"success"}` for a keystore operation, `{"message"}` for a fleet one. */
export function defaultAnswerBody(operation: Operation): { status: 'success' } | { message: string } {
  return isFleetOperation(operation) ? { message: FLEET_ANSWER_MESSAGES[operation] } : { status: 'success' };
}

/** Raw path of a submission: the store id segment stays percent-encoded. */
export const SUBMIT_PATH = new RegExp(`^/key-stores/([^/]+)/(${OPERATIONS.join('|')})/output$`);

/** `outputJson.type` of each document kind. */
const DOCUMENT_TYPES = { keystore: 'keystore-output', fleet: 'fleet-output' } as const;

/** The operation each keystore-output entry kind (the entry's `type`) belongs to. */
const KEYSTORE_ENTRY_KINDS: Readonly<Record<string, KeystoreOperation>> = {
  'onchain-sign-v1': 'onchain-sign',
  'proof-of-control-v1': 'proof-of-control',
};
/** The operation each fleet-output entry kind (the entry's `success.type`) belongs to. */
const FLEET_ENTRY_KINDS: Readonly<Record<string, FleetOperation>> = {
  'genesis-registration': 'genesis',
  'clone-registration': 'clone',
  'add-mac-user': 'add-mac-user',
  'add-provisioner': 'add-provisioner',
  'key-harvest': 'key-harvest',
};
/** The operation each outputs entry kind belongs to. */
const ENTRY_KIND_OPERATIONS: Readonly<Record<string, Operation>> = { ...KEYSTORE_ENTRY_KINDS, ...FLEET_ENTRY_KINDS };

/** At most this many entry problems are listed per submission, then one count line. */
const MAX_ENTRY_PROBLEMS = 20;

// One ajv per schema: the keystore schema is transcribed, the fleet one is loaded from YAML.
const keystoreAjv = new Ajv({ allErrors: true, strict: false });
const validateKeystoreOutputJson = keystoreAjv.compile(OUTPUT_JSON_SCHEMA);
const fleetAjv = new Ajv({ allErrors: true, strict: false });
const validateFleetOutputJson = fleetAjv.compile(FLEET_OUTPUT_JSON_SCHEMA);
const CHECKSUM_RE = new RegExp(FILE_CHECKSUM_PATTERN);

/** The schema verdict on an `outputJson` submitted to `operation` (keystore or fleet schema). */
export function validateOutputJsonFor(
  operation: Operation,
  outputJson: unknown,
): { ok: true } | { ok: false; message: string; errors: ErrorObject[] } {
  const [ajv, validate]: [Ajv, ValidateFunction] = isFleetOperation(operation)
    ? [fleetAjv, validateFleetOutputJson]
    : [keystoreAjv, validateKeystoreOutputJson];
  if (validate(outputJson)) return { ok: true };
  const errors = validate.errors ?? [];
  return { ok: false, message: `invalid outputJson: ${ajv.errorsText(errors, { dataVar: 'outputJson' })}`, errors };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The kind of one `outputs` entry: its `type` (keystore-output kinds) or its `success.type` (fleet-output kinds). */
function entryKind(entry: unknown): string | undefined {
  if (!isObject(entry)) return undefined;
  const type = entry['type'];
  if (typeof type === 'string' && Object.hasOwn(KEYSTORE_ENTRY_KINDS, type)) return type;
  const success = entry['success'];
  const successType = isObject(success) ? success['type'] : undefined;
  if (typeof successType === 'string' && Object.hasOwn(FLEET_ENTRY_KINDS, successType)) return successType;
  return undefined;
}

/**
 * What in `outputJson` belongs to another endpoint than `operation`'s: a document of the
 * other kind (a keystore-output to a fleet endpoint, or the reverse) and every entry of a
 * known kind that belongs to another operation (the first MAX_ENTRY_PROBLEMS, then a count).
 * Unknown or missing kinds are left to the schema. Empty when nothing is out of place.
 */
function protocolProblemsOf(operation: Operation, outputJson: unknown): string[] {
  if (!isObject(outputJson)) return [];
  const problems: string[] = [];
  const expected = isFleetOperation(operation) ? DOCUMENT_TYPES.fleet : DOCUMENT_TYPES.keystore;
  const type = outputJson['type'];
  if (type === DOCUMENT_TYPES.keystore || type === DOCUMENT_TYPES.fleet) {
    if (type !== expected) {
      const owners = type === DOCUMENT_TYPES.fleet ? FLEET_OPERATIONS : KEYSTORE_OPERATIONS;
      const list = `${owners.slice(0, -1).join(', ')} and ${owners.at(-1)!}`;
      problems.push(`outputJson is a ${type}, which belongs to ${list}, submitted to ${operation}`);
    }
  }
  const outputs = outputJson['outputs'];
  if (!isObject(outputs)) return problems;
  let misplaced = 0;
  for (const [id, entry] of Object.entries(outputs)) {
    const kind = entryKind(entry);
    if (kind === undefined) continue;
    const owner = ENTRY_KIND_OPERATIONS[kind]!;
    if (owner === operation) continue;
    misplaced += 1;
    if (misplaced <= MAX_ENTRY_PROBLEMS) {
      problems.push(`entry ${JSON.stringify(id)} is ${kind}, which belongs to ${owner}, submitted to ${operation}`);
    }
  }
  if (misplaced > MAX_ENTRY_PROBLEMS) {
    problems.push(`… and ${misplaced - MAX_ENTRY_PROBLEMS} more entries that do not belong to ${operation} (${misplaced} in all)`);
  }
  return problems;
}

/** What the sandbox saw of one submission, refused or not. */
export interface RecordedSubmission extends ChangeRecord {
  operation: Operation;
  /** The `data` part, exactly ('' when absent or unparsable). */
  dataPart: string;
  /** The `file` part's bytes (empty when absent). */
  filePart: Buffer;
  /** The `file` part's filename ('' when absent). */
  fileName: string;
  /** The `file` part's Content-Type ('' when absent). */
  fileContentType: string;
  /** `data.outputJson`, parsed (undefined when `data` is not JSON). */
  outputJson: unknown;
  /** `data.fileChecksum` ('' when absent). */
  fileChecksum: string;
  /**
   * What of `outputJson` belongs to another endpoint (see `protocolProblemsOf`), recorded
   * whatever the answer: Dfns's own behaviour is undocumented, tests assert on this. Empty when fine.
   */
  protocolProblems: string[];
}

/** A fresh record for a submission request; the multipart body is read best effort. */
export function describeSubmission(
  rawPath: string,
  operation: Operation,
  storeId: string,
  headers: { contentType: string | undefined; userAction: string | undefined },
  body: Buffer,
): { record: RecordedSubmission; parts: MultipartPart[] | MultipartError } {
  const record: RecordedSubmission = {
    storeId,
    operation,
    path: rawPath,
    dataPart: '',
    filePart: Buffer.alloc(0),
    fileName: '',
    fileContentType: '',
    outputJson: undefined,
    fileChecksum: '',
    userActionToken: headers.userAction ?? '',
    accepted: false,
    status: null,
    protocolProblems: [],
  };
  let parts: MultipartPart[] | MultipartError;
  try {
    parts = parseMultipart(body, headers.contentType);
  } catch (error) {
    if (!(error instanceof MultipartError)) throw error;
    return { record, parts: error };
  }
  const data = parts.find((part) => part.name === 'data');
  const file = parts.find((part) => part.name === 'file');
  if (data) record.dataPart = data.data.toString('utf8');
  if (file) {
    record.filePart = file.data;
    record.fileName = file.fileName ?? '';
    record.fileContentType = file.contentType ?? '';
  }
  try {
    const parsed = JSON.parse(record.dataPart) as { outputJson?: unknown; fileChecksum?: unknown } | null;
    record.outputJson = parsed?.outputJson;
    if (typeof parsed?.fileChecksum === 'string') record.fileChecksum = parsed.fileChecksum;
  } catch {
    // recorded as is; refused by the checks
  }
  record.protocolProblems = protocolProblemsOf(operation, record.outputJson);
  return { record, parts };
}

/** The two parts, each exactly once, nothing else. */
function requireParts(parts: MultipartPart[] | MultipartError): { data: MultipartPart; file: MultipartPart } {
  if (parts instanceof MultipartError) refuse(400, `invalid multipart body: ${parts.message}`);
  for (const part of parts) {
    if (part.name !== 'data' && part.name !== 'file') refuse(400, `unexpected multipart part "${part.name}"`);
  }
  const pick = (name: string): MultipartPart => {
    const found = parts.filter((part) => part.name === name);
    if (found.length === 0) refuse(400, `missing multipart part "${name}"`);
    if (found.length > 1) refuse(400, `multipart part "${name}" given ${found.length} times`);
    return found[0]!;
  };
  const data = pick('data');
  const file = pick('file');
  if (data.fileName !== undefined) refuse(400, 'the "data" part must be a form field (a JSON string), not a file');
  if (!file.fileName) refuse(400, 'the "file" part has no filename');
  return { data, file };
}

/**
 * Runs every check after the bearer token and the user action token (whose intent is given).
 * Returns normally when Dfns would accept the submission; otherwise throws a `Refusal`.
 */
export function checkSubmission(
  record: RecordedSubmission,
  parts: MultipartPart[] | MultipartError,
  intent: SignedIntent,
  permissions: StorePermissions,
): void {
  checkIntent(intent, record);
  const { data, file } = requireParts(parts);
  if (!Buffer.from(intent.payload, 'utf8').equals(data.data)) {
    refuse(403, 'user action payload does not match the request body (the "data" part)');
  }

  checkPermission(record, permissions);

  const parsed = parseStrictJson(data.data, 'the "data" part is not valid JSON');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) refuse(400, '"data" must be a JSON object');
  const keys = Object.keys(parsed).sort();
  if (keys.length !== 2 || keys[0] !== 'fileChecksum' || keys[1] !== 'outputJson') {
    refuse(400, `"data" must have exactly the fields fileChecksum and outputJson, got: ${keys.join(', ') || 'none'}`);
  }
  const { fileChecksum, outputJson } = parsed as { fileChecksum: unknown; outputJson: unknown };
  if (typeof fileChecksum !== 'string' || !CHECKSUM_RE.test(fileChecksum)) {
    refuse(400, 'fileChecksum must be 64 lowercase hex characters');
  }
  const actual = createHash('sha256').update(file.data).digest('hex');
  if (fileChecksum !== actual) {
    refuse(400, 'fileChecksum does not match the SHA-256 of the file', { fileChecksum, actual });
  }
  const verdict = validateOutputJsonFor(record.operation, outputJson);
  if (!verdict.ok) refuse(400, verdict.message, { errors: verdict.errors });
}
