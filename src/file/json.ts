/**
 * Strict UTF-8 decoding and strict JSON parsing: one audited file must not mean two things to
 * two parsers. On top of RFC 8259 syntax this refuses what parsers handle differently:
 * duplicate keys, escaped lone surrogates, numbers out of range for a double, and nesting
 * deep enough to overflow a recursive parser's stack.
 *
 * Speed: the native JSON.parse builds the value, and one linear, non-recursive scan checks the
 * rest (string contents are skipped with indexOf). Only when JSON.parse fails does the scan run
 * in its validating mode, to report the first error with its own wording and location.
 */
import { isUtf8 } from 'node:buffer';
import { formatJsonPath, safeQuoted, safeText } from '../base/safe-text.ts';
import { messageOf } from '../base/errors.ts';

/** Deepest nesting of arrays and objects accepted. */
export const MAX_JSON_DEPTH = 512;
/** Characters of a token (number, word) quoted in a message. */
const MAX_TOKEN_CHARS = 40;

interface Location {
  offset?: number;
  line?: number;
  column?: number;
  jsonPath?: string;
}

/**
 * The bytes are not strict UTF-8, or the text is not strict JSON. `offset` is a byte offset for
 * UTF-8 errors and a UTF-16 offset into the text for JSON errors; `line` and `column` are
 * 1-based (lines end at "\n", columns count characters); `jsonPath` is formatted by formatJsonPath.
 */
export class JsonReadError extends Error {
  override name = 'JsonReadError';
  readonly offset?: number;
  readonly line?: number;
  readonly column?: number;
  readonly jsonPath?: string;

  constructor(message: string, location: Location = {}, options?: ErrorOptions) {
    super(message, options);
    if (location.offset !== undefined) this.offset = location.offset;
    if (location.line !== undefined) this.line = location.line;
    if (location.column !== undefined) this.column = location.column;
    if (location.jsonPath !== undefined) this.jsonPath = location.jsonPath;
  }
}

/** Decodes bytes as UTF-8, refusing a byte-order mark and any invalid sequence. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new JsonReadError('starts with a UTF-8 byte-order mark (EF BB BF); save the file as UTF-8 without BOM', {
      offset: 0,
      line: 1,
      column: 1,
    });
  }
  // isUtf8 accepts exactly what a fatal TextDecoder does; with Buffer's decoder it spares the
  // first TextDecoder's set-up (about 1 ms of a small file's run).
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const bad = findInvalidUtf8(bytes);
  if (!bad) throw new JsonReadError('is not valid UTF-8');
  const { offset, reason } = bad;
  let line = 1;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1; // characters: bytes that do not continue a sequence
  for (let i = lineStart; i < offset; i++) if (((bytes[i] ?? 0) & 0xc0) !== 0x80) column++;
  const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0');
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  throw new JsonReadError(
    `is not valid UTF-8: invalid byte 0x${byte} at byte offset ${offset} (line ${line}, column ${column}): ${reason}` +
      (utf16 ? '; the file looks like UTF-16, save it as UTF-8' : ''),
    { offset, line, column },
  );
}

/** The first ill-formed sequence (Unicode Table 3-7), by the offset of its first byte. */
function findInvalidUtf8(b: Uint8Array): { offset: number; reason: string } | undefined {
  for (let i = 0; i < b.length;) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c < 0xc0) return { offset: i, reason: 'a continuation byte without a lead byte' };
    if (c < 0xc2) return { offset: i, reason: 'an overlong encoding' };
    if (c > 0xf4) return { offset: i, reason: c < 0xf8 ? 'a code point above U+10FFFF' : 'a byte never used in UTF-8' };
    const length = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    // The second byte's range is narrowed after E0, ED, F0 and F4 (Table 3-7).
    const low = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const high = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const d = b[i + k];
      if (d === undefined) return { offset: i, reason: 'a multi-byte sequence cut off by the end of the file' };
      if (d >= (k === 1 ? low : 0x80) && d <= (k === 1 ? high : 0xbf)) continue;
      if (k > 1 || d < 0x80 || d > 0xbf) return { offset: i, reason: 'a truncated multi-byte sequence' };
      if (c === 0xed) return { offset: i, reason: 'a UTF-16 surrogate (U+D800 to U+DFFF) encoded in UTF-8' };
      return { offset: i, reason: c === 0xf4 ? 'a code point above U+10FFFF' : 'an overlong encoding' };
    }
    i += length;
  }
  return undefined;
}

/** Parses JSON text strictly. Returns the value JSON.parse would give. */
export function parseStrictJson(text: string): unknown {
  if (!text.isWellFormed()) throw rawLoneSurrogate(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    new Scanner(text, true).run(); // throws the first error, in document order
    throw fromEngine(text, error); // not expected: the scan found nothing, so keep the engine's word
  }
  new Scanner(text, false).run();
  return value;
}

const [QUOTE, BACKSLASH, COMMA, COLON, MINUS] = [0x22, 0x5c, 0x2c, 0x3a, 0x2d];
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x5b, 0x5d, 0x7b, 0x7d];
const LITERALS = ['true', 'false', 'null'] as const;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Longer integers may overflow a double; shorter ones without an exponent cannot. */
const SAFE_NUMBER_CHARS = 300;
/** What the scan expects next. */
type State = 'value' | 'key' | 'after-value';

/** Objects up to this many keys find duplicates by comparing key text in place, without a Set. */
const SMALL_OBJECT_KEYS = 16;

/**
 * One open array or object; frames are reused by depth so the scan allocates little. Keys are
 * kept as ranges of the text (inside the quotes) while the object is small and none is escaped,
 * then as decoded strings in a Set.
 */
interface Frame {
  isObject: boolean;
  /** The current element's index, in an array. */
  index: number;
  /** The key ranges seen, while `inSet` is false: starts[k] to ends[k], for k < count. */
  starts: number[];
  ends: number[];
  count: number;
  inSet: boolean;
  keys: Set<string>;
  /** The quoted current key's range in the text, and whether it holds an escape. */
  keyStart: number;
  keyEnd: number;
  keyEscaped: boolean;
}

/**
 * One pass over the text with an explicit stack. `validate` checks the full grammar (the text
 * failed JSON.parse); without it the text is known valid and string contents are skipped.
 */
class Scanner {
  private readonly text: string;
  private readonly validate: boolean;
  private readonly frames: Frame[] = [];
  private depth = 0;
  /** The next backslash at or after the last string scanned for one; text.length if none. */
  private nextBackslash = -1;
  /** Whether the last string scanned held an escape. */
  private escaped = false;

  constructor(text: string, validate: boolean) {
    this.text = text;
    this.validate = validate;
  }

  run(): void {
    const text = this.text;
    let i = skipSpace(text, 0);
    if (i >= text.length) {
      throw new JsonReadError(`invalid JSON: the document is ${text.length === 0 ? 'empty' : 'only white space'}`);
    }
    let state: State = 'value';
    for (;;) {
      if (state === 'value') {
        const c = text.charCodeAt(i);
        state = 'after-value';
        if (c === QUOTE) i = this.string(i, false) + 1;
        else if (c === MINUS || (c >= 0x30 && c <= 0x39)) i = this.number(i);
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          this.open(c === OPEN_OBJECT, i);
          i = skipSpace(text, i + 1);
          const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
          if (text.charCodeAt(i) !== close) state = c === OPEN_OBJECT ? 'key' : 'value';
          else {
            this.depth--; // an empty object or array
            i++;
          }
        } else i = this.literal(i);
      } else if (state === 'key') {
        if (text.charCodeAt(i) !== QUOTE) {
          throw this.syntax(i, `expected a property name in double quotes, found ${this.found(i)}`);
        }
        i = skipSpace(text, this.string(i, true) + 1);
        if (text.charCodeAt(i) !== COLON) {
          throw this.syntax(i, `expected ":" after the property name, found ${this.found(i)}`);
        }
        i = skipSpace(text, i + 1);
        state = 'value';
      } else {
        i = skipSpace(text, i);
        const frame = this.frames[this.depth - 1];
        if (!frame) {
          if (i < text.length) throw this.syntax(i, `unexpected ${this.found(i)} after the end of the JSON value`);
          return;
        }
        const c = text.charCodeAt(i);
        const close = frame.isObject ? CLOSE_OBJECT : CLOSE_ARRAY;
        if (c === close) {
          this.depth--;
          i++;
        } else if (c === COMMA) {
          const next = skipSpace(text, i + 1);
          if (text.charCodeAt(next) === close) {
            throw this.syntax(i, `trailing comma before "${String.fromCharCode(close)}"`);
          }
          frame.index++;
          i = next;
          state = frame.isObject ? 'key' : 'value';
        } else {
          const after = frame.isObject ? 'a property value' : 'an array element';
          throw this.syntax(i, `expected "," or "${String.fromCharCode(close)}" after ${after}, found ${this.found(i)}`);
        }
      }
    }
  }

  private open(isObject: boolean, at: number): void {
    if (this.depth >= MAX_JSON_DEPTH) {
      throw located((where) => `JSON nested deeper than ${MAX_JSON_DEPTH} levels at ${where}`, this.text, at);
    }
    let frame = this.frames[this.depth];
    if (!frame) {
      frame = {
        isObject,
        index: 0,
        starts: [],
        ends: [],
        count: 0,
        inSet: false,
        keys: new Set(),
        keyStart: 0,
        keyEnd: 0,
        keyEscaped: false,
      };
      this.frames.push(frame);
    }
    frame.isObject = isObject;
    frame.index = 0;
    frame.count = 0;
    if (frame.inSet) {
      frame.inSet = false;
      frame.keys.clear();
    }
    this.depth++;
  }

  /** Scans the string opening at `start`; returns the index of its closing quote. Keys are checked for duplicates. */
  private string(start: number, isKey: boolean): number {
    const text = this.text;
    let end = this.validate ? -1 : text.indexOf('"', start + 1);
    if (!this.validate && this.nextBackslash < start) {
      const next = text.indexOf('\\', start);
      this.nextBackslash = next === -1 ? text.length : next;
    }
    this.escaped = false;
    if (this.validate || this.nextBackslash < end) end = this.escapedString(start, isKey);
    if (isKey) this.addKey(this.frames[this.depth - 1]!, start, end);
    return end;
  }

  /** Records the key quoted from `start` to `end` in the object's frame, refusing a duplicate. */
  private addKey(frame: Frame, start: number, end: number): void {
    const text = this.text;
    frame.keyStart = start;
    frame.keyEnd = end;
    frame.keyEscaped = this.escaped;
    if (!frame.inSet && (this.escaped || frame.count === SMALL_OBJECT_KEYS)) {
      frame.inSet = true;
      for (let k = 0; k < frame.count; k++) frame.keys.add(text.slice(frame.starts[k], frame.ends[k]));
    }
    let duplicate = false;
    if (frame.inSet) {
      const size = frame.keys.size;
      frame.keys.add(keyText(text, start, end, this.escaped));
      duplicate = frame.keys.size === size;
    } else {
      const length = end - start - 1;
      for (let k = 0; k < frame.count && !duplicate; k++) {
        const from = frame.starts[k]!;
        duplicate = frame.ends[k]! - from === length && sameText(text, from, start + 1, length);
      }
      frame.starts[frame.count] = start + 1;
      frame.ends[frame.count] = end;
      frame.count++;
    }
    if (duplicate) {
      const key = keyText(text, start, end, this.escaped);
      const path = this.path(1);
      throw located((at) => `duplicate key ${safeQuoted(key)} at ${path} (${at})`, text, start, path);
    }
  }

  /** Character by character: validates escapes and refuses escaped lone surrogates. */
  private escapedString(start: number, isKey: boolean): number {
    const text = this.text;
    for (let i = start + 1; i < text.length;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) return i;
      if (c < 0x20) {
        const code = c.toString(16).toUpperCase().padStart(4, '0');
        throw this.syntax(i, `unescaped control character U+${code} in a string`);
      }
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      this.escaped = true;
      const e = text.charAt(i + 1);
      if (e !== 'u') {
        if (e === '' || !'"\\/bfnrt'.includes(e)) {
          throw this.syntax(i, `invalid escape ${safeQuoted(text.slice(i, i + 2))} in a string`);
        }
        i += 2;
        continue;
      }
      const code = hex4(text, i + 2);
      if (code < 0) {
        throw this.syntax(i, `invalid escape ${safeQuoted(text.slice(i, i + 6))}: "\\u" takes four hex digits`);
      }
      if ((code & 0xf800) !== 0xd800) {
        i += 6;
        continue;
      }
      const pairs = code < 0xdc00 && text.startsWith('\\u', i + 6) && (hex4(text, i + 8) & 0xfc00) === 0xdc00;
      if (!pairs) {
        const path = this.path(isKey ? 1 : 0);
        const what = isKey ? `a property name in ${path}` : `the string at ${path}`;
        const escape = text.slice(i, i + 6); // four hex digits: safe to show
        const message = (at: string): string =>
          `${what} holds an escaped lone surrogate "${escape}" (${at}); JSON parsers decode these differently`;
        throw located(message, text, i, path);
      }
      i += 12;
    }
    throw this.syntax(start, 'unterminated string (no closing double quote)');
  }

  /** Scans a number; returns the index after it. Refuses numbers that are infinite as a double. */
  private number(start: number): number {
    const text = this.text;
    let i = start;
    let exponent = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === MINUS || c === 0x2b) i++;
      else if (c === 0x65 || c === 0x45) {
        exponent = true;
        i++;
      } else break;
    }
    if (this.validate && !NUMBER.test(text.slice(start, i))) {
      throw this.syntax(start, `invalid number ${safeQuoted(text.slice(start, i), MAX_TOKEN_CHARS)}`);
    }
    if ((exponent || i - start > SAFE_NUMBER_CHARS) && !Number.isFinite(Number(text.slice(start, i)))) {
      const shown = safeText(text.slice(start, i), MAX_TOKEN_CHARS);
      const path = this.path(0);
      throw located((at) => `number ${shown} at ${path} is out of range for a double (${at})`, text, start, path);
    }
    return i;
  }

  private literal(start: number): number {
    for (const word of LITERALS) if (this.text.startsWith(word, start)) return start + word.length;
    const hint = this.text.charAt(start) === "'" ? ' (JSON strings take double quotes)' : '';
    throw this.syntax(start, `expected a value, found ${this.found(start)}${hint}`);
  }

  /** The path of the value being read, leaving out the `drop` innermost levels. */
  private path(drop: number): string {
    const segments: Array<string | number> = [];
    for (let d = 0; d < this.depth - drop; d++) {
      const frame = this.frames[d]!;
      segments.push(frame.isObject ? keyText(this.text, frame.keyStart, frame.keyEnd, frame.keyEscaped) : frame.index);
    }
    return formatJsonPath(segments);
  }

  private syntax(offset: number, what: string): JsonReadError {
    const path = this.depth > 0 ? this.path(1) : undefined;
    const inside = this.depth > 1 ? ` (in ${path})` : '';
    return located((at) => `invalid JSON at ${at}${inside}: ${what}`, this.text, offset, path);
  }

  /** Describes what stands at `i`: a whole word, one character, or the end. */
  private found(i: number): string {
    if (i >= this.text.length) return 'the end of the text';
    const word = /^[\w$]+/.exec(this.text.slice(i, i + MAX_TOKEN_CHARS))?.[0];
    return safeQuoted(word ?? String.fromCodePoint(this.text.codePointAt(i) ?? 0));
  }
}

/** The key quoted from `start` to `end`, decoded. */
function keyText(text: string, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(text.slice(start, end + 1)) as string) : text.slice(start + 1, end);
}

function sameText(text: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

/** The value of four hex digits at `i`, or -1. */
function hex4(text: string, i: number): number {
  let value = 0;
  for (let k = i; k < i + 4; k++) {
    const c = text.charCodeAt(k) | 0x20; // lower case; NaN (past the end) becomes 0x20
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** 1-based line and column of a UTF-16 offset; columns count code points. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) {
    const lowAfterHigh = (text.charCodeAt(i) & 0xfc00) === 0xdc00 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800;
    if (!lowAfterHigh || i === lineStart) column++;
  }
  return { line, column };
}

function located(message: (at: string) => string, text: string, offset: number, jsonPath?: string): JsonReadError {
  const { line, column } = lineColumn(text, offset);
  const location = { offset, line, column, ...(jsonPath === undefined ? {} : { jsonPath }) };
  return new JsonReadError(message(`line ${line}, column ${column}`), location);
}

/** Only for text not decoded by decodeUtf8Strict, which cannot produce a lone surrogate. */
function rawLoneSurrogate(text: string): JsonReadError {
  let i = 0;
  for (let cp = text.codePointAt(0) ?? 0; i < text.length; cp = text.codePointAt(i) ?? 0) {
    if ((cp & 0xfffff800) === 0xd800) break; // codePointAt gives a lone surrogate's own value
    i += cp > 0xffff ? 2 : 1;
  }
  const code = text.charCodeAt(i).toString(16).toUpperCase();
  return located((at) => `invalid JSON text: a lone UTF-16 surrogate U+${code} at ${at}`, text, i);
}

/** The engine's error, located if its message gives a position; the engine error is the cause. */
function fromEngine(text: string, error: unknown): JsonReadError {
  const message = messageOf(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return new JsonReadError(`invalid JSON: ${message}`, {}, { cause: error });
  const { line, column } = lineColumn(text, Number(position));
  const location = { offset: Number(position), line, column };
  return new JsonReadError(`invalid JSON at line ${line}, column ${column}: ${message}`, location, { cause: error });
}
