/**
 * The blob storage part of the GitHub stand-in: the signed URLs that the results service and
 * the REST API hand out, served the way Azure Blob Storage serves them to `@actions/artifact` 6:
 *
 * - `GET <signed url>` → 200 with the bytes (`Content-Type` says whether the client unzips);
 * - the upload path of `BlockBlobClient.uploadStream` (`@azure/storage-blob` 12): one
 *   `PUT <signed url>&comp=block&blockid=<b64>` per 8 MiB chunk, then
 *   `PUT <signed url>&comp=blocklist` with `<BlockList><Latest>id</Latest>…</BlockList>`;
 *   a single-shot `PUT` with `x-ms-blob-type: BlockBlob` is accepted too.
 *
 * Blobs live under `/devstoreaccount1/actions-results/<key>` (the Azure SDK reads an IP-style
 * URL as `/<account>/<container>/<blob>`). Errors are Azure's XML error bodies.
 * Also here: the small helpers the other parts share and a zip reader for captured uploads.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inflateRawSync } from 'node:zlib';

export const BLOB_PREFIX = '/devstoreaccount1/actions-results/';

export interface StoredBlob {
  key: string;
  sig: string;
  /** The committed content; undefined until an upload commits it. */
  data?: Buffer;
  contentType: string;
  /** Offered as the file name in `Content-Disposition`. */
  fileName: string;
  /** Blocks staged by `comp=block`, by block id, until `comp=blocklist` commits them. */
  staged: Map<string, Buffer>;
}

export type Headers = Record<string, string | string[] | undefined>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The `sig` of every signed URL made in this process: @actions/artifact masks each one it is
 * given (`::add-mask::`), so a run's log may hold masks of these besides the run's own secrets.
 */
export const ISSUED_SIGNATURES = new Set<string>();

export class BlobStorage {
  readonly blobs = new Map<string, StoredBlob>();
  readonly #origin: string;

  constructor(origin: string) {
    this.#origin = origin;
  }

  /** A new blob (with content for a download, without for an upload target). */
  create(fileName: string, contentType: string, data?: Buffer): StoredBlob {
    const blob: StoredBlob = {
      key: randomUUID(),
      sig: randomBytes(24).toString('base64url'),
      contentType,
      fileName,
      staged: new Map(),
      ...(data ? { data } : {}),
    };
    this.blobs.set(blob.key, blob);
    return blob;
  }

  /** A SAS-style URL: `sig` is what the blob endpoint checks; the rest is decoration. */
  signedUrl(blob: StoredBlob, permissions: 'r' | 'cw'): string {
    const url = new URL(`${BLOB_PREFIX}${blob.key}`, this.#origin);
    url.searchParams.set('sv', '2025-01-05');
    url.searchParams.set('sr', 'b');
    url.searchParams.set('sp', permissions);
    url.searchParams.set('se', new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    url.searchParams.set('sig', blob.sig);
    ISSUED_SIGNATURES.add(blob.sig);
    return url.href;
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    const blob = this.blobs.get(decodeURIComponent(url.pathname.slice(BLOB_PREFIX.length)));
    if (!blob) return azureError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
    if (url.searchParams.get('sig') !== blob.sig) {
      return azureError(
        res,
        403,
        'AuthenticationFailed',
        'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
      );
    }
    const comp = url.searchParams.get('comp');
    if (req.method === 'GET' && comp === null) {
      if (!blob.data) return azureError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
      const name = blob.fileName;
      res.writeHead(200, {
        'content-type': blob.contentType,
        'content-length': blob.data.length,
        'content-disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'x-ms-blob-type': 'BlockBlob',
        etag: `"0x${blob.key.replace(/-/g, '').slice(0, 15).toUpperCase()}"`,
      });
      res.end(blob.data);
      return;
    }
    if (req.method !== 'PUT') return azureError(res, 405, 'UnsupportedHttpVerb', "The resource doesn't support specified Http Verb.");
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId)
        return azureError(
          res,
          400,
          'InvalidQueryParameterValue',
          'Value for one of the query parameters specified in the request URI is invalid.',
        );
      blob.staged.set(blockId, body);
      return created(res);
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => m[2] ?? '');
      const blocks = ids.map((id) => blob.staged.get(id));
      if (blocks.some((b) => b === undefined)) {
        return azureError(res, 400, 'InvalidBlockList', 'The specified block list is invalid.');
      }
      blob.data = Buffer.concat(blocks as Buffer[]);
      blob.staged.clear();
      blob.contentType = header(req.headers, 'x-ms-blob-content-type') ?? blob.contentType;
      return created(res);
    }
    if (comp === null && header(req.headers, 'x-ms-blob-type') === 'BlockBlob') {
      blob.data = body;
      blob.contentType = header(req.headers, 'x-ms-blob-content-type') ?? blob.contentType;
      return created(res);
    }
    return azureError(res, 400, 'UnsupportedQueryParameter', 'One of the query parameters specified in the request URI is not supported.');
  }
}

function created(res: ServerResponse): void {
  res.writeHead(201, {
    'content-length': 0,
    etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
    'last-modified': new Date().toUTCString(),
    'x-ms-request-id': randomUUID(),
    'x-ms-version': '2025-01-05',
    'x-ms-request-server-encrypted': 'true',
  });
  res.end();
}

function azureError(res: ServerResponse, status: number, code: string, message: string): void {
  const text = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(text),
    'x-ms-error-code': code,
  });
  res.end(text);
}

/**
 * Reads a zip (stored or deflated entries, data descriptors allowed; no zip64) through its
 * central directory. Directory entries are left out.
 */
export function readZip(zip: Buffer): Record<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files: Record<string, Buffer> = {};
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad zip: central directory entry expected');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff) throw new Error('zip64 is not supported');
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error('bad zip: local header expected');
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    if (name.endsWith('/')) continue;
    if (method === 0) files[name] = Buffer.from(raw);
    else if (method === 8) files[name] = inflateRawSync(raw);
    else throw new Error(`zip entry ${name}: unsupported method ${method}`);
  }
  return files;
}
