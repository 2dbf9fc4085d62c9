/**
 * The one gate for text from outside (base/safe-text.ts with base/secrets.ts): secrets out first,
 * however the text is cut afterwards; then nothing that can start a workflow command; then bounded.
 * Each test registers secrets of its own, random, so that tests stay independent in any order.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasUnshowableChars, safeJsonValue, safeLines, safeText } from '../../src/base/safe-text.ts';
import { keepSecret, MIN_SECRET_CHARS, redactSecrets, registerSecret } from '../../src/base/secrets.ts';

/** A fresh secret, registered with the gate. */
function secret(length = 300): string {
  const value = randomBytes(length).toString('base64url').slice(0, length);
  registerSecret(value);
  return value;
}

describe('secrets out first', () => {
  it('replaces a registered secret wherever it appears, before the text is cut', () => {
    const token = secret();
    const echo = `unauthorized: Authorization: Bearer ${token}; retry`;
    // Cut after 300 characters, the text would have kept 263 of the token's: it keeps none.
    expect(safeText(echo, 300)).toBe('unauthorized: Authorization: Bearer ***; retry');
    expect(safeText(`${token}${token}`, 10)).toBe('******');
  });

  it('replaces a secret that a text was cut through before it came to the gate, at either end', () => {
    const token = secret();
    expect(redactSecrets(`echo: ${token.slice(0, 120)}`)).toBe('echo: ***');
    expect(redactSecrets(`${token.slice(-40)} was sent`)).toBe('*** was sent');
    // A start or end shorter than 12 characters is left: it would match by chance.
    expect(redactSecrets(`x ${token.slice(0, 11)}`)).toBe(`x ${token.slice(0, 11)}`);
  });

  it('replaces the longer of two secrets whole, when one holds the other', () => {
    const line = secret(64);
    const pem = `${line}\n${secret(64)}`;
    registerSecret(pem);
    expect(redactSecrets(`key: ${pem}`)).toBe('key: ***');
  });

  it('ignores values too short to be a secret, which would match by chance', () => {
    registerSecret('abc'.padEnd(MIN_SECRET_CHARS - 1, 'd'));
    expect(redactSecrets('abcdddd')).toBe('abcdddd');
  });

  it('keepSecret registers and masks', () => {
    const masked: string[] = [];
    const value = randomBytes(20).toString('hex');
    keepSecret(value, (v) => masked.push(v));
    expect(masked).toEqual([value]);
    expect(safeText(value)).toBe('***');
  });

  it('takes the secrets out of every line of a stack, and of every string of a JSON value', () => {
    const token = secret(40);
    expect(safeLines(`Error: ${token}\n    at x (\u001b[31mfile.ts:1)`)).toBe('Error: ***\n    at x (\\x1B[31mfile.ts:1)');
    expect(safeJsonValue({ serial: token, n: 3, list: [`a\n${token}`] })).toEqual({ serial: '***', n: 3, list: ['a\\x0A***'] });
  });
});

describe('nothing that could start a workflow command', () => {
  it('escapes "::" at the start of a text (after blank space), and "##[" anywhere', () => {
    expect(safeText('::error title=x::owned')).toBe('\\x3A:error title=x::owned');
    expect(safeText('  ::add-mask::x')).toBe('  \\x3A:add-mask::x');
    expect(safeText('name ##[error]x and ##[add-mask]y')).toBe('name #\\x23[error]x and #\\x23[add-mask]y');
    // Elsewhere a colon is a colon.
    expect(safeText('a::b, IPv6 ::1, ok:')).toBe('a::b, IPv6 ::1, ok:');
  });

  it('escapes the line break that would put a command on a line of its own', () => {
    expect(safeText('x.json\n::error::owned')).toBe('x.json\\x0A::error::owned');
  });
});

describe('hasUnshowableChars: what a name given back as an output must not hold', () => {
  it.each([['a\nb'], ['a\u001bb'], ['a\u202eb'], ['a\u200bb'], ['a\u00a0b'], ['a\ud800b']])('%j has one', (name) => {
    expect(hasUnshowableChars(name)).toBe(true);
  });
  it.each([['out.json'], ['fleet/Grüße 😀.json'], ['C:\\runner\\out.json'], ['##[error]x.json']])('%j has none', (name) => {
    expect(hasUnshowableChars(name)).toBe(false);
  });
});
