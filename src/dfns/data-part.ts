/**
 * The submission's `data` part: `{"outputJson":<the file's JSON text>,"fileChecksum":"<hex>"}`,
 * also the signed `userActionPayload`. `outputJson` is the file's own text, so nothing is
 * re-serialized and no field is lost.
 *
 * Line breaks become spaces: multipart/form-data encoders rewrite LF and CR in a text field to
 * CRLF (the WHATWG FormData rules), which would make the part differ from the signed payload.
 * A JSON string cannot hold a raw line break, so every one in the text is insignificant white
 * space and the value is unchanged.
 *
 * The part is never built as one string: it is produced a slice at a time from the decoded
 * text, which the run holds anyway, each time a request body is written. A whole copy (and its
 * JSON-escaped copy for the init request) would be several times the file's size on top of it.
 */

/** UTF-16 units of the text per slice. */
export const SLICE_CHARS = 1024 * 1024;

/** A text that is produced a slice at a time; every iteration gives the same slices. */
export interface SlicedText {
  /** Bytes of its UTF-8 encoding. */
  readonly byteLength: number;
  slices(): Iterable<string>;
}

export class DataPart implements SlicedText {
  readonly byteLength: number;
  readonly #jsonText: string;
  readonly #head = '{"outputJson":';
  readonly #tail: string;
  readonly #sliceChars: number;

  constructor(jsonText: string, checksum: string, sliceChars = SLICE_CHARS) {
    this.#jsonText = jsonText;
    this.#sliceChars = sliceChars;
    this.#tail = `,"fileChecksum":"${checksum}"}`;
    // A CR or an LF becomes a space (one byte for one), a CRLF one space (one byte for two).
    let crlf = 0;
    for (let i = jsonText.indexOf('\r\n'); i !== -1; i = jsonText.indexOf('\r\n', i + 2)) crlf++;
    this.byteLength = Buffer.byteLength(this.#head) + Buffer.byteLength(jsonText) - crlf + Buffer.byteLength(this.#tail);
  }

  *slices(): Generator<string> {
    yield this.#head;
    yield* foldedSlices(this.#jsonText, this.#sliceChars);
    yield this.#tail;
  }

  /** The whole part as one string: for tests and small outputs only. */
  toString(): string {
    return [...this.slices()].join('');
  }
}

/** The text's slices with their line breaks folded to spaces (a CRLF to one). */
function* foldedSlices(text: string, sliceChars: number): Generator<string> {
  for (const slice of sliceText(text, sliceChars)) yield /[\r\n]/.test(slice) ? slice.replace(/\r\n?|\n/g, ' ') : slice;
}

/**
 * `text` in slices of about `sliceChars` UTF-16 units, never cut between the two halves of a
 * surrogate pair (each half would be encoded, or escaped, on its own) nor inside a CRLF (which
 * would become two spaces instead of one).
 */
export function* sliceText(text: string, sliceChars = SLICE_CHARS): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + sliceChars, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && ((last >= 0xd800 && last <= 0xdbff) || (last === 0x0d && text.charCodeAt(end) === 0x0a))) end++;
    yield text.slice(start, end);
    start = end;
  }
}
