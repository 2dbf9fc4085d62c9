/**
 * The one gate for text from outside (what Dfns answers, file and artifact names, archive entry
 * names, JSON keys, step input values) on its way to a log line, an annotation, the job summary,
 * a step output or the receipt. In this order:
 * 1. the run's secrets are taken out (secrets.ts), before anything can cut the text;
 * 2. nothing left can break the line, hide text, reorder text (bidi controls), smuggle terminal
 *    escape sequences or start a workflow command (`::` first, `##[` anywhere): such characters are
 *    escaped;
 * 3. the length is bounded, saying how much was left out.
 */
import { redactSecrets } from './secrets.ts';

/** Default number of characters of untrusted text shown before truncating. */
export const SAFE_TEXT_MAX_CHARS = 200;
/** Characters of one key shown inside a formatted JSON path. */
export const PATH_KEY_MAX_CHARS = 100;
/** Segments shown at each end of a longer formatted JSON path; the levels between are elided. */
const PATH_END_SEGMENTS = 8;

/**
 * Characters escaped besides the backslash: C0 and C1 controls, DEL, Unicode format characters
 * (\p{Cf}: zero-width characters, bidi embeddings/overrides/isolates, byte-order mark, tag
 * characters), line and paragraph separators, spaces other than U+0020 (no-break, ideographic…),
 * and lone surrogates (a `u`-flag class matches a surrogate only when it is not half of a pair).
 */
const UNSAFE = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/gu;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** The characters the gate escapes, the backslash aside: what a name must not hold to be shown as it is. */
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/u;

/**
 * Whether `s` holds a character that cannot be shown as it is (a control or format character, a
 * line or paragraph separator, a space other than U+0020, a lone surrogate): the gate would escape
 * it. Names the run gives back as outputs (file paths, archive entries) must hold none.
 */
export function hasUnshowableChars(s: string): boolean {
  return UNSHOWABLE.test(s);
}

/**
 * The gate: `text` without the run's secrets, escaped for a log line (`\` as `\\`, characters up
 * to U+00FF as `\xNN`, others as `\uNNNN`, an astral format character as its two UTF-16 halves),
 * and cut after `max` characters (code points), ending in `… (N more characters)`.
 */
export function safeText(text: string, max = SAFE_TEXT_MAX_CHARS): string {
  const s = redactSecrets(text);
  let shown = s;
  let cut = 0;
  if (s.length > max) {
    let end = 0;
    let kept = 0;
    while (end < s.length && kept < max) {
      end += (s.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
      kept++;
    }
    if (end < s.length) {
      shown = s.slice(0, end);
      for (let i = end; i < s.length; i += (s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) cut++;
    }
  }
  const escaped = defuseCommands(shown.replace(UNSAFE, escapeChar));
  return cut > 0 ? `${escaped}… (${cut} more character${cut === 1 ? '' : 's'})` : escaped;
}

/**
 * A runner reads a log line as a workflow command when it starts with `::` (after blank space),
 * or when it holds `##[` anywhere (the older form): both are escaped, so that no text from outside
 * can start one, wherever it lands in a line.
 */
function defuseCommands(text: string): string {
  return text.replace(/^(\s*)::/, '$1\\x3A:').replaceAll('##[', '#\\x23[');
}

function escapeChar(ch: string): string {
  if (ch === '\\') return '\\\\';
  let out = '';
  for (let i = 0; i < ch.length; i++) {
    const code = ch.charCodeAt(i);
    out += code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  }
  return out;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** `s` escaped by safeText and put in double quotes, with inner quotes escaped as `\"`. */
export function safeQuoted(s: string, max = SAFE_TEXT_MAX_CHARS): string {
  return `"${safeText(s, max).replaceAll('"', '\\"')}"`;
}

/**
 * Formats a path into a JSON document: `[]` is `(root)`; identifier keys read `.key` (no dot
 * first), other keys `["key"]`, array indexes `[3]`.
 * Example: `['outputs', 'req-1', 'result']` gives `outputs["req-1"].result`.
 * The length is bounded: a key over PATH_KEY_MAX_CHARS is quoted and cut, and a path deeper
 * than 2 × PATH_END_SEGMENTS + 1 shows its first and last PATH_END_SEGMENTS segments around
 * `[… N levels …]`.
 */
export function formatJsonPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return '(root)';
  const elided = path.length > 2 * PATH_END_SEGMENTS + 1 ? path.length - 2 * PATH_END_SEGMENTS : 0;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    if (elided > 0 && i === PATH_END_SEGMENTS) {
      out += `[… ${elided} levels …]`;
      i += elided - 1;
      continue;
    }
    const segment = path[i]!;
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (segment.length <= PATH_KEY_MAX_CHARS && IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${safeQuoted(segment, PATH_KEY_MAX_CHARS)}]`;
  }
  return out;
}

/** A parsed JSON value with each of its strings (keys too) through the gate: a step input's body, as the receipt keeps it. */
export function safeJsonValue(value: unknown, max = SAFE_TEXT_MAX_CHARS): unknown {
  if (typeof value === 'string') return safeText(value, max);
  if (Array.isArray(value)) return value.map((item) => safeJsonValue(item, max));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [safeText(key, max), safeJsonValue(item, max)]));
  }
  return value;
}

/** A multi-line text (an error's stack, for the debug log) through the gate line by line: its line breaks kept, its lines bounded. */
export function safeLines(text: string, maxLines = 50, maxChars = 500): string {
  const lines = redactSecrets(text).split('\n');
  const shown = lines.slice(0, maxLines).map((line) => safeText(line, maxChars));
  return lines.length > maxLines ? [...shown, `… (${lines.length - maxLines} more lines)`].join('\n') : shown.join('\n');
}
