/**
 * The submission's `multipart/form-data` body, written as undici's FormData writes it (the
 * WHATWG encoding, byte for byte; a test compares the two), but as a list of chunks that
 * holds the file's own bytes rather than a copy: FormData would need the file as a Blob (a
 * copy) and would encode the data part again on every attempt. The body is built once and
 * sent as it is by every attempt.
 */
import { randomBytes } from 'node:crypto';

export interface MultipartBody {
  /** The value of the Content-Type header, with the boundary. */
  contentType: string;
  /** The body's chunks, in order; the file's chunk is the caller's bytes themselves. */
  chunks: readonly Uint8Array[];
  byteLength: number;
}

export interface SubmissionParts {
  /** The `data` part, a text field: UTF-8 bytes without CR or LF (those FormData would rewrite). */
  data: Uint8Array;
  file: { bytes: Uint8Array; name: string; type: string };
}

/**
 * Builds the body, with a boundary from `nextBoundary` that occurs in neither part (with 96
 * random bits it never does, and that is checked rather than assumed).
 */
export function buildSubmissionBody(parts: SubmissionParts, nextBoundary: () => string = randomBoundary): MultipartBody {
  const data = asBuffer(parts.data);
  if (data.includes(0x0a) || data.includes(0x0d)) {
    throw new Error('internal: the data part holds a line break, which form encoding would rewrite');
  }
  let chosen = nextBoundary();
  for (let tries = 1; occursIn(parts.data, chosen) || occursIn(parts.file.bytes, chosen); tries++) {
    if (tries >= 10) throw new Error('internal: no multipart boundary found that occurs in neither part');
    chosen = nextBoundary();
  }
  const head = (disposition: string, type?: string) =>
    Buffer.from(
      `--${chosen}\r\nContent-Disposition: form-data; ${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n`,
    );
  const chunks = [
    head('name="data"'),
    parts.data,
    Buffer.from('\r\n'),
    head(`name="file"; filename="${escapeName(parts.file.name)}"`, parts.file.type),
    parts.file.bytes,
    Buffer.from(`\r\n--${chosen}--\r\n`),
  ];
  return {
    contentType: `multipart/form-data; boundary=${chosen}`,
    chunks,
    byteLength: chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0),
  };
}

/** The shape of undici's boundaries: `----formdata-undici-` and a number. */
function randomBoundary(): string {
  return `----formdata-dfns-${randomBytes(12).toString('hex')}`;
}

function occursIn(bytes: Uint8Array, boundary: string): boolean {
  return asBuffer(bytes).includes(boundary);
}

/** A Buffer over the same memory (for its memchr-based search), not a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A file name in a Content-Disposition header, escaped as the WHATWG FormData encoding does. */
function escapeName(name: string): string {
  return name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}
