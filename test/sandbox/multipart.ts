/**
 * A small, strict `multipart/form-data` parser (RFC 7578): it keeps each part's exact bytes,
 * which is what the sandbox compares with the signed payload and the checksum.
 */

export interface MultipartPart {
  /** `name` of the part's Content-Disposition. */
  name: string;
  /** `filename` of the Content-Disposition, when present. */
  fileName: string | undefined;
  /** The part's Content-Type header, when present. */
  contentType: string | undefined;
  /** The part's body, byte for byte. */
  data: Buffer;
}

export class MultipartError extends Error {
  override name = 'MultipartError';
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Splits a header value into its first token and its `;`-separated parameters (quoted strings unescaped). */
export function parseHeaderParams(value: string): { value: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const semicolon = value.indexOf(';');
  const head = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const rest = semicolon < 0 ? '' : value.slice(semicolon);
  const paramRe = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = paramRe.exec(rest)) !== null) {
    const raw = match[2]!.trim();
    params.set(match[1]!.toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
    consumed = paramRe.lastIndex;
  }
  if (rest.slice(consumed).trim() !== '') throw new MultipartError(`cannot parse header parameters: ${value}`);
  return { value: head, params };
}

/** The boundary of a `multipart/form-data` Content-Type, or an error. */
function boundaryOf(contentType: string | undefined): string {
  if (!contentType) throw new MultipartError('missing content-type');
  const { value, params } = parseHeaderParams(contentType);
  if (value !== 'multipart/form-data') throw new MultipartError(`expected multipart/form-data, got ${value}`);
  const boundary = params.get('boundary');
  if (!boundary || boundary.length > 70) throw new MultipartError('missing or invalid multipart boundary');
  return boundary;
}

function parsePartHeaders(block: string): MultipartPart {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`malformed part header: ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined) throw new MultipartError('part without content-disposition');
  const parsed = parseHeaderParams(disposition);
  const name = parsed.params.get('name');
  if (parsed.value !== 'form-data' || name === undefined) throw new MultipartError(`bad content-disposition: ${disposition}`);
  return { name, fileName: parsed.params.get('filename'), contentType, data: Buffer.alloc(0) };
}

/** Parses a whole `multipart/form-data` body. Throws `MultipartError` on anything malformed. */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const closeDelimiter = Buffer.concat([CRLF, delimiter]);
  // A preamble is allowed before the first delimiter, which then follows a CRLF.
  let pos = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(closeDelimiter);
  if (pos < 0) throw new MultipartError('no multipart boundary found in the body');
  if (pos > 0) pos += CRLF.length;

  const parts: MultipartPart[] = [];
  for (;;) {
    pos += delimiter.length;
    const after = body.subarray(pos, pos + 2).toString('latin1');
    if (after === '--') return parts; // close delimiter; an epilogue may follow
    if (after !== '\r\n') throw new MultipartError('malformed multipart delimiter line');
    pos += 2;
    const headerEnd = body.indexOf(HEADER_END, pos);
    if (headerEnd < 0) throw new MultipartError('unterminated part headers');
    const part = parsePartHeaders(body.subarray(pos, headerEnd).toString('utf8'));
    const dataStart = headerEnd + HEADER_END.length;
    const dataEnd = body.indexOf(closeDelimiter, dataStart);
    if (dataEnd < 0) throw new MultipartError('unterminated part (no closing boundary)');
    part.data = Buffer.from(body.subarray(dataStart, dataEnd));
    parts.push(part);
    pos = dataEnd + CRLF.length;
  }
}
