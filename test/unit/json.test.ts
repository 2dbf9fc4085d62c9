import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, JsonReadError, MAX_JSON_DEPTH, parseStrictJson } from '../../src/file/json.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Array<Uint8Array | number[]>): Uint8Array => new Uint8Array(parts.flatMap((p) => [...p]));

/** The JsonReadError thrown by `fn`. */
function refusal(fn: () => unknown): JsonReadError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonReadError);
    return error as JsonReadError;
  }
  throw new Error('expected a JsonReadError');
}
const parseError = (text: string): JsonReadError => refusal(() => parseStrictJson(text));
const decodeError = (...parts: Array<Uint8Array | number[]>): string => refusal(() => decodeUtf8Strict(concat(...parts))).message;

describe('decodeUtf8Strict', () => {
  it('decodes valid UTF-8, including 4-byte sequences and U+10FFFF', () => {
    expect(decodeUtf8Strict(utf8('{"a":"é€😀\u{10FFFF}\u{FFFF}"}'))).toBe('{"a":"é€😀\u{10FFFF}\u{FFFF}"}');
    expect(decodeUtf8Strict(new Uint8Array(0))).toBe('');
  });

  it('refuses a byte-order mark instead of dropping it', () => {
    const error = refusal(() => decodeUtf8Strict(utf8('\ufeff{}')));
    expect(error.message).toBe('starts with a UTF-8 byte-order mark (EF BB BF); save the file as UTF-8 without BOM');
    expect(error.offset).toBe(0);
  });

  it('keeps U+FEFF after the start, as text', () => {
    expect(decodeUtf8Strict(utf8('"\ufeff"'))).toBe('"\ufeff"');
  });

  it('names the first invalid byte with its byte offset, line and column (in characters)', () => {
    const error = refusal(() => decodeUtf8Strict(concat(utf8('{\n  "é": "'), [0xc3, 0x28], utf8('"}\n\xff'))));
    expect(error.message).toBe(
      'is not valid UTF-8: invalid byte 0xC3 at byte offset 11 (line 2, column 9): a truncated multi-byte sequence',
    );
    expect([error.offset, error.line, error.column]).toEqual([11, 2, 9]);
  });

  it('refuses overlong encodings', () => {
    expect(decodeError(utf8('ab'), [0xc0, 0xaf])).toBe(
      'is not valid UTF-8: invalid byte 0xC0 at byte offset 2 (line 1, column 3): an overlong encoding',
    );
    expect(decodeError([0xc1, 0xbf])).toMatch(/^is not valid UTF-8: invalid byte 0xC1 at byte offset 0 .*: an overlong encoding$/);
    expect(decodeError([0xe0, 0x80, 0xaf])).toMatch(/invalid byte 0xE0 at byte offset 0 .*: an overlong encoding$/);
    expect(decodeError([0xf0, 0x8f, 0xbf, 0xbf])).toMatch(/invalid byte 0xF0 at byte offset 0 .*: an overlong encoding$/);
  });

  it('refuses surrogates encoded in UTF-8 (CESU-8 / WTF-8)', () => {
    expect(decodeError(utf8('"'), [0xed, 0xa0, 0x80], utf8('"'))).toBe(
      'is not valid UTF-8: invalid byte 0xED at byte offset 1 (line 1, column 2): a UTF-16 surrogate (U+D800 to U+DFFF) encoded in UTF-8',
    );
    expect(decodeError([0xed, 0xbf, 0xbf])).toMatch(/invalid byte 0xED at byte offset 0 .*surrogate/);
    expect(decodeUtf8Strict(concat([0xed, 0x9f, 0xbf]))).toBe('\ud7ff');
  });

  it('refuses code points above U+10FFFF', () => {
    expect(decodeError([0xf4, 0x90, 0x80, 0x80])).toMatch(/invalid byte 0xF4 at byte offset 0 .*: a code point above U\+10FFFF$/);
    expect(decodeError([0x41, 0xf5, 0x80, 0x80, 0x80])).toMatch(/invalid byte 0xF5 at byte offset 1 .*: a code point above U\+10FFFF$/);
    expect(decodeError([0xf8])).toMatch(/invalid byte 0xF8 at byte offset 0 .*: a byte never used in UTF-8$/);
  });

  it('refuses truncated sequences, in the middle and at the end', () => {
    expect(decodeError([0xe2, 0x82, 0x41])).toMatch(/invalid byte 0xE2 at byte offset 0 .*: a truncated multi-byte sequence$/);
    expect(decodeError(utf8('€'), [0xe2, 0x82])).toBe(
      'is not valid UTF-8: invalid byte 0xE2 at byte offset 3 (line 1, column 2): a multi-byte sequence cut off by the end of the file',
    );
  });

  it('refuses a stray continuation byte', () => {
    expect(decodeError(utf8('a\nb\n'), [0x80])).toBe(
      'is not valid UTF-8: invalid byte 0x80 at byte offset 4 (line 3, column 1): a continuation byte without a lead byte',
    );
  });

  it('hints at UTF-16 when the file starts with a UTF-16 byte-order mark', () => {
    expect(decodeError([0xff, 0xfe, 0x7b, 0x00])).toBe(
      'is not valid UTF-8: invalid byte 0xFF at byte offset 0 (line 1, column 1): a byte never used in UTF-8; ' +
        'the file looks like UTF-16, save it as UTF-8',
    );
  });
});

describe('parseStrictJson', () => {
  it('returns the value the text holds, as JSON.parse does: escapes decoded, "__proto__" an own key', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\n\\u00e9\\ud83d\\ude00"],"b":{},"c":[],"__proto__":{"d":0}}';
    const parsed = parseStrictJson(text);
    // A computed key makes "__proto__" an own property, as in a parsed document (a plain one would set the prototype).
    expect(parsed).toEqual({ a: [1, -2500, true, false, null, 'x\né😀'], b: {}, c: [], ['__proto__']: { d: 0 } });
    expect(Object.keys(parsed as object)).toEqual(['a', 'b', 'c', '__proto__']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    // The engine's own parser, a second implementation of the same grammar, agrees.
    expect(parsed).toEqual(JSON.parse(text));
    expect(parseStrictJson(' \t\r\n"top" ')).toBe('top');
    expect(parseStrictJson('1e308')).toBe(1e308);
    expect(parseStrictJson('-0')).toBe(-0);
  });

  it('refuses an empty document', () => {
    expect(() => parseStrictJson('')).toThrow(/^invalid JSON: the document is empty$/);
    expect(() => parseStrictJson(' \n\t ')).toThrow(/^invalid JSON: the document is only white space$/);
  });

  describe('syntax errors, at the first error with 1-based line and column', () => {
    const cases: Array<[string, string]> = [
      ['{"a":1,}', 'invalid JSON at line 1, column 7: trailing comma before "}"'],
      ['[1,\n 2,\n]', 'invalid JSON at line 2, column 3: trailing comma before "]"'],
      ['{"a" 1}', 'invalid JSON at line 1, column 6: expected ":" after the property name, found "1"'],
      ["{'a':1}", 'invalid JSON at line 1, column 2: expected a property name in double quotes, found "\'"'],
      ['{"a":\'x\'}', 'invalid JSON at line 1, column 6: expected a value, found "\'" (JSON strings take double quotes)'],
      ['[01]', 'invalid JSON at line 1, column 2: invalid number "01"'],
      ['[1.]', 'invalid JSON at line 1, column 2: invalid number "1."'],
      ['[-]', 'invalid JSON at line 1, column 2: invalid number "-"'],
      ['[NaN]', 'invalid JSON at line 1, column 2: expected a value, found "NaN"'],
      ['{"a":tru}', 'invalid JSON at line 1, column 6: expected a value, found "tru"'],
      ['{"a":"x\ny"}', 'invalid JSON at line 1, column 8: unescaped control character U+000A in a string'],
      ['["\\x"]', 'invalid JSON at line 1, column 3: invalid escape "\\\\x" in a string'],
      ['["\\u12G4"]', 'invalid JSON at line 1, column 3: invalid escape "\\\\u12G4": "\\u" takes four hex digits'],
      ['{"a":1} x', 'invalid JSON at line 1, column 9: unexpected "x" after the end of the JSON value'],
      ['{"a":1}{}', 'invalid JSON at line 1, column 8: unexpected "{" after the end of the JSON value'],
      ['{"a":"abc', 'invalid JSON at line 1, column 6: unterminated string (no closing double quote)'],
      ['{"a":1', 'invalid JSON at line 1, column 7: expected "," or "}" after a property value, found the end of the text'],
      ['[1 2]', 'invalid JSON at line 1, column 4: expected "," or "]" after an array element, found "2"'],
      ['{"a":1 // no\n}', 'invalid JSON at line 1, column 8: expected "," or "}" after a property value, found "/"'],
      ['\ufeff{}', 'invalid JSON at line 1, column 1: expected a value, found "\\uFEFF"'],
      ['{"a":1}\u00a0', 'invalid JSON at line 1, column 8: unexpected "\\xA0" after the end of the JSON value'],
    ];
    it.each(cases)('%j', (text, message) => {
      expect(parseError(text).message).toBe(message);
    });

    it('names the innermost container in nested documents', () => {
      const text = '{\n  "outputs": {\n    "req-1": {"type": "x",, "result": {}}\n  }\n}';
      const error = parseError(text);
      expect(error.message).toBe(
        'invalid JSON at line 3, column 27 (in outputs["req-1"]): expected a property name in double quotes, found ","',
      );
      expect([error.line, error.column, error.offset, error.jsonPath]).toEqual([3, 27, text.indexOf(',,') + 1, 'outputs["req-1"]']);
    });

    it('counts columns in characters, not UTF-16 units', () => {
      expect(() => parseStrictJson('["😀😀", x]')).toThrow(/^invalid JSON at line 1, column 8: expected a value, found "x"$/);
    });

    it('reports the first problem in document order, whichever kind it is', () => {
      expect(() => parseStrictJson('{"a":1,"a":2,}')).toThrow(/^duplicate key "a" at \(root\) \(line 1, column 8\)$/);
      expect(() => parseStrictJson('{"a":1,,"a":2}')).toThrow(/^invalid JSON at line 1, column 8: expected a property name/);
    });
  });

  describe('duplicate keys', () => {
    it('refuses one at the root, naming it and where it is', () => {
      const text = '{\n  "type": "keystore-output",\n  "status": "complete",\n  "status": "failed"\n}';
      const error = parseError(text);
      expect(error.message).toBe('duplicate key "status" at (root) (line 4, column 3)');
      expect(error.jsonPath).toBe('(root)');
    });

    it('refuses one in a nested object, naming the object that holds it', () => {
      expect(() => parseStrictJson('{"outputs":{"req-1":{"type":"a","result":{},"type":"b"}}}')).toThrow(
        /^duplicate key "type" at outputs\["req-1"\] \(line 1, column 45\)$/,
      );
      expect(() => parseStrictJson('[{}, {"x": [0, {"k": 1, "k": 1}]}]')).toThrow(/^duplicate key "k" at \[1\]\.x\[1\] /);
    });

    it('compares keys after decoding escapes', () => {
      expect(() => parseStrictJson('{"a":1,"\\u0061":2}')).toThrow(/^duplicate key "a" at \(root\) \(line 1, column 8\)$/);
      expect(() => parseStrictJson('{"\\/":1,"/":2}')).toThrow(/^duplicate key "\/" at \(root\)/);
      expect(() => parseStrictJson('{"é":1,"\\u00E9":2}')).toThrow(/^duplicate key "é" at \(root\)/);
    });

    it('finds duplicates in large objects, past the in-place comparison', () => {
      const keys = Array.from({ length: 100 }, (_, i) => `"k${i}":${i}`);
      expect(() => parseStrictJson(`{${keys.join(',')},"k57":0}`)).toThrow(/^duplicate key "k57" at \(root\) \(line 1, column \d+\)$/);
      expect(() => parseStrictJson(`{${keys.join(',')},"k\\u0035":0}`)).toThrow(/^duplicate key "k5" at \(root\)/);
    });

    it('keeps keys of sibling and nested objects apart', () => {
      expect(parseStrictJson('[{"a":1},{"a":2,"b":{"a":3,"b":4}}]')).toEqual([{ a: 1 }, { a: 2, b: { a: 3, b: 4 } }]);
      expect(parseStrictJson('{"a":{"x":1},"b":{"x":1}}')).toEqual({ a: { x: 1 }, b: { x: 1 } });
    });

    it('tells keys apart that differ only in case, or are prefixes of each other', () => {
      expect(parseStrictJson('{"a":1,"A":2,"ab":3,"":4}')).toEqual({ a: 1, A: 2, ab: 3, '': 4 });
    });

    it('shows a hostile key safely', () => {
      expect(() => parseStrictJson('{"\\u202e\\n":1,"\\u202e\\n":2}')).toThrow(
        /^duplicate key "\\u202E\\x0A" at \(root\) \(line 1, column 15\)$/,
      );
    });
  });

  describe('nesting depth', () => {
    it(`accepts ${MAX_JSON_DEPTH} levels`, () => {
      const text = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
      let expected: unknown[] = [];
      for (let level = 1; level < MAX_JSON_DEPTH; level++) expected = [expected];
      expect(parseStrictJson(text)).toEqual(expected);
    });

    it(`refuses ${MAX_JSON_DEPTH + 1} levels, at the bracket that goes too deep`, () => {
      const text = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
      expect(parseError(text).message).toBe('JSON nested deeper than 512 levels at line 1, column 513');
      expect(() => parseStrictJson('{"a":'.repeat(600) + '1' + '}'.repeat(600))).toThrow(
        /^JSON nested deeper than 512 levels at line 1, column 2561$/,
      );
    });

    it('refuses 100,000 levels without overflowing the stack', () => {
      expect(() => parseStrictJson('['.repeat(100_000))).toThrow(/^JSON nested deeper than 512 levels at line 1, column 513$/);
      expect(() => parseStrictJson('['.repeat(100_000) + ']'.repeat(100_000))).toThrow(/^JSON nested deeper than 512 levels/);
    });
  });

  describe('escaped lone surrogates', () => {
    it('refuses them in values, with the path and location', () => {
      const error = parseError('{"outputs": {"x": {"s": "ab\\ud800"}}}');
      expect(error.message).toBe(
        'the string at outputs.x.s holds an escaped lone surrogate "\\ud800" (line 1, column 28); JSON parsers decode these differently',
      );
      expect(error.jsonPath).toBe('outputs.x.s');
      expect(() => parseStrictJson('["ok", "\\udc00x"]')).toThrow(
        /^the string at \[1\] holds an escaped lone surrogate "\\udc00" \(line 1, column 9\)/,
      );
    });

    it('refuses a high surrogate not followed by a low one', () => {
      expect(() => parseStrictJson('["\\uD83D\\u0041"]')).toThrow(/^the string at \[0\] holds an escaped lone surrogate "\\uD83D"/);
      expect(() => parseStrictJson('["\\uD83D\\uD83D"]')).toThrow(/lone surrogate "\\uD83D" \(line 1, column 3\)/);
      expect(() => parseStrictJson('["\\ud83d"]')).toThrow(/lone surrogate "\\ud83d"/);
    });

    it('refuses them in keys, naming the object', () => {
      expect(() => parseStrictJson('{"a": {"\\udfff": 1}}')).toThrow(
        /^a property name in a holds an escaped lone surrogate "\\udfff" \(line 1, column 9\); JSON parsers decode these differently$/,
      );
    });

    it('accepts escaped surrogate pairs', () => {
      expect(parseStrictJson('{"\\ud83d\\ude00":"\\uD83D\\uDE00"}')).toEqual({ '😀': '😀' });
    });

    it('refuses raw lone surrogates in text that did not come from decodeUtf8Strict', () => {
      expect(() => parseStrictJson('{"a": "x\ud800"}')).toThrow(/^invalid JSON text: a lone UTF-16 surrogate U\+D800 at line 1, column 9$/);
    });
  });

  describe('numbers out of range for a double', () => {
    it('refuses them with their path and location', () => {
      const error = parseError('{"outputs":{"req-1":{"n":1e999}}}');
      expect(error.message).toBe('number 1e999 at outputs["req-1"].n is out of range for a double (line 1, column 26)');
      expect(error.jsonPath).toBe('outputs["req-1"].n');
      expect(() => parseStrictJson('[0, -1e400]')).toThrow(/^number -1e400 at \[1\] is out of range for a double \(line 1, column 5\)$/);
      expect(() => parseStrictJson('1E+309')).toThrow(/^number 1E\+309 at \(root\) is out of range/);
    });

    it('refuses long integers that overflow, showing them shortened', () => {
      expect(() => parseStrictJson(`[1${'0'.repeat(400)}]`)).toThrow(
        /^number 1(0){39}… \(361 more characters\) at \[0\] is out of range for a double \(line 1, column 2\)$/,
      );
    });

    it('accepts the largest doubles, underflow to zero, and long numbers that fit', () => {
      expect(parseStrictJson('[1.7976931348623157e308, -1.7976931348623157e308, 1e-400]')).toEqual([
        1.7976931348623157e308, -1.7976931348623157e308, 0,
      ]);
      expect(parseStrictJson(`1${'0'.repeat(307)}`)).toBe(1e307);
      expect(parseStrictJson(`0.${'1'.repeat(500)}`)).toBeCloseTo(0.1111111);
    });
  });

  it('fills in offset, line and column on every located error', () => {
    const error = parseError('{\n  "a": [1,\n  2,\n  ]\n}');
    expect(error.message).toBe('invalid JSON at line 3, column 4 (in a): trailing comma before "]"');
    expect([error.line, error.column, error.offset]).toEqual([3, 4, 16]);
  });
});

describe('parseStrictJson against JSON.parse (property-based)', () => {
  /** Whether the text holds an escaped lone surrogate, which parseStrictJson refuses by design. */
  const loneEscape = (text: string): boolean =>
    /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F]/.test(text);

  /** `value` with every -0 made 0, as serializing it does. */
  const withoutNegativeZero = (value: unknown): unknown => {
    if (Object.is(value, -0)) return 0;
    if (Array.isArray(value)) return value.map(withoutNegativeZero);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNegativeZero(item)]));
    }
    return value;
  };

  it('returns the value serialized, as JSON.parse does, for any value, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        fc.pre(!loneEscape(text));
        const parsed = parseStrictJson(text);
        // The generated value itself is the expected one (JSON.stringify writes -0 as 0); the engine's parser agrees on it too.
        expect(parsed).toEqual(withoutNegativeZero(value));
        expect(parsed).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('finds every error JSON.parse finds itself, in its own words (mutated documents)', () => {
    const edit = fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...'{}[],:"\\ \nu0e-.+tfnaxd8'));
    fc.assert(
      fc.property(fc.json(), fc.array(edit, { minLength: 1, maxLength: 3 }), (json, edits) => {
        let text = json;
        for (const [at, kind, ch] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + (kind === 1 ? '' : ch) + text.slice(kind === 0 ? i : i + 1);
        }
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (valid) return;
        const error = refusal(() => parseStrictJson(text));
        expect(error.cause, error.message).toBeUndefined(); // not the engine's fallback
        expect(error.message).toMatch(/^(invalid JSON|duplicate key|JSON nested|the string at|a property name|number )/);
      }),
      { numRuns: 2000 },
    );
  });
});
