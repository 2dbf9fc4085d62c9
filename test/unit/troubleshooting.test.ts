/**
 * Every error message the actions can print is in docs/troubleshooting.md, with its fix.
 * Messages are found in the source where errors are made: `new …Error(`, `super(` in error
 * classes, the JSON scanner's `syntax(`/`located(`, and the `several`/`none` messages of the
 * output pickers. For each, the first distinctive fixed text (at least 10 letters) must
 * appear in the page; wrappers with no fixed text of their own are skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/action-runner.ts';

const MESSAGE_STARTS = [
  /new \w*Error\(\s*/g,
  /\bsuper\(\s*/g,
  /this\.syntax\(\w+,\s*/g,
  /located\(\s*\(\w+\) =>\s*/g,
  /(?:several|none): \(\w+\) =>\s*/g,
  /title: '[^']+',\s*\n?\s*/g,
  /message:\s*/g,
];

/** The literal (quoted or template) starting at `i`, split into its fixed parts. */
function literalAt(source: string, i: number): string[] | undefined {
  const quote = source[i];
  if (quote !== '"' && quote !== "'" && quote !== '`') return undefined;
  const parts: string[] = [];
  let current = '';
  for (let j = i + 1; j < source.length; j++) {
    const c = source[j]!;
    if (c === '\\') {
      current += source[j + 1];
      j++;
    } else if (c === quote) {
      parts.push(current);
      return parts;
    } else if (quote === '`' && c === '$' && source[j + 1] === '{') {
      parts.push(current);
      current = '';
      j = skipExpression(source, j + 2);
    } else {
      current += c;
    }
  }
  return undefined;
}

/** Index of the `}` closing a `${` expression that starts at `i`, minding nested braces and literals. */
function skipExpression(source: string, i: number): number {
  let depth = 1;
  for (let j = i; j < source.length; j++) {
    const c = source[j]!;
    if (c === '"' || c === "'" || c === '`') {
      let k = j + 1;
      while (k < source.length && source[k] !== c) {
        if (source[k] === '\\') k++;
        else if (c === '`' && source[k] === '$' && source[k + 1] === '{') k = skipExpression(source, k + 2);
        k++;
      }
      j = k;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j;
  }
  return source.length;
}

/** The first fixed text of a message with at least 10 letters, trimmed of leading punctuation. */
function distinctive(parts: string[]): string | undefined {
  for (const part of parts) {
    const text = part.replace(/^[\s:;,.()"'…-]+/, '').replace(/\s+$/, '');
    if ((text.match(/[A-Za-z]/g) ?? []).length >= 10) {
      return text
        .split(/[:;.]\s/)[0]!
        .replace(/[\s:("'…,.-]+$/, '')
        .trim();
    }
  }
  return undefined;
}

function sourceMessages(): Array<{ file: string; text: string }> {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'));
  const found: Array<{ file: string; text: string }> = [];
  for (const file of files) {
    const source = readFileSync(join(ROOT, 'src', file), 'utf8');
    for (const start of MESSAGE_STARTS) {
      for (const match of source.matchAll(start)) {
        const parts = literalAt(source, match.index + match[0].length);
        const text = parts && distinctive(parts);
        if (text && !text.startsWith('internal')) found.push({ file, text });
      }
    }
  }
  return found;
}

const normalize = (s: string): string => s.replace(/\\/g, '').replace(/`/g, '').replace(/\s+/g, ' ');

describe('docs/troubleshooting.md', () => {
  const section = normalize(readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8'));

  it('finds the messages in the source (the scan itself works)', () => {
    const texts = sourceMessages().map((m) => m.text);
    expect(texts).toContain('is a directory');
    expect(texts).toContain('SHA-256 checksum mismatch');
    expect(texts.length).toBeGreaterThan(60);
  });

  it('lists every error message the action can print', () => {
    const missing = sourceMessages().filter((m) => !section.includes(normalize(m.text)));
    expect(missing.map((m) => `${m.file}: ${m.text}`)).toEqual([]);
  });
});
