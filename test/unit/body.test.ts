/**
 * The request bodies that carry the output are written by our own code, a slice at a time, so
 * that no whole copy of the output is made. They must be byte for byte what the reference
 * encoders write for the same values: undici's FormData for the multipart body (the encoding
 * Dfns's SDKs and our API notes rely on; undici encodes a FormData when it is the body of a
 * Request), and JSON.stringify for the init body and the data part.
 */
import fc from 'fast-check';
import { FormData, Request } from 'undici';
import { describe, expect, it } from 'vitest';
import { DataPart, sliceText, type SlicedText } from '../../src/dfns/data-part.ts';
import { initBody, multipartBody, type StreamedBody, type SubmissionParts } from '../../src/dfns/body.ts';
import { parseMultipart } from '../sandbox/multipart.ts';
import { compactJson } from '../helpers/compact-json.ts';

/** A text in slices of `size` units (small, so that the slice edges are exercised). */
function sliced(text: string, size = 7): SlicedText {
  return { byteLength: Buffer.byteLength(text), slices: () => sliceText(text, size) };
}

/** The body's bytes; checks its declared length and that a second attempt sends the same bytes. */
function bytesOf(body: StreamedBody): Buffer {
  const bytes = Buffer.concat([...body.chunks()]);
  expect(body.byteLength).toBe(bytes.byteLength);
  expect(Buffer.concat([...body.chunks()]), 'a second attempt sends the same bytes').toEqual(bytes);
  return bytes;
}

async function undiciEncoding(data: string, file: SubmissionParts['file']): Promise<{ contentType: string; bytes: Buffer }> {
  const form = new FormData();
  form.append('data', data);
  form.append('file', new Blob([Buffer.from(file.bytes)], { type: file.type }), file.name);
  const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return { contentType: request.headers.get('content-type') ?? '', bytes: Buffer.from(await request.arrayBuffer()) };
}

const OCTETS = 'application/octet-stream';
const cases: Array<[string, string, SubmissionParts['file']]> = [
  [
    'a JSON output and its bytes',
    '{"outputJson":{"type":"keystore-output","outputs":{}},"fileChecksum":"' + 'a'.repeat(64) + '"}',
    { bytes: Buffer.from('{\n  "type": "keystore-output"\r\n}\n'), name: 'output.json', type: OCTETS },
  ],
  [
    'non-ASCII text, binary file bytes, a name with quotes and line breaks',
    '{"outputJson":{"note":"é 😀😀😀 \u2028"},"fileChecksum":"00"}',
    { bytes: Uint8Array.from({ length: 600 }, (_, i) => (i * 37) % 256), name: 'fleet "A"\r\n\rrun\n.zip', type: OCTETS },
  ],
  ['empty parts', '', { bytes: new Uint8Array(0), name: 'x', type: OCTETS }],
];

describe('the multipart body', () => {
  it.each(cases)('is what undici FormData writes: %s', async (_name, data, file) => {
    const reference = await undiciEncoding(data, file);
    const boundary = /boundary=(.+)$/.exec(reference.contentType)?.[1];
    expect(boundary).toMatch(/^-+formdata-undici-\d+$/);
    const body = multipartBody({ data: sliced(data), file }, () => boundary!);
    expect(body.contentType).toBe(reference.contentType);
    expect(bytesOf(body).toString('latin1')).toBe(reference.bytes.toString('latin1'));
  });

  it('hands over the file bytes themselves, also from shared memory, and parses back into both parts', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    shared.fill(0x41);
    const body = multipartBody({ data: sliced('{"fileChecksum":"ab"}'), file: { bytes: shared, name: 'o.json', type: OCTETS } });
    const filePart = [...body.chunks()].find((chunk) => chunk.buffer === shared.buffer);
    expect(filePart?.byteLength, 'the file chunk is a view of the same memory, not a copy').toBe(64);
    expect(body.contentType).toMatch(/^multipart\/form-data; boundary=----formdata-dfns-[0-9a-f]{24}$/);
    const parts = parseMultipart(bytesOf(body), body.contentType);
    expect(parts.map((p) => [p.name, p.data.toString()])).toEqual([
      ['data', '{"fileChecksum":"ab"}'],
      ['file', 'A'.repeat(64)],
    ]);
  });

  it('never uses a boundary that occurs in a part, also across two slices of the data part: it draws another', () => {
    const drawn = ['in-file', 'across', 'inside', 'fresh'];
    const data = sliced('{"x":"across","y":"inside"}', 8); // slices: {"x":"ac ross","y ":"insid…
    const body = multipartBody({ data, file: { bytes: Buffer.from('--in-file'), name: 'o.json', type: OCTETS } }, () => drawn.shift()!);
    expect(body.contentType).toBe('multipart/form-data; boundary=fresh');
  });

  it('gives up, loudly, when every boundary collides, and refuses a data part with a line break', () => {
    const file = { bytes: Buffer.from('same'), name: 'o', type: OCTETS };
    expect(() => multipartBody({ data: sliced('{}'), file }, () => 'same')).toThrow(
      'internal: no multipart boundary found that occurs in neither part',
    );
    for (const data of ['{\n}', '{\r}']) {
      expect(() => multipartBody({ data: sliced(data), file })).toThrow(
        'internal: the data part holds a line break, which form encoding would rewrite',
      );
    }
  });
});

/** Strings with what JSON escapes (quotes, backslashes, control characters) and surrogate pairs. */
const awkward = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '\\', '\t', '\u0001', '\u001f', '\u2028', '😀', 'é', '\r\n', '\r', '\n'),
    fc.string({ maxLength: 3 }),
  ),
  maxLength: 60,
});

describe('the init body', () => {
  it('is what JSON.stringify writes for the same object, whatever the slice size', () => {
    fc.assert(
      fc.property(awkward, fc.integer({ min: 1, max: 9 }), (payload, size) => {
        const path = '/key-stores/ks-1/onchain-sign/output';
        const body = initBody(sliced(payload, size), path);
        expect(body.contentType).toBe('application/json');
        const expected = JSON.stringify({
          userActionPayload: payload,
          userActionHttpMethod: 'POST',
          userActionHttpPath: path,
          userActionServerKind: 'Api',
        });
        expect(bytesOf(body).toString('utf8')).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the data part', () => {
  const checksum = 'ab'.repeat(32);
  const HEAD = '{"outputJson":';
  const TAIL = `,"fileChecksum":"${checksum}"}`;

  /** The JSON text, and the outputJson of the data part written out by hand. */
  const written: Array<[string, string, string]> = [
    ['pretty-printed with LF', '{\n  "a": 1,\n  "b": [1, 2]\n}\n', '{"a":1,"b":[1,2]}'],
    ['CRLF and tabs', '{\r\n\t"a" :\t1\r\n}', '{"a":1}'],
    ['spaces inside strings stay', '{ "a b" : " x  y " }', '{"a b":" x  y "}'],
    [
      'numbers as written, beyond 2^53 and with a fraction of zero',
      '[ 9007199254740993 , 1.0, -0, 1E+400 ]',
      '[9007199254740993,1.0,-0,1E+400]',
    ],
    ['escaped quotes and backslashes', '{ "q": "a\\" b", "bs": "c\\\\", "e": "\\\\\\"" }', '{"q":"a\\" b","bs":"c\\\\","e":"\\\\\\""}'],
    ['escapes and characters that are no white space', '{"s":"\\n\\r\u2028\u00a0",  "é":0}', '{"s":"\\n\\r\u2028\u00a0","é":0}'],
    ['surrogate pairs', '[ "😀" , "😀😀" ]', '["😀","😀😀"]'],
    ['no text', '', ''],
  ];

  it.each(written)('removes the white space between tokens, whatever the slice size: %s', (_name, jsonText, outputJson) => {
    expect(compactJson(jsonText), 'the reference compactor').toBe(outputJson);
    const whole = `${HEAD}${outputJson}${TAIL}`;
    for (const size of [1, 2, 3, 4, 5, 7, 9, undefined]) {
      const part = new DataPart(jsonText, checksum, size);
      expect(part.toString(), `slices of ${size ?? 'the default size'}`).toBe(whole);
      expect(part.byteLength).toBe(Buffer.byteLength(whole));
    }
  });

  /** JSON texts with awkward strings (quotes, backslashes, escapes) and white space everywhere it may go. */
  const spacedJson = fc
    .tuple(
      fc.jsonValue({ maxDepth: 3 }),
      fc.array(fc.constantFrom(' ', '\t', '\n', '\r\n', '  \n    '), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 9 }),
    )
    .map(([value, spaces, indent]) => {
      let n = 0;
      // JSON.stringify's own layout, with the white space varied token by token.
      return JSON.stringify(value, null, indent).replace(/\n +/g, () => spaces[n++ % spaces.length]!);
    });

  it('equals the compact form of the text, byte for byte, and its length is exact, whatever the slice size', () => {
    fc.assert(
      fc.property(spacedJson, fc.integer({ min: 1, max: 9 }), (jsonText, size) => {
        const part = new DataPart(jsonText, checksum, size);
        const whole = part.toString();
        expect(whole).toBe(`${HEAD}${compactJson(jsonText)}${TAIL}`);
        expect(whole).not.toMatch(/[\r\n]/);
        expect(JSON.parse(whole)).toEqual({ outputJson: JSON.parse(jsonText), fileChecksum: checksum });
        expect(part.byteLength).toBe(Buffer.byteLength(whole));
        // Encoded slice by slice, nothing is lost at the edges (a split pair would become U+FFFD).
        expect(Buffer.concat([...part.slices()].map((slice) => Buffer.from(slice))).toString('utf8')).toBe(whole);
      }),
      { numRuns: 400 },
    );
  });

  it('slices never split a surrogate pair', () => {
    expect([...sliceText('a😀b', 2)]).toEqual(['a😀', 'b']);
    expect([...sliceText('😀😀', 1)]).toEqual(['😀', '😀']);
    expect([...sliceText('', 3)]).toEqual([]);
  });
});
