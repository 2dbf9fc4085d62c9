/**
 * A Dfns id (a key store's `ks-…`, a group's `gr-…`) is one path segment of URL-safe characters:
 * checked before it goes into a request's path, so that `..`, `.` or a `/` can never send a
 * request (and its signature) to another endpoint than the one the run means.
 */

/** Letters, digits, `-` and `_`, starting with a letter or digit: Dfns's ids, and nothing a path treats specially. */
const DFNS_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function isDfnsId(value: string): boolean {
  return DFNS_ID.test(value);
}

/** What a message says an id must be. */
export const DFNS_ID_RULE = 'one to 128 letters, digits, "-" and "_", starting with a letter or digit';
