/**
 * Fuzzes the reader the action uses, parseOutputFile: whatever the bytes, it returns a valid
 * output or throws a OutputFileError whose message starts with the file's display name,
 * shows no raw control or bidi character, stays short, and wraps one of the readers' own errors
 * (never a RangeError, a TypeError or a stack overflow); and it never hangs.
 *
 * No test here measures how long parsing takes: `npm run bench` does (scripts/bench/large-outputs.ts).
 * The exhaustive edits (every length, every byte) skip the places where they would only repeat
 * themselves: the inside of a run of hex digits, the middle of an entry's stored bytes, and the
 * archive truncated anywhere before its central directory (see the selections below).
 */
import fc from 'fast-check';
import { inspect } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { JsonReadError, MAX_JSON_DEPTH } from '../../src/file/json.ts';
import { OutputFileError, parseOutputFile, type OutputFile } from '../../src/file/output-file.ts';
import { validateKeystoreOutput } from '../../src/documents/keystore-output.ts';
import { SchemaError } from '../../src/documents/violations.ts';
import { PATH_KEY_MAX_CHARS, safeText } from '../../src/base/safe-text.ts';
import { MAX_LISTED_REFUSED_ENTRIES, ZIP_MAX_ENTRIES, ZIP_MAX_RATIO, ZIP_MAX_TOTAL_UNCOMPRESSED, ZipError } from '../../src/file/zip.ts';
import { fixtureText } from '../helpers/e2e.ts';
import { codePointArb, jsonCopy, keystoreOutputArb, makeOnchainOutput, type JsonObject } from '../helpers/output-generators.ts';
import { makeZip, type ZipEntrySpec } from '../helpers/zip-writer.ts';

const MiB = 1024 * 1024;
const DISPLAY = 'outputs/keystore-output.json';
/** Messages of fuzzed inputs stay under this. */
const MAX_MESSAGE_CHARS = 20_000;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Array<Uint8Array | number[]>): Uint8Array => new Uint8Array(parts.flatMap((p) => [...p]));
const ONCHAIN = fixtureText('onchain-sign-output.json');
const POC = fixtureText('proof-of-control-output.json');
const zipOf = (entries: ZipEntrySpec[]): Uint8Array => makeZip(entries);
const VALID_ZIP_DEFLATED = zipOf([{ name: 'keystore-output.json', data: ONCHAIN }]);
const VALID_ZIP_STORED = zipOf([
  { name: 'README.txt', data: 'not an output', method: 0 },
  { name: 'out/keystore-output.json', data: POC, method: 0 },
]);

/** Raw C0 controls, DEL, C1 controls, bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const READER_ERRORS = [JsonReadError, ZipError, SchemaError];

/**
 * Parses `bytes` and checks the only allowed outcomes: a valid result, or a clean
 * OutputFileError. Returns the message, or undefined when the file was accepted.
 */
function outcome(bytes: Uint8Array, display = DISPLAY, maxMessage = MAX_MESSAGE_CHARS): string | undefined {
  let result: OutputFile | undefined;
  let thrown: unknown;
  try {
    result = parseOutputFile(bytes, display);
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) {
    const file = result!;
    expect(file.output.type).toBe('keystore-output');
    expect(() => validateKeystoreOutput(JSON.parse(file.jsonText))).not.toThrow();
    expect(file.bytes).toBe(bytes);
    return undefined;
  }
  if (!(thrown instanceof OutputFileError)) {
    throw new Error(`expected a OutputFileError, got ${inspect(thrown)}`, { cause: thrown });
  }
  const { message, cause } = thrown;
  if (cause !== undefined && !READER_ERRORS.some((type) => cause instanceof type)) {
    throw new Error(`the error wraps ${inspect(cause)}, not a reader's own error`, { cause });
  }
  checkMessage(message, display, maxMessage);
  return message;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Starts with the escaped display name; no raw control or bidi character; bounded. */
function checkMessage(message: string, display: string, max = MAX_MESSAGE_CHARS): void {
  expect(message).toMatch(new RegExp(`^${escapeRegExp(safeText(display))}(?:: | \\(entry ")`));
  expect(message, 'a raw control or bidi character').not.toMatch(FORBIDDEN);
  // Line feeds only start the lines of a schema error's list of violations.
  for (const line of message.split('\n').slice(1)) expect(line).toMatch(/^ {2}(?:- |… and \d+ more$)/);
  expect(message.length).toBeLessThan(max);
}

/** The message of the refusal of `bytes`; fails if they are accepted. */
function refusal(bytes: Uint8Array, display = DISPLAY, maxMessage = MAX_MESSAGE_CHARS): string {
  const message = outcome(bytes, display, maxMessage);
  if (message === undefined) expect.fail('expected the file to be refused');
  return message;
}

/** Whether a string or key anywhere in `value` holds a lone surrogate. */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return !value.isWellFormed();
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([k, v]) => !k.isWellFormed() || hasLoneSurrogate(v));
  }
  return false;
}

const VALID_ZIPS = [VALID_ZIP_DEFLATED, VALID_ZIP_STORED];
/** The bytes of a valid file up to its trailing white space: truncated shorter, it is invalid. */
const trimmedLength = (text: string): number => utf8(text.trimEnd()).byteLength;

/**
 * The offsets of `text`, an ASCII text (one byte per character), but the inside of its runs of
 * 8 or more hex digits (their first and last two digits are kept). Inside such a run an offset
 * has hex digits on both sides: a change or a cut there gives the outcome it gives two digits
 * from the run's ends. (When this was chosen, the outcomes of every offset and of these ones
 * were compared, messages with their numbers masked: the same 83 kinds of changes, 37 and 27
 * kinds of cuts.)
 */
function offsetsOutsideHexRuns(text: string): number[] {
  const inside = new Set<number>();
  for (const run of text.matchAll(/[0-9a-f]{8,}/g)) {
    for (let i = run.index + 2; i < run.index + run[0].length - 2; i++) inside.add(i);
  }
  return Array.from({ length: text.length }, (_, i) => i).filter((i) => !inside.has(i));
}

/** The lengths a valid file is cut to: every one short of the trimmed file, but cuts inside a run of hex digits. */
const fileCuts = (text: string): number[] => offsetsOutsideHexRuns(text).filter((n) => n < trimmedLength(text));

/**
 * The single-byte changes of a valid file, as [offset, value]: five values that break the JSON
 * (a neighbouring character, the other case or a control character, NUL, a quote, a backslash)
 * at each offset outside the runs of hex digits; and two that break the UTF-8 (the high bit
 * set, 0xFF) at the first offset of each byte value: the decoder's verdict depends on the byte
 * and the ASCII that follows it, not on where it stands.
 */
function fileByteChanges(text: string): Array<[number, number]> {
  const bytes = utf8(text);
  const changes: Array<[number, number]> = [];
  for (const i of offsetsOutsideHexRuns(text)) {
    for (const value of [bytes[i]! ^ 0x01, bytes[i]! ^ 0x20, 0x00, 0x22, 0x5c]) changes.push([i, value]);
  }
  const firstOfEachValue = new Map<number, number>();
  bytes.forEach((byte, i) => firstOfEachValue.set(byte, firstOfEachValue.get(byte) ?? i));
  for (const i of firstOfEachValue.values()) changes.push([i, bytes[i]! ^ 0x80], [i, 0xff]);
  return changes;
}

/** The data of each entry of a zip makeZip wrote (local headers without extra fields or data descriptors). */
function entryData(zip: Uint8Array): Array<{ start: number; end: number; stored: boolean }> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const entries: Array<{ start: number; end: number; stored: boolean }> = [];
  for (let at = 0; view.getUint32(at, true) === 0x04034b50;) {
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + view.getUint32(at + 18, true);
    entries.push({ start, end, stored: view.getUint16(at + 8, true) === 0 });
    at = end;
  }
  return entries;
}

/**
 * The single-byte changes of a valid zip, as [offset, value] (a bit flipped low or high, 0x00,
 * 0xFF): all four at every byte of the headers, the central directory and the end record; in an
 * entry's data, all four at its first and last two bytes and at every 16th, and one bit flipped
 * at every other byte of deflated data (each gives the inflater another stream to refuse). The
 * other changes of stored bytes all fail the same CRC-32 check, and were left out; so were the
 * other three values inside deflated data (none of their outcomes was missing without them).
 */
function zipByteChanges(zip: Uint8Array): Array<[number, number]> {
  const data = entryData(zip);
  const changes: Array<[number, number]> = [];
  for (let i = 0; i < zip.byteLength; i++) {
    const values = [zip[i]! ^ 0x01, zip[i]! ^ 0x80, 0x00, 0xff];
    const entry = data.find(({ start, end }) => i >= start && i < end);
    const everyValue = !entry || i < entry.start + 2 || i >= entry.end - 2 || (i - entry.start) % 16 === 0;
    if (everyValue) for (const value of values) changes.push([i, value]);
    else if (!entry.stored) changes.push([i, values[0]!]);
  }
  return changes;
}

/**
 * The lengths a valid zip is cut to: every one from its central directory on, the first eight,
 * and every 16th in between. Cut anywhere before its central directory, a zip has lost its end
 * record just the same (the outcome of every length was the same there).
 */
function zipCuts(zip: Uint8Array): number[] {
  const directory = new DataView(zip.buffer, zip.byteOffset, zip.byteLength).getUint32(zip.byteLength - 22 + 16, true);
  return Array.from({ length: zip.byteLength }, (_, n) => n).filter((n) => n < 8 || n >= directory || n % 16 === 0);
}

/** fast-check runs of the property tests below. */
const RUNS = {
  randomBytes: 1_000,
  /** Two inputs per run. */
  zipSignatures: 500,
  jsonishText: 1_000,
  jsonValues: 300,
  /** Two inputs per run: the generated output, then an edit of it. */
  editedOutputs: 500,
  /** Both zips in each run. */
  changedZips: 1_000,
  hostileNames: 300,
};

/**
 * The configured fuzz budget: how many inputs each fuzz test is set to parse, from its run counts
 * and the sizes of the files it edits. The tests take their run counts from RUNS; the budget
 * check at the end sums these.
 */
const FUZZ_INPUTS = {
  validFiles: 2 + VALID_ZIPS.length,
  randomBytes: RUNS.randomBytes,
  zipSignatures: 2 * RUNS.zipSignatures,
  jsonishText: RUNS.jsonishText,
  /** The JSON values, then two inputs for each generated output. */
  jsonValues: RUNS.jsonValues + 2 * RUNS.editedOutputs,
  /** The cuts of each file, and the trimmed file. */
  truncatedFiles: [ONCHAIN, POC].reduce((n, text) => n + fileCuts(text).length + 1, 0),
  truncatedZips: VALID_ZIPS.reduce((n, zip) => n + zipCuts(zip).length, 0),
  changedFileBytes: fileByteChanges(ONCHAIN).length,
  changedZipBytes: VALID_ZIPS.reduce((n, zip) => n + zipByteChanges(zip).length, 0),
  changedZipRuns: VALID_ZIPS.length * RUNS.changedZips,
  /** Four fixed inputs, then the random ones. */
  hostileNames: 4 + RUNS.hostileNames,
};

describe('parseOutputFile on fuzzed input: a valid output, or an OutputFileError with a safe, bounded message', () => {
  it('accepts the valid files it is fuzzed from', () => {
    for (const bytes of [utf8(ONCHAIN), utf8(POC), ...VALID_ZIPS]) {
      expect(outcome(bytes)).toBeUndefined();
    }
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_048 }), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: RUNS.randomBytes },
    );
  });

  it('random bytes after a zip signature, and random tails after a valid zip head', () => {
    const head = VALID_ZIP_DEFLATED.subarray(0, 60);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1_024 }), fc.boolean(), (bytes, long) => {
        outcome(concat(long ? head : [0x50, 0x4b, 0x03, 0x04], bytes));
        outcome(concat([0x50, 0x4b, 0x05, 0x06], bytes));
      }),
      { numRuns: RUNS.zipSignatures },
    );
  });

  it('random JSON-ish text', () => {
    const token = fc.constantFrom(
      ...'{}[]":,0123456789-+.eE \n\t\r\\/u'.split(''),
      'true',
      'false',
      'null',
      'nul',
      '"a"',
      '"__proto__"',
      '"type"',
      '"keystore-output"',
      '1e999',
      '-1e309',
      '\\ud800',
      '\\udc00',
      '\\u0000',
      '\\x',
      '\u0000',
      '\u001b',
      '\u202e',
      'é',
      '😀',
      '\ud800',
      "'",
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 200 }), (tokens) => {
        outcome(utf8(tokens.join('')));
      }),
      { numRuns: RUNS.jsonishText },
    );
  });

  it('random JSON values, and generated outputs edited as text (each accepted before the edit)', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        outcome(utf8(text));
      }),
      { numRuns: RUNS.jsonValues },
    );
    fc.assert(
      fc.property(keystoreOutputArb(), fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 4 }), (doc, at, cut, insert) => {
        const text = JSON.stringify(jsonCopy(doc), null, 1);
        const i = at % (text.length + 1);
        // As generated: accepted, unless JSON.stringify had to escape a lone surrogate.
        const message = outcome(utf8(text));
        if (hasLoneSurrogate(doc)) expect(message).toContain('holds an escaped lone surrogate');
        else expect(message).toBeUndefined();
        outcome(utf8(text.slice(0, i) + insert + text.slice(i + cut)));
      }),
      { numRuns: RUNS.editedOutputs },
    );
  });

  it('a valid file truncated at every length is refused, with a UTF-8 or syntax error', () => {
    for (const text of [ONCHAIN, POC]) {
      const bytes = utf8(text);
      expect(bytes.byteLength, 'an ASCII fixture').toBe(text.length);
      const end = trimmedLength(text); // cut only trailing white space: still valid
      expect(outcome(bytes.subarray(0, end))).toBeUndefined();
      for (const n of fileCuts(text)) {
        const message = refusal(bytes.subarray(0, n));
        if (n === 0) expect(message).toBe(`${DISPLAY}: invalid JSON: the document is empty`);
        // Cut inside a multi-byte character or the JSON: a UTF-8 or a syntax error, never a schema error.
        else expect(message).toMatch(/^outputs\/keystore-output\.json: (invalid JSON|is not valid UTF-8|JSON)/);
      }
    }
  });

  it('a valid zip truncated at every length is refused', () => {
    for (const zip of VALID_ZIPS) {
      for (const n of zipCuts(zip)) refusal(zip.subarray(0, n));
    }
  });

  it('every single-byte change of a valid file; most are refused', () => {
    const bytes = utf8(ONCHAIN);
    expect(bytes.byteLength, 'an ASCII fixture').toBe(ONCHAIN.length);
    const changes = fileByteChanges(ONCHAIN);
    let refused = 0;
    for (const [i, value] of changes) {
      const copy = bytes.slice();
      copy[i] = value;
      if (outcome(copy) !== undefined) refused++;
    }
    expect(refused / changes.length, `${refused} of ${changes.length} changes refused`).toBeGreaterThan(0.5); // most changes break the file
  });

  it('every single-byte change of a valid zip', () => {
    for (const zip of VALID_ZIPS) {
      for (const [i, value] of zipByteChanges(zip)) {
        const copy = zip.slice();
        copy[i] = value;
        outcome(copy);
      }
    }
  });

  it('random multi-byte changes of a valid zip', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (changes) => {
        for (const zip of VALID_ZIPS) {
          const copy = zip.slice();
          for (const [at, value] of changes) copy[at % copy.byteLength] = value;
          outcome(copy);
        }
      }),
      { numRuns: RUNS.changedZips },
    );
  });

  it('hostile display names are escaped at the start of every message', () => {
    const display = 'dir/\u001b[2J\u202eevil\u0000.json';
    expect(safeText(display)).toBe('dir/\\x1B[2J\\u202Eevil\\x00.json');
    for (const bytes of [utf8('{'), utf8('{}'), concat([0xed, 0xa0, 0x80]), VALID_ZIP_DEFLATED.subarray(0, 100)]) {
      refusal(bytes, display);
    }
    fc.assert(
      fc.property(fc.string({ unit: codePointArb, maxLength: 30 }), fc.uint8Array({ maxLength: 64 }), (name, bytes) => {
        outcome(bytes, name);
      }),
      { numRuns: RUNS.hostileNames },
    );
  });

  it('the configured fuzz budget is more than 10,000 inputs', () => {
    // A check of the configuration above (RUNS and the sizes of the edited files), not of what the tests parsed.
    const total = Object.values(FUZZ_INPUTS).reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThan(10_000);
  });
});

describe('parseOutputFile on hostile JSON', () => {
  const depthError = (column: number): string => `${DISPLAY}: JSON nested deeper than ${MAX_JSON_DEPTH} levels at line 1, column ${column}`;

  it.each([
    ['100,000 unclosed [', '['.repeat(100_000), MAX_JSON_DEPTH + 1],
    ['100,000 balanced [ ]', `${'['.repeat(100_000)}1${']'.repeat(100_000)}`, MAX_JSON_DEPTH + 1],
    ['100,000 unclosed {"a":', '{"a":'.repeat(100_000), 5 * MAX_JSON_DEPTH + 1],
    ['100,000 balanced {"a": }', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 5 * MAX_JSON_DEPTH + 1],
  ])('nesting: %s is refused at the first level past the limit, without overflowing the stack', (_name, text, column) => {
    const message = refusal(utf8(text));
    expect(message).toBe(depthError(column));
  });

  it('nesting inside an archive entry, and nesting at the limit in an extra field', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const zip = zipOf([{ name: 'keystore-output.json', data: deep }]);
    expect(refusal(zip, 'out.zip')).toBe(
      `out.zip (entry "keystore-output.json"): JSON nested deeper than ${MAX_JSON_DEPTH} levels at line 1, column ${MAX_JSON_DEPTH + 1}`,
    );
    // The root object is one level: an extra field may nest 511 more.
    const at = (levels: number): string =>
      ONCHAIN.replace('"generated_at"', `"deep": ${'['.repeat(levels)}${']'.repeat(levels)}, "generated_at"`);
    expect(outcome(utf8(at(MAX_JSON_DEPTH - 1)))).toBeUndefined();
    expect(refusal(utf8(at(MAX_JSON_DEPTH)))).toMatch(
      /^outputs\/keystore-output\.json: JSON nested deeper than 512 levels at line 33, column 522$/,
    );
  });

  // Large, not huge: how fast large files are read is measured by `npm run bench`, not here.
  // 3,000 signatures spread over 10 requests: 1.2 MB, so the archive's entry is over the 1 MiB
  // from which its compression ratio is checked, and each map holds 300 keys, past the 16 whose
  // duplicates are found without a Set.
  it('a large generated output, as JSON and as an archive, is accepted whole', () => {
    const text = makeOnchainOutput(3_000, { requests: 10 });
    expect(text.length).toBeGreaterThan(MiB);
    const expected = JSON.parse(text) as unknown;
    const json = utf8(text);
    for (const [bytes, display] of [
      [json, DISPLAY],
      [makeZip([{ name: 'keystore-output.json', data: text }]), 'out.zip'],
    ] as const) {
      expect(outcome(bytes, display)).toBeUndefined();
      const file = parseOutputFile(bytes, display);
      expect(file.jsonText).toBe(text.trim());
      expect(file.output).toEqual(expected);
    }
    expect(makeOnchainOutput(3_000, { requests: 10 })).toBe(text); // deterministic
  });

  // 2 MiB: a long string is kept whole, escapes decoded; any length past the few characters a
  // message quotes shows the same (the 30 MB these once were only made the timing meaningful).
  it('a 2 MiB string in an extra field is accepted, and kept', () => {
    const huge = 'x'.repeat(2 * MiB);
    const bytes = utf8(ONCHAIN.replace('"generated_at"', `"padding": "${huge}", "generated_at"`));
    expect(outcome(bytes)).toBeUndefined();
    const file = parseOutputFile(bytes, DISPLAY);
    expect((file.output as Record<string, unknown>)['padding']).toBe(huge);
  });

  it('a 2 MiB string of escapes is accepted, each escape decoded', () => {
    const bytes = utf8(ONCHAIN.replace('"generated_at"', `"padding": "${'\\n\\u00e9'.repeat(MiB / 4)}", "generated_at"`));
    expect(bytes.byteLength).toBeGreaterThan(2 * MiB);
    expect(outcome(bytes)).toBeUndefined();
    expect((parseOutputFile(bytes, DISPLAY).output as Record<string, unknown>)['padding']).toBe('\né'.repeat(MiB / 4));
  });

  it('a 1 MiB key is cut short in messages, and so is a deep path of long keys', () => {
    const key = 'k'.repeat(MiB); // an identifier: formatted .key, unless too long
    const duplicate = utf8(ONCHAIN.replace('"generated_at"', `"${key}": {"a": 1, "a": 2}, "generated_at"`));
    const message = refusal(duplicate);
    expect(message).toMatch(
      new RegExp(
        `^outputs/keystore-output\\.json: duplicate key "a" at \\["k{${PATH_KEY_MAX_CHARS}}… \\(${MiB - PATH_KEY_MAX_CHARS} more characters\\)"\\] \\(line 33, column ${MiB + 16}\\)$`,
      ),
    );
    const wide = '\u200b'.repeat(PATH_KEY_MAX_CHARS); // escaped as \u200B: six characters each
    const deepPath = `${`{"${wide}":`.repeat(MAX_JSON_DEPTH - 1)}1e999${'}'.repeat(MAX_JSON_DEPTH - 1)}`;
    const deepMessage = refusal(utf8(deepPath));
    expect(deepMessage).toContain(`[… ${MAX_JSON_DEPTH - 1 - 16} levels …]`);
    expect(deepMessage).toMatch(/is out of range for a double \(line 1, column \d+\)$/);
  });

  it.each([
    ['1e999', '1e999'],
    ['-1e999', '-1e999'],
    ['1E+400', '1E+400'],
    ['a 400-digit integer', '9'.repeat(400)],
  ])('a number out of range (%s) is refused with its path', (_name, number) => {
    const root = ONCHAIN.replace('"generated_at": "2026-11-20T09:14:03Z"', `"generated_at": ${number}`);
    expect(refusal(utf8(root))).toMatch(
      new RegExp(
        `^outputs/keystore-output\\.json: number ${number.slice(0, 40).replace('+', '\\+')}.* at generated_at is out of range for a double \\(line 33, column 19\\)$`,
      ),
    );
    const nested = ONCHAIN.replace('"fleet_note": "extra fields are allowed and must be kept"', `"fleet_note": [0, ${number}]`);
    expect(refusal(utf8(nested))).toMatch(/ at outputs\["req-1"\]\.fleet_note\[1\] is out of range for a double \(line 21, column 25\)$/);
  });

  it('escaped lone surrogates are refused with their path', () => {
    const inValue = ONCHAIN.replace('"no key with that id in this group"', '"no key \\ud800 here"');
    expect(refusal(utf8(inValue))).toBe(
      `${DISPLAY}: the string at outputs["req-2"].result.fail.message holds an escaped lone surrogate "\\ud800" ` +
        '(line 28, column 30); JSON parsers decode these differently',
    );
    const inKey = ONCHAIN.replace('"key-a"', '"key-\\udfff"');
    expect(refusal(utf8(inKey))).toBe(
      `${DISPLAY}: a property name in outputs["req-1"].result.success holds an escaped lone surrogate "\\udfff" ` +
        '(line 14, column 16); JSON parsers decode these differently',
    );
    // A pair is fine.
    expect(outcome(utf8(ONCHAIN.replace('"no key with that id in this group"', '"\\ud83d\\ude00"')))).toBeUndefined();
  });

  it('raw surrogates (ED A0 80) and other invalid UTF-8 are refused with their byte offset', () => {
    const [before, after] = ONCHAIN.split('no key with');
    const bytes = concat(utf8(`${before!}no `), [0xed, 0xa0, 0x80], utf8(` key with${after!}`));
    const offset = utf8(`${before!}no `).byteLength;
    expect(refusal(bytes)).toBe(
      `${DISPLAY}: is not valid UTF-8: invalid byte 0xED at byte offset ${offset} (line 28, column 26): ` +
        'a UTF-16 surrogate (U+D800 to U+DFFF) encoded in UTF-8',
    );
    expect(refusal(concat([0xef, 0xbb, 0xbf], utf8(ONCHAIN)))).toBe(
      `${DISPLAY}: starts with a UTF-8 byte-order mark (EF BB BF); save the file as UTF-8 without BOM`,
    );
    expect(refusal(concat([0xff, 0xfe], utf8('{')))).toMatch(/the file looks like UTF-16, save it as UTF-8$/);
  });

  it('schema errors with hostile keys stay escaped and bounded', () => {
    const doc = JSON.parse(ONCHAIN) as JsonObject;
    const outputs: JsonObject = {};
    for (let i = 0; i < 80; i++) outputs[`\u202e\u0000${'\u200b'.repeat(300)}${i}`] = { type: 'evil\u001b[31m' };
    doc['outputs'] = outputs;
    const message = refusal(utf8(JSON.stringify(doc)), DISPLAY, 100_000);
    expect(message).toMatch(
      /^outputs\/keystore-output\.json: the keystore output does not match Dfns's schema \(80 violations\):\n {2}- outputs\["\\u202E\\x00\\u200B/,
    );
    expect(message).toMatch(/\n {2}… and 30 more$/);
    // 50 violations, each with a path key cut at 100 characters of 6 once escaped.
    expect(message.length).toBeGreaterThan(MAX_MESSAGE_CHARS);
  });

  // 2,000 keys of 300 characters once escaped: listed whole, they would make a message of 600,000.
  it('a result with 2,000 extra keys gives a short message', () => {
    const doc = JSON.parse(ONCHAIN) as JsonObject;
    const result = (doc['outputs'] as Record<string, JsonObject>)['req-2']!['result'] as JsonObject;
    for (let i = 0; i < 2_000; i++) result[`extra-${'\u200b'.repeat(50)}-${i}`] = i;
    const message = refusal(utf8(JSON.stringify(doc)));
    expect(message).toMatch(
      /^outputs\/keystore-output\.json: the keystore output does not match Dfns's schema \(1 violation\):\n {2}- outputs\["req-2"\]\.result: unexpected keys "extra-\\u200B.*" and 1995 more: a result holds exactly one of "success" or "fail"$/,
    );
  });
});

describe('parseOutputFile on hostile archives', () => {
  const ZIP = 'out.zip';

  it(`over ${ZIP_MAX_ENTRIES} entries`, () => {
    const entries = Array.from({ length: ZIP_MAX_ENTRIES + 1 }, (_, i) => ({ name: `f${i}.txt`, data: '' }));
    expect(refusal(makeZip(entries), ZIP)).toBe(
      `${ZIP}: the archive has ${ZIP_MAX_ENTRIES + 1} entries, over the limit of ${ZIP_MAX_ENTRIES}`,
    );
  });

  it('declared sizes over the total cap, and over the entry cap', () => {
    const size = 60 * MiB;
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `big${i}.bin`, data: 'x', declaredUncompressedSize: size }));
    expect(refusal(makeZip(entries), ZIP)).toBe(
      `${ZIP}: the archive's entries declare ${5 * size} bytes uncompressed in total, over the limit of ` +
        `${ZIP_MAX_TOTAL_UNCOMPRESSED / MiB} MiB (largest: entry "big0.bin", ${size} bytes)`,
    );
    const one = makeZip([{ name: 'keystore-output.json', data: ONCHAIN, declaredUncompressedSize: 65 * MiB }]);
    expect(refusal(one, ZIP)).toBe(
      `${ZIP}: entry "keystore-output.json" declares ${65 * MiB} bytes uncompressed, over the limit of 64 MiB`,
    );
  });

  it('a ratio bomb, even one that would inflate to a valid output', () => {
    const data = ONCHAIN + ' '.repeat(MiB); // valid JSON: trailing white space; over the 1 MiB from which the ratio is checked
    const compressed = deflateRawSync(data).byteLength;
    expect(data.length / compressed).toBeGreaterThan(ZIP_MAX_RATIO);
    const message = refusal(makeZip([{ name: 'keystore-output.json', data }]), ZIP);
    expect(message).toBe(
      `${ZIP}: entry "keystore-output.json" looks like a zip bomb: ${compressed} bytes declared to expand to ${data.length} ` +
        `(over ${ZIP_MAX_RATIO} times)`,
    );
  });

  it('an entry that inflates past its declared size', () => {
    const data = ONCHAIN + ' '.repeat(512 * 1024);
    const zip = makeZip([{ name: 'keystore-output.json', data, declaredUncompressedSize: ONCHAIN.length }]);
    expect(refusal(zip, ZIP)).toBe(
      `${ZIP}: entry "keystore-output.json" inflates to more than the ${ONCHAIN.length} bytes the archive declares`,
    );
  });

  it('a nested zip is not an output: the message lists the entries', () => {
    const inner = makeZip([{ name: 'keystore-output.json', data: ONCHAIN }]);
    const outer = makeZip([{ name: 'inner.zip', data: inner }]);
    expect(refusal(outer, ZIP)).toBe(
      `${ZIP}: the archive holds no output (a .json entry with "type" "keystore-output" or "fleet-output"). ` +
        `Entries: "inner.zip" (${inner.byteLength} bytes)`,
    );
    // Named .json, a zip is still not JSON.
    const disguised = makeZip([{ name: 'keystore-output.json', data: inner }]);
    expect(refusal(disguised, ZIP)).toMatch(/^out\.zip \(entry "keystore-output\.json"\): (is not valid UTF-8|invalid JSON)/);
    // Nested twice, next to a broken output.
    const twice = makeZip([
      { name: 'a/inner.zip', data: outer },
      { name: 'a/broken.json', data: '{' },
      { name: 'a/other.json', data: '[]' },
    ]);
    expect(refusal(twice, ZIP)).toBe(
      `${ZIP}: the archive holds no output (a .json entry with "type" "keystore-output" or "fleet-output" that is valid). ` +
        `Entries: "a/inner.zip" (${outer.byteLength} bytes), "a/broken.json" (1 bytes), "a/other.json" (2 bytes)`,
    );
  });

  it('an encrypted entry', () => {
    const zip = makeZip([{ name: 'keystore-output.json', data: ONCHAIN, encrypted: true }]);
    expect(refusal(zip, ZIP)).toBe(`${ZIP}: entry "keystore-output.json" is encrypted; archives must not be encrypted`);
  });

  it.each([
    ['../x.json', '../x.json'],
    ['a/../../x.json', 'a/../../x.json'],
    ['/etc/x.json', '/etc/x.json'],
    ['C:\\x.json', 'C:\\\\x.json'],
    ['C:x.json', 'C:x.json'],
    ['a\\..\\x.json', 'a\\\\..\\\\x.json'],
    ['a\u0000b.json', 'a\\x00b.json'],
    ['evil\u001b[31m.json', 'evil\\x1B[31m.json'],
    ['line\nbreak.json', 'line\\x0Abreak.json'],
    ['c1\u009b31m.json', 'c1\\x9B31m.json'],
  ])('an unsafe entry name %j is refused and shown escaped', (name, shown) => {
    const zip = makeZip([{ name, data: ONCHAIN }]);
    expect(refusal(zip, ZIP)).toBe(
      `${ZIP}: the archive holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): ` +
        `"${shown}"; refusing it`,
    );
  });

  it('bidi and invisible characters in entry names are refused, and shown escaped', () => {
    const listed = makeZip([
      { name: '\u202egnp.json', data: '{' },
      { name: 'x\u2066y\u200b.json', data: '{' },
      { name: '\ufeffz.bin', data: 'z' },
      { name: 'plain.json', data: '{' },
    ]);
    expect(refusal(listed, ZIP)).toBe(
      `${ZIP}: the archive holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): ` +
        '"\\u202Egnp.json", "x\\u2066y\\u200B.json", "\\uFEFFz.bin"; refusing it',
    );
  });

  it('long hostile names are cut in listings, which are capped', () => {
    const entries = Array.from({ length: 30 }, (_, i) => ({ name: `${'\u200b'.repeat(300)}${i}.txt`, data: 'x' }));
    const message = refusal(makeZip(entries), ZIP, 30_000); // 20 names of 200 characters, six each once escaped
    expect(message).toContain('… (105 more characters)');
    expect(message).toMatch(new RegExp(` and ${30 - MAX_LISTED_REFUSED_ENTRIES} more; refusing it$`));
  });
});
