/**
 * `POST /key-stores/{storeId}/{onchain-sign|proof-of-control}/output`: the checks Dfns makes
 * on a key store output submission, in order, each refusal Dfns-shaped.
 */
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { refuse } from './errors.ts';
import { MultipartError, parseMultipart, type MultipartPart } from './multipart.ts';
import { FILE_CHECKSUM_PATTERN, OUTPUT_JSON_SCHEMA } from './output-schema.ts';
import type { SignedIntent } from './user-action.ts';

export type Operation = 'onchain-sign' | 'proof-of-control';

/** The permission each operation needs on the key store. */
export const PERMISSIONS: Record<Operation, string> = {
  'onchain-sign': 'KeyStores:OnchainSignatures:Create',
  'proof-of-control': 'KeyStores:ProofOfControl:Create',
};

/** Raw path of a submission: the store id segment stays percent-encoded. */
export const SUBMIT_PATH = /^\/key-stores\/([^/]+)\/(onchain-sign|proof-of-control)\/output$/;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateOutputJson = ajv.compile(OUTPUT_JSON_SCHEMA);
const CHECKSUM_RE = new RegExp(FILE_CHECKSUM_PATTERN);

/** What the sandbox saw of one submission, refused or not. */
export interface RecordedSubmission {
  /** The store id, percent-decoded from the path. */
  storeId: string;
  operation: Operation;
  /** The raw request path (percent-encoding as sent). */
  path: string;
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
  /** The `X-DFNS-USERACTION` header ('' when absent). */
  userActionToken: string;
  /** Passed every check and was answered (or would have been) with the configured 2xx answer. */
  accepted: boolean;
  /** Why it was refused: the error message, or `fault: …` when a fault answered instead. */
  error?: string;
  /** The fault injected on this request, if any (it may have been processed too). */
  fault?: string;
  /** Status answered; null when none was (reset, hang) or not yet. */
  status: number | null;
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

export interface StorePermissions {
  /** Operations the service account may perform on the store, or undefined for an unknown store. */
  (storeId: string): ReadonlySet<Operation> | undefined;
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
  if (intent.method !== 'POST') refuse(403, `user action was signed for method ${intent.method}, not POST`);
  if (intent.path !== record.path) {
    refuse(403, `user action was signed for path ${intent.path}, not ${record.path}`, {
      signedPath: intent.path,
      requestPath: record.path,
    });
  }
  const { data, file } = requireParts(parts);
  if (!Buffer.from(intent.payload, 'utf8').equals(data.data)) {
    refuse(403, 'user action payload does not match the request body (the "data" part)');
  }

  const allowed = permissions(record.storeId);
  if (!allowed) refuse(404, 'key store not found');
  if (!allowed.has(record.operation)) refuse(403, `missing permission ${PERMISSIONS[record.operation]}`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.data));
  } catch {
    refuse(400, 'the "data" part is not valid JSON');
  }
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
  if (!validateOutputJson(outputJson)) {
    const errors = validateOutputJson.errors ?? [];
    refuse(400, `invalid outputJson: ${ajv.errorsText(errors, { dataVar: 'outputJson' })}`, { errors });
  }
}
