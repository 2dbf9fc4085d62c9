/**
 * The request bodies that carry the output: the init request's JSON (the data part, escaped
 * as the `userActionPayload` string) and the multipart submission (the data part and the
 * file). Both are written as streams of chunks, produced as the socket takes them, from the
 * data part's slices (see data-part.ts) and the file's own bytes: no whole copy of the output
 * is made, in either encoding, for any attempt.
 *
 * The multipart body is byte for byte what undici's FormData writes for the same fields, and
 * the init body what JSON.stringify writes for the same object (tests compare them).
 */
import { randomBytes } from 'node:crypto';
import type { SlicedText } from './data-part.ts';

export interface StreamedBody {
  /** The value of the Content-Type header. */
  contentType: string;
  byteLength: number;
  /** The body's bytes, in order: a fresh iteration for each attempt. */
  chunks(): Iterable<Uint8Array>;
}

/**
 * `JSON.stringify({ userActionPayload, userActionHttpMethod, userActionHttpPath,
 * userActionServerKind })`, with the payload escaped a slice at a time as it is sent. Its
 * length is counted up front without escaping (see escapedByteLength).
 */
export function initBody(payload: SlicedText, httpPath: string): StreamedBody {
  const head = Buffer.from('{"userActionPayload":"');
  const tail = Buffer.from(
    `",${JSON.stringify({ userActionHttpMethod: 'POST', userActionHttpPath: httpPath, userActionServerKind: 'Api' }).slice(1)}`,
  );
  let byteLength = head.byteLength + tail.byteLength;
  for (const slice of payload.slices()) byteLength += escapedByteLength(slice);
  return {
    contentType: 'application/json',
    byteLength,
    *chunks() {
      yield head;
      for (const escaped of escapedSlices(payload)) yield Buffer.from(escaped);
      yield tail;
    },
  };
}

/** Characters JSON.stringify writes otherwise than as their UTF-8: controls, and surrogates (lone ones escaped). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_PLAIN = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * Bytes of `JSON.stringify(slice)` between its quotes. A slice of plain characters (as a keystore
 * output's text is) only has its quotes and backslashes escaped, one byte more each: they are
 * counted. Any other slice is escaped to be measured.
 */
function escapedByteLength(slice: string): number {
  if (NOT_PLAIN.test(slice)) return Buffer.byteLength(JSON.stringify(slice)) - 2;
  return Buffer.byteLength(slice) + occurrences(slice, '"') + occurrences(slice, '\\');
}

function occurrences(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Each slice as JSON.stringify escapes it inside a string (slices never split a surrogate pair). */
function* escapedSlices(text: SlicedText): Generator<string> {
  for (const slice of text.slices()) yield JSON.stringify(slice).slice(1, -1);
}

export interface SubmissionParts {
  /** The `data` part, a text field without CR or LF (which form encoding would rewrite). */
  data: SlicedText;
  file: { bytes: Uint8Array; name: string; type: string };
}

/**
 * The submission's `multipart/form-data` body, with a boundary from `nextBoundary` that occurs
 * in neither part (with 96 random bits it never does, and that is checked rather than assumed).
 */
export function multipartBody(parts: SubmissionParts, nextBoundary: () => string = randomBoundary): StreamedBody {
  const file = asBuffer(parts.file.bytes);
  let chosen = nextBoundary();
  for (let tries = 1; occursInText(parts.data, chosen) || file.includes(chosen); tries++) {
    if (tries >= 10) throw new Error('internal: no multipart boundary found that occurs in neither part');
    chosen = nextBoundary();
  }
  const head = (disposition: string, type?: string) =>
    Buffer.from(
      `--${chosen}\r\nContent-Disposition: form-data; ${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n`,
    );
  const dataHead = head('name="data"');
  const fileHead = Buffer.concat([Buffer.from('\r\n'), head(`name="file"; filename="${escapeName(parts.file.name)}"`, parts.file.type)]);
  const tail = Buffer.from(`\r\n--${chosen}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${chosen}`,
    byteLength: dataHead.byteLength + parts.data.byteLength + fileHead.byteLength + file.byteLength + tail.byteLength,
    *chunks() {
      yield dataHead;
      for (const slice of parts.data.slices()) yield Buffer.from(slice);
      yield fileHead;
      yield file;
      yield tail;
    },
  };
}

/**
 * Whether `boundary` occurs in the text, also across two slices; a line break in it is a bug of
 * the caller (form encoding would rewrite it, and the part would differ from the signed payload).
 */
function occursInText(text: SlicedText, boundary: string): boolean {
  let carry = '';
  for (const slice of text.slices()) {
    if (slice.includes('\n') || slice.includes('\r')) {
      throw new Error('internal: the data part holds a line break, which form encoding would rewrite');
    }
    const edge = boundary.length - 1; // a boundary across two slices has at most this much in each
    if (slice.includes(boundary) || (carry + slice.slice(0, edge)).includes(boundary)) return true;
    carry = edge > 0 ? slice.slice(-edge) : '';
  }
  return false;
}

/** The shape of undici's boundaries (`----formdata-undici-` and a number), with random hex. */
function randomBoundary(): string {
  return `----formdata-dfns-${randomBytes(12).toString('hex')}`;
}

/** A Buffer over the same memory (for its memchr-based search), not a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A file name in a Content-Disposition header, escaped as the WHATWG FormData encoding does. */
function escapeName(name: string): string {
  return name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}
