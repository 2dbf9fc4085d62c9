/**
 * The sandbox's hostile answers: an *echo* of the request's headers (Authorization and
 * X-DFNS-USERACTION among them, as a careless server or proxy dumps them) in the field of an
 * answer a client shows, and *unsafe input archives* (entries that would reach outside their
 * folder when extracted, links, devices, an empty archive). What the action must never let out
 * or write.
 */
import type { IncomingMessage } from 'node:http';
import { makeZip, type ZipEntrySpec } from '../helpers/zip-writer.ts';
import { errorId, jsonReply, type Reply } from './errors.ts';

/** Where an echo puts the request's headers. */
export type EchoField =
  /** `error.message` of a Dfns error body (or, for a 2xx, a fleet answer's `message`). */
  | 'message'
  /** `error.id` of a Dfns error body. */
  | 'error-id'
  /** `error.details.headers` of a Dfns error body, and its message. */
  | 'details'
  /** A 202 approval whose `id` is the user action token (the whole header dump without one). */
  | 'approval-id'
  /** A text/plain body. */
  | 'text';

/** Headers that carry secrets: dumped first, so that a cut after a few hundred characters cuts through them. */
const SECRET_HEADERS = ['authorization', 'x-dfns-useraction'];

/** The request's headers as a server dumps them: `Name: value` lines, CRLF between, the secret-bearing ones first. */
function headerDump(req: IncomingMessage): string {
  const lines: Array<[string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const rank = (name: string): number => (SECRET_HEADERS.includes(name.toLowerCase()) ? 0 : 1);
  return lines
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(
      ([name, value]) =>
        `${name.toLowerCase() === 'authorization' ? 'Authorization' : name.toLowerCase() === 'x-dfns-useraction' ? 'X-DFNS-USERACTION' : name}: ${value}`,
    )
    .join('\r\n');
}

/** The echo answer of `status` for `req`, its headers in `field`. */
export function echoReply(req: IncomingMessage, status: number, field: EchoField): Reply {
  const dump = headerDump(req);
  switch (field) {
    case 'message':
      return jsonReply(
        status,
        status < 300
          ? { status: 'success', message: `done; you sent:\r\n${dump}` }
          : { error: { id: errorId(), status, message: `refused; you sent:\r\n${dump}` } },
      );
    case 'error-id':
      return jsonReply(status, { error: { id: dump, status, message: 'refused' } });
    case 'details':
      return jsonReply(status, { error: { id: errorId(), status, message: `refused: ${dump}`, details: { headers: req.headers } } });
    case 'approval-id': {
      const userAction = req.headers['x-dfns-useraction'];
      return jsonReply(202, { id: typeof userAction === 'string' ? userAction : dump, status: 'Pending', activity: { kind: 'KeyStores' } });
    }
    case 'text':
      return { status, body: `you sent:\r\n${dump}\r\n`, headers: { 'content-type': 'text/plain' } };
  }
}

/** The ways an input archive can break the rules an archive is held to. */
export const UNSAFE_ARCHIVES = [
  'traversal',
  'absolute',
  'drive-letter',
  'backslash',
  'control-characters',
  'symlink',
  'device',
  'empty',
  'folders-only',
] as const;
export type UnsafeArchive = (typeof UNSAFE_ARCHIVES)[number];

/** The hostile entry (or entries) of each kind, and what replaces the archive's own entries (`only`). */
const HOSTILE: Record<UnsafeArchive, { entries: ZipEntrySpec[]; only?: boolean }> = {
  traversal: { entries: [{ name: '../../.github/workflows/evil.yml', data: 'on: push\n' }] },
  absolute: { entries: [{ name: '/etc/cron.d/evil', data: '* * * * * root true\n' }] },
  'drive-letter': { entries: [{ name: 'C:/Windows/evil.bat', data: 'echo\r\n' }] },
  backslash: { entries: [{ name: 'input\\..\\..\\evil.json', data: '{}' }] },
  'control-characters': { entries: [{ name: 'input/evil\n::error title=Injected::owned\u001b[2J.json', data: '{}' }] },
  symlink: { entries: [{ name: 'input/keys.jsonl', data: '/root/.ssh/id_ed25519', unixMode: 0o120777 }] },
  device: { entries: [{ name: 'input/tty', data: '', unixMode: 0o020666 }] },
  empty: { entries: [], only: true },
  'folders-only': { entries: [{ name: 'input/', data: '', unixMode: 0o040755 }], only: true },
};

/** `archive`'s entries (as written by buildInputArchive) with the hostile ones of `kind`. */
export function unsafeArchive(kind: UnsafeArchive, entries: ZipEntrySpec[]): Buffer {
  const hostile = HOSTILE[kind];
  const zip = makeZip(hostile.only ? hostile.entries : [...entries, ...hostile.entries]);
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}
