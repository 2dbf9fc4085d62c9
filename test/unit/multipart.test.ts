/**
 * The submission body is written by our own code so that it can hold the file's bytes without a
 * copy; it must be, byte for byte, what undici's FormData writes for the same fields (the
 * encoding Dfns's SDKs and our API notes rely on). undici encodes a FormData when it is the
 * body of a Request: that encoding, with its boundary, is the reference.
 */
import { FormData, Request } from 'undici';
import { describe, expect, it } from 'vitest';
import { buildSubmissionBody, type SubmissionParts } from '../../src/dfns/multipart.ts';
import { parseMultipart } from '../sandbox/multipart.ts';

async function undiciEncoding(parts: SubmissionParts): Promise<{ contentType: string; bytes: Buffer }> {
  const form = new FormData();
  form.append('data', Buffer.from(parts.data).toString('utf8'));
  form.append('file', new Blob([Buffer.from(parts.file.bytes)], { type: parts.file.type }), parts.file.name);
  const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return { contentType: request.headers.get('content-type') ?? '', bytes: Buffer.from(await request.arrayBuffer()) };
}

function ours(parts: SubmissionParts, boundary: string): { contentType: string; bytes: Buffer } {
  const body = buildSubmissionBody(parts, () => boundary);
  const bytes = Buffer.concat(body.chunks);
  expect(body.byteLength).toBe(bytes.byteLength);
  return { contentType: body.contentType, bytes };
}

const cases: Array<[string, SubmissionParts]> = [
  [
    'a JSON output and its bytes',
    {
      data: Buffer.from('{"outputJson":{"type":"keystore-output","outputs":{}},"fileChecksum":"' + 'a'.repeat(64) + '"}'),
      file: { bytes: Buffer.from('{\n  "type": "keystore-output"\r\n}\n'), name: 'output.json', type: 'application/octet-stream' },
    },
  ],
  [
    'non-ASCII text, binary file bytes, a name with quotes and line breaks',
    {
      data: Buffer.from('{"outputJson":{"note":"é 😀 \\u2028"},"fileChecksum":"00"}'),
      file: {
        bytes: Uint8Array.from({ length: 600 }, (_, i) => (i * 37) % 256),
        name: 'fleet "A"\r\n\rrun\n.zip',
        type: 'application/octet-stream',
      },
    },
  ],
  [
    'empty parts',
    { data: new Uint8Array(0), file: { bytes: new Uint8Array(0), name: 'x', type: 'application/octet-stream' } },
  ],
];

describe('the submission body', () => {
  it.each(cases)('is what undici FormData writes: %s', async (_name, parts) => {
    const reference = await undiciEncoding(parts);
    const boundary = /boundary=(.+)$/.exec(reference.contentType)?.[1];
    expect(boundary).toMatch(/^-+formdata-undici-\d+$/);
    const mine = ours(parts, boundary!);
    expect(mine.contentType).toBe(reference.contentType);
    expect(mine.bytes.equals(reference.bytes)).toBe(true);
  });

  it('holds the file bytes themselves, also from shared memory, and parses back into both parts', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    shared.fill(0x41);
    const data = Buffer.from('{"fileChecksum":"ab"}');
    const body = buildSubmissionBody({ data, file: { bytes: shared, name: 'o.json', type: 'application/octet-stream' } });
    expect(body.chunks).toContain(shared);
    expect(body.chunks).toContain(data);
    expect(body.contentType).toMatch(/^multipart\/form-data; boundary=----formdata-dfns-[0-9a-f]{24}$/);
    const parts = parseMultipart(Buffer.concat(body.chunks), body.contentType);
    expect(parts.map((p) => [p.name, p.data.toString()])).toEqual([
      ['data', '{"fileChecksum":"ab"}'],
      ['file', 'A'.repeat(64)],
    ]);
  });

  it('never uses a boundary that occurs in a part: it draws another', () => {
    const drawn = ['collides', 'in-data', 'fresh'];
    const body = buildSubmissionBody(
      { data: Buffer.from('{"x":"in-data"}'), file: { bytes: Buffer.from('--collides'), name: 'o.json', type: 'application/octet-stream' } },
      () => drawn.shift()!,
    );
    expect(body.contentType).toBe('multipart/form-data; boundary=fresh');
  });

  it('gives up, loudly, when every boundary collides, and refuses a data part with a line break', () => {
    const parts: SubmissionParts = { data: Buffer.from('{}'), file: { bytes: Buffer.from('same'), name: 'o', type: 'application/octet-stream' } };
    expect(() => buildSubmissionBody(parts, () => 'same')).toThrow('internal: no multipart boundary found that occurs in neither part');
    expect(() => buildSubmissionBody({ ...parts, data: Buffer.from('{\n}') })).toThrow(
      'internal: the data part holds a line break, which form encoding would rewrite',
    );
  });
});
