/**
 * Creates an operation's input archive: `POST /key-stores/{storeId}/<operation>/input` with its
 * JSON body, which is also the signed payload. Dfns answers `200 application/zip`: the answer is
 * read as bytes (never as JSON, as the official SDKs try to) and must be a zip that the strict
 * reader reads whole, every entry's CRC checked; anything else is described, never written.
 */
import { safeQuoted, safeText } from '../base/safe-text.ts';
import { size } from '../base/units.ts';
import { describeRefusedEntries, isZip, listZip, readZipEntry, type ZipEntry } from '../file/zip.ts';
import { listFirst } from '../base/lists.ts';
import { createInputPath, type Operation } from '../documents/operations.ts';
import { INPUT_ARCHIVE_DOCUMENT_ENTRY, inputArchiveIds } from '../documents/input-archive-document.ts';
import { decodeUtf8Strict, parseStrictJson } from '../file/json.ts';
import type { SlicedText } from './data-part.ts';
import { DfnsProtocolError } from './errors.ts';
import { describeOversize, type HttpAnswer } from './http.ts';
import { describeApproval, expectOk } from './answers.ts';
import { signedChange, type SignedChangeRequest } from './signed-change.ts';
import { ActionError, messageOf } from '../base/errors.ts';
import { CANCEL_ADVICE } from '../base/version.ts';

/** The largest input archive read. */
export const MAX_INPUT_ARCHIVE_BYTES = 256 * 1024 * 1024;
/** Bytes of an answer that is not a zip shown in the message. */
const DESCRIBED_BYTES = 48;

export interface CreateInputArchiveRequest extends SignedChangeRequest {
  operation: Operation;
  /** The exact JSON body sent, also the signed payload. */
  body: string;
}

export type InputArchiveAnswer = (
  | { kind: 'created'; httpStatus: number; archive: Buffer; entries: string[]; groupId: string | undefined }
  | { kind: 'pending-approval'; httpStatus: 202; detail: string }
) & { attempts: number; requestId: string | null };

export function createInputArchive(req: CreateInputArchiveRequest): Promise<InputArchiveAnswer> {
  const payload: SlicedText = { byteLength: Buffer.byteLength(req.body), slices: () => [req.body] };
  return signedChange(req, {
    call: 'create',
    path: createInputPath(req.target.storeId, req.operation),
    payload,
    async send(transport, userAction) {
      const answer = await transport.post(
        'create',
        this.path,
        req.body,
        { 'x-dfns-useraction': userAction },
        {
          accept: 'application/zip',
          maxAnswerBytes: MAX_INPUT_ARCHIVE_BYTES,
        },
      );
      const requestId = answer.requestId ?? null;
      if (answer.status === 202) return { kind: 'pending-approval', httpStatus: 202, detail: describeApproval(answer.bodyText), requestId };
      expectOk('create', req.target, answer);
      return { kind: 'created', httpStatus: answer.status, ...readArchive(answer), requestId };
    },
  });
}

/**
 * Dfns created the input archive (so its fleet operation is open at Dfns), but the archive it answered
 * breaks the rules every archive the action handles is held to: it is not written anywhere.
 */
class RefusedArchiveError extends ActionError {
  override name = 'RefusedArchiveError';
  readonly title = 'Archive refused';
  constructor(message: string) {
    super(message, { effect: 'made' });
  }
}

/**
 * The archive, its entry names and the group its input document names, when the answer is a
 * readable zip that follows the rules. Throws DfnsProtocolError or RefusedArchiveError.
 */
function readArchive(answer: HttpAnswer): { archive: Buffer; entries: string[]; groupId: string | undefined } {
  const bytes = answer.bodyBytes;
  const contentType = header(answer, 'content-type');
  const fail = (problem: string): never => {
    throw new DfnsProtocolError('create', answer, problem, { described: describeBytes(bytes, answer.truncated) });
  };
  if (answer.truncated) fail(`the answer is ${describeOversize(answer, MAX_INPUT_ARCHIVE_BYTES)}, the most an input archive is read`);
  if (!isZip(bytes))
    fail(
      `the answer is not a zip archive (Content-Type ${contentType ? `"${safeText(contentType, 100)}"` : 'none'}, ${size(bytes.byteLength)})`,
    );
  let entries: ZipEntry[];
  try {
    entries = listZip(bytes);
    for (const entry of entries) if (entry.kind === 'file') readZipEntry(bytes, entry);
  } catch (error) {
    return fail(`the zip archive cannot be read: ${messageOf(error)}`);
  }
  const refused = describeRefusedEntries(entries);
  if (refused !== undefined) throw refuse(`it holds ${refused}`);
  if (!entries.some((entry) => entry.kind === 'file')) {
    throw refuse(
      `it holds no file${entries.length === 0 ? '' : ` (only folders: ${listFirst(entries, 10, (e) => `"${e.displayName}"`)})`}`,
    );
  }
  return { archive: bytes, entries: entries.map((e) => e.name), groupId: groupOf(bytes, entries) };
}

/** The fleet operation's group that the archive's input document names, if it can be read (it is for the log and the outputs only). */
function groupOf(bytes: Uint8Array, entries: readonly ZipEntry[]): string | undefined {
  const document = entries.find((entry) => entry.name === INPUT_ARCHIVE_DOCUMENT_ENTRY && entry.kind === 'file');
  if (!document) return undefined;
  try {
    return inputArchiveIds(parseStrictJson(decodeUtf8Strict(readZipEntry(bytes, document)))).groupId;
  } catch {
    return undefined;
  }
}

function refuse(why: string): RefusedArchiveError {
  return new RefusedArchiveError(
    `Dfns created the input archive (its fleet operation is now open at Dfns), but the archive it answered is refused, and nothing was ` +
      `written: ${why}. An archive is carried to the fleet's machines, which extract it: only regular files with plain relative ` +
      `names are accepted. Do not re-run this workflow for it: report the archive to Dfns support. ${CANCEL_ADVICE}`,
  );
}

function header(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `an empty body`, or the first bytes as text and in hex: `"<!DOCTYPE html>"… (bytes 3C 21 44 4F …)`. */
export function describeBytes(bytes: Uint8Array, truncated = false): string {
  if (bytes.byteLength === 0) return 'an empty body';
  const head = Buffer.from(bytes.subarray(0, DESCRIBED_BYTES));
  const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  const more = truncated || bytes.byteLength > head.byteLength ? '…' : '';
  return `${safeQuoted(head.toString('utf8'), DESCRIBED_BYTES)}${more} (bytes ${hex}${bytes.byteLength > 8 ? ' …' : ''})`;
}
