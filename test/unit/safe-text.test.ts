import { describe, expect, it } from 'vitest';
import { formatJsonPath, PATH_KEY_MAX_CHARS, safeQuoted, safeText, SAFE_TEXT_MAX_CHARS } from '../../src/base/safe-text.ts';

describe('safeText', () => {
  it('keeps ordinary text, including non-ASCII letters and emoji', () => {
    expect(safeText('outputs/req-1.json')).toBe('outputs/req-1.json');
    expect(safeText('Grüße – 日本語 😀')).toBe('Grüße – 日本語 😀');
  });

  it('escapes C0 controls, DEL and C1 controls as \\xNN', () => {
    expect(safeText('a\nb\rc\td\x00e\x1b[31mf')).toBe('a\\x0Ab\\x0Dc\\x09d\\x00e\\x1B[31mf');
    expect(safeText('x\x7fy\x85z\x9b')).toBe('x\\x7Fy\\x85z\\x9B');
  });

  it('escapes the backslash, so an escape in the output is never ambiguous', () => {
    expect(safeText('a\\x0A')).toBe('a\\\\x0A');
  });

  it('escapes bidi and zero-width format characters as \\uNNNN', () => {
    const tricky = 'a\u200bb\u200fc\u202ed\u2066e\u2069f\ufeffg\u061ch';
    expect(safeText(tricky)).toBe('a\\u200Bb\\u200Fc\\u202Ed\\u2066e\\u2069f\\uFEFFg\\u061Ch');
    expect(safeText('line\u2028sep\u2029')).toBe('line\\u2028sep\\u2029');
  });

  it('escapes spaces other than U+0020, which would look like one', () => {
    expect(safeText('a b\u00a0c\u3000d\u2009e')).toBe('a b\\xA0c\\u3000d\\u2009e');
  });

  it('escapes lone surrogates but keeps surrogate pairs', () => {
    expect(safeText('a\ud800b\udc00c')).toBe('a\\uD800b\\uDC00c');
    expect(safeText('\ud83d\ude00')).toBe('😀');
    expect(safeText('\udbff')).toBe('\\uDBFF');
  });

  it('escapes astral format characters (tag characters) as their UTF-16 halves', () => {
    expect(safeText('a\u{E0041}b')).toBe('a\\uDB40\\uDC41b');
  });

  it(`truncates past ${SAFE_TEXT_MAX_CHARS} characters, saying how many were cut`, () => {
    expect(safeText('x'.repeat(SAFE_TEXT_MAX_CHARS))).toBe('x'.repeat(SAFE_TEXT_MAX_CHARS));
    expect(safeText('x'.repeat(SAFE_TEXT_MAX_CHARS + 1234))).toBe(`${'x'.repeat(SAFE_TEXT_MAX_CHARS)}… (1234 more characters)`);
    expect(safeText('abcdef', 5)).toBe('abcde… (1 more character)');
  });

  it('counts characters, not UTF-16 units, and never cuts a surrogate pair', () => {
    expect(safeText('😀😀😀', 2)).toBe('😀😀… (1 more character)');
    expect(safeText('😀😀', 2)).toBe('😀😀');
  });

  it('truncates before escaping, so an escape is never cut in half', () => {
    expect(safeText('\n\n\n', 2)).toBe('\\x0A\\x0A… (1 more character)');
  });
});

describe('safeQuoted', () => {
  it('quotes, escaping inner double quotes', () => {
    expect(safeQuoted('say "hi"\n')).toBe('"say \\"hi\\"\\x0A"');
  });
});

describe('formatJsonPath', () => {
  it('names the root', () => {
    expect(formatJsonPath([])).toBe('(root)');
  });

  it('writes identifiers with dots, other keys quoted in brackets, indexes in brackets', () => {
    expect(formatJsonPath(['outputs', 'req-1', 'result', 'success', 'signature'])).toBe('outputs["req-1"].result.success.signature');
    expect(formatJsonPath(['a', 3, 'b', 0])).toBe('a[3].b[0]');
    expect(formatJsonPath([3, 'x'])).toBe('[3].x');
    expect(formatJsonPath(['$ok', '_1', '1a', '', 'has space'])).toBe('$ok._1["1a"][""]["has space"]');
  });

  it('escapes quotes, backslashes and control characters inside quoted keys', () => {
    expect(formatJsonPath(['a"b', 'c\\d', 'e\nf', 'g\u202eh'])).toBe('["a\\"b"]["c\\\\d"]["e\\x0Af"]["g\\u202Eh"]');
  });

  it(`truncates a long key to ${PATH_KEY_MAX_CHARS} characters`, () => {
    expect(formatJsonPath(['k', '-'.repeat(PATH_KEY_MAX_CHARS + 5)])).toBe(`k["${'-'.repeat(PATH_KEY_MAX_CHARS)}… (5 more characters)"]`);
  });
});
