/**
 * The submission's `data` part: `{"outputJson":<the file's JSON, compact>,"fileChecksum":"<hex>"}`,
 * also the signed `userActionPayload`. `outputJson` is the file's own JSON text with the white
 * space between its tokens removed: the layout every Dfns SDK sends, while strings, numbers and
 * key order stay exactly as the file writes them (nothing is parsed and re-serialized, which
 * would round numbers beyond 2^53 and rewrite `1.0` as `1`).
 *
 * A compact JSON text holds no line break (a JSON string cannot hold a raw one), so the part is
 * a text field that form encoding leaves as it is, and equal to the signed payload.
 *
 * The part is never built as one string: it is produced a slice at a time from the decoded text,
 * which the run holds anyway, each time a request body is written. A whole copy (and its
 * JSON-escaped copy for the init request) would be several times the file's size on top of it.
 */

/** UTF-16 units of the text per slice. */
const SLICE_CHARS = 1024 * 1024;

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

  /** `jsonText`: valid JSON (the reader has checked it). */
  constructor(jsonText: string, checksum: string, sliceChars = SLICE_CHARS) {
    this.#jsonText = jsonText;
    this.#sliceChars = sliceChars;
    this.#tail = `,"fileChecksum":"${checksum}"}`;
    // Counted, not built: the white space removed is one byte each.
    const compact = Buffer.byteLength(jsonText) - spaceBetweenTokens(jsonText);
    this.byteLength = Buffer.byteLength(this.#head) + compact + Buffer.byteLength(this.#tail);
  }

  *slices(): Generator<string> {
    yield this.#head;
    yield* compactSlices(this.#jsonText, this.#sliceChars);
    yield this.#tail;
  }

  /** The whole part as one string: for tests and small outputs only. */
  toString(): string {
    return [...this.slices()].join('');
  }
}

/** JSON's white space between tokens: space, tab, line feed, carriage return. */
const JSON_SPACE = /[ \t\n\r]+/g;
const QUOTE = '"';
const BACKSLASH = 0x5c;
const QUOTE_CODE = 0x22;

/** How many characters of white space stand between the tokens of a valid JSON text (outside its strings). */
function spaceBetweenTokens(text: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE_CODE) inString = false;
    } else if (c === QUOTE_CODE) inString = true;
    else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) count++;
  }
  return count;
}

/**
 * The slices of a valid JSON text with the white space between its tokens removed. Strings are
 * kept as written, escapes and all; a string may run across slices (the state carries over).
 */
function* compactSlices(text: string, sliceChars = SLICE_CHARS): Generator<string> {
  let inString = false;
  /** Backslashes that end what was read of the current string so far, across slices. */
  let trailingBackslashes = 0;
  for (const slice of sliceText(text, sliceChars)) {
    const parts: string[] = [];
    let at = 0;
    while (at < slice.length) {
      if (!inString) {
        const quote = slice.indexOf(QUOTE, at);
        const end = quote === -1 ? slice.length : quote + 1;
        parts.push(slice.slice(at, end).replace(JSON_SPACE, ''));
        at = end;
        if (quote !== -1) {
          inString = true;
          trailingBackslashes = 0;
        }
        continue;
      }
      const close = closingQuote(slice, at, trailingBackslashes);
      if (close === -1) {
        parts.push(slice.slice(at));
        trailingBackslashes = backslashesBefore(slice, slice.length, at, trailingBackslashes);
        at = slice.length;
      } else {
        parts.push(slice.slice(at, close + 1));
        inString = false;
        at = close + 1;
      }
    }
    yield parts.join('');
  }
}

/** The index of the quote that closes a string read from `from` (preceded by `carried` backslashes), or -1. */
function closingQuote(slice: string, from: number, carried: number): number {
  for (let quote = slice.indexOf(QUOTE, from); quote !== -1; quote = slice.indexOf(QUOTE, quote + 1)) {
    // An even number of backslashes before it: they escape each other, not the quote.
    if (backslashesBefore(slice, quote, from, carried) % 2 === 0) return quote;
  }
  return -1;
}

/** Backslashes right before `end`, back to `from`, and the `carried` ones before `from` when the run reaches it. */
function backslashesBefore(slice: string, end: number, from: number, carried: number): number {
  let i = end - 1;
  while (i >= from && slice.charCodeAt(i) === BACKSLASH) i--;
  return end - 1 - i + (i < from ? carried : 0);
}

/**
 * `text` in slices of about `sliceChars` UTF-16 units, never cut between the two halves of a
 * surrogate pair (each half would be encoded, or escaped, on its own).
 */
export function* sliceText(text: string, sliceChars = SLICE_CHARS): Generator<string> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + sliceChars, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield text.slice(start, end);
    start = end;
  }
}
