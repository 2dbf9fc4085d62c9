/** Keeps README.md and the pages of docs/ in step with the action.yml files, the sources and package.json. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BODY_TIMEOUT_MS, CONNECT_TIMEOUT_MS, HEADERS_TIMEOUT_MS } from '../../src/dfns/http.ts';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, MAX_CALL_ATTEMPTS, MAX_SUBMIT_ATTEMPTS } from '../../src/dfns/retry.ts';
import { MAX_JSON_DEPTH } from '../../src/file/json.ts';
import { MAX_FILE_BYTES } from '../../src/file/output-file.ts';
import { MAX_REPORTED_VIOLATIONS } from '../../src/documents/violations.ts';
import { TOKEN_EXPIRY_WARNING_DAYS } from '../../src/dfns/token.ts';
import { MAX_INPUT_ARCHIVE_BYTES } from '../../src/dfns/create-input-archive.ts';
import { MAX_RETENTION_DAYS } from '../../src/report/receipt.ts';
import { ACTION_VERSION } from '../../src/base/version.ts';
import { ZIP_MAX_ENTRIES } from '../../src/file/zip.ts';
import { readActionYml, ROOT } from '../helpers/action-runner.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const page = (name: string): string => readFileSync(join(ROOT, 'docs', name), 'utf8');
/** docs/actions.md: the step inputs and outputs of the three actions. */
const actionsPage = page('actions.md');
/** docs/receipt.md: the receipt, the job summary, the annotation and warning titles. */
const receiptPage = page('receipt.md');
/** The README and every page of docs/, one text. */
const allDocs = [
  readme,
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map(page),
].join('\n');

/** The rows of the first table under a heading of docs/actions.md (`## Step inputs of the main action`), as arrays of trimmed cells. */
function table(heading: string): string[][] {
  const section = actionsPage.split(`\n${heading}\n`)[1]?.split(/\n#{2,3} /)[0];
  if (!section) throw new Error(`docs/actions.md has no "${heading}" section`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1').replace(/^''$/, '');

describe.each([
  ['action.yml', 'submit', '## Step inputs of the main action', '## Outputs of the main action'],
  ['input/action.yml', 'create-input', '## Step inputs of the `input` action', '## Outputs of the `input` action'],
  ['cancel/action.yml', 'cancel', '## Step inputs of the `cancel` action', '## Outputs of the `cancel` action'],
] as const)('docs/actions.md and %s', (file, which, inputsHeading, outputsHeading) => {
  const action = readActionYml(which);

  it('lists exactly the step inputs, with their defaults and whether required', () => {
    const rows = table(inputsHeading).map(([name, , def, required]) => ({
      name: unquote(name!),
      default: unquote(def!),
      required: required === 'yes',
    }));
    const declared = Object.entries(action.inputs).map(([name, spec]) => ({
      name,
      default: spec.default ?? '',
      required: spec.required === true,
    }));
    expect(rows).toEqual(declared);
  });

  it('lists exactly the outputs', () => {
    expect(table(outputsHeading).map(([name]) => unquote(name!))).toEqual(Object.keys(action.outputs));
  });

  // Of the action.yml alone: the descriptions of docs/actions.md are not compared.
  it(`${file} describes each of its inputs and outputs, in more than 10 characters`, () => {
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect(spec.description.length, name).toBeGreaterThan(10);
    }
  });
});

describe('README and docs/ figures', () => {
  it('match the named constants of the retry policy, timeouts and limits', () => {
    const facts = [
      `up to ${MAX_CALL_ATTEMPTS} attempts each`,
      `(up to ${MAX_SUBMIT_ATTEMPTS} attempts)`,
      `(${BACKOFF_BASE_MS / 1000} s doubling, at most ${BACKOFF_MAX_MS / 1000} s)`,
      `a connect timeout (${CONNECT_TIMEOUT_MS / 1000} s)`,
      `a body timeout (${HEADERS_TIMEOUT_MS / 1000} s each)`,
      `| file size | ${MAX_FILE_BYTES / 1024 / 1024} MiB |`,
      `| archive entries | ${ZIP_MAX_ENTRIES.toLocaleString('en-US')} |`,
      `| JSON nesting | ${MAX_JSON_DEPTH} levels |`,
      `| violations listed | ${MAX_REPORTED_VIOLATIONS}, then a count |`,
      `expires within ${TOKEN_EXPIRY_WARNING_DAYS} days`,
      `| input archive (the input action) | ${MAX_INPUT_ARCHIVE_BYTES / 1024 / 1024} MiB, and the zip reader's limits above |`,
      `| \`receipt-retention-days\` | 1 to ${MAX_RETENTION_DAYS} |`,
    ];
    expect(BODY_TIMEOUT_MS).toBe(HEADERS_TIMEOUT_MS);
    for (const fact of facts) expect(allDocs).toContain(fact);
  });
});

/** The text of every `.ts` file under `src/`, with its path. */
function sources(): Array<{ file: string; text: string }> {
  return readdirSync(join(ROOT, 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(ROOT, 'src', file), 'utf8') }));
}

/** Index just past the literal opened by the quote at `i` (`'`, `"` or a template, minding `${…}`). */
function skipLiteral(text: string, i: number): number {
  const quote = text[i];
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === quote) return j + 1;
    else if (quote === '`' && c === '$' && text[j + 1] === '{') j = skipBalanced(text, j + 1, '{', '}') - 1;
  }
  return text.length;
}

/** Index just past the `close` that balances the `open` at `i`, minding literals and nesting. */
function skipBalanced(text: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < text.length;) {
    const c = text[j]!;
    if (c === "'" || c === '"' || c === '`') {
      j = skipLiteral(text, j);
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
    j++;
  }
  return text.length;
}

/** The top-level arguments of the call whose `(` is at `i`, each trimmed. */
function callArguments(text: string, i: number): string[] {
  const end = skipBalanced(text, i, '(', ')') - 1;
  const args: string[] = [];
  let depth = 0;
  let start = i + 1;
  for (let j = i + 1; j < end;) {
    const c = text[j]!;
    if (c === "'" || c === '"' || c === '`') {
      j = skipLiteral(text, j);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, j).trim());
      start = j + 1;
    }
    j++;
  }
  args.push(text.slice(start, end).trim());
  return args.filter((arg) => arg !== '');
}

const SINGLE_QUOTED = /^'([^'\\]*)'$/;

/**
 * The titles the sources give, each with the file it is in: `annotations`, those of errors
 * (`title = '…'`, a `title: '…' | '…'` union, the `defaultTitle`/`unknownTitle` of an action's
 * failure words and the `…_TITLE` constants), plus the warning titles passed as a `title: '…'`
 * property (the cancel action's `store-id`/`group-id` ones); `warnings`, the last argument of each
 * `.warning(…)` call when it is a plain single-quoted literal (the others pass a title on).
 */
function sourceTitles(): { annotations: Map<string, string>; warnings: Map<string, string> } {
  const annotations = new Map<string, string>();
  const warnings = new Map<string, string>();
  for (const { file, text } of sources()) {
    for (const [, title] of text.matchAll(/\btitle = '([^']+)'/g)) annotations.set(title!, file);
    for (const [, union] of text.matchAll(/\btitle: ('[^']+'(?:\s*\|\s*'[^']+')*)/g)) {
      for (const part of union!.split('|')) annotations.set(part.trim().slice(1, -1), file);
    }
    for (const [, title] of text.matchAll(/\b(?:defaultTitle|unknownTitle|[A-Z][A-Z_]*_TITLE)\s*[:=]\s*'([^']+)'/g)) {
      annotations.set(title!, file);
    }
    for (const match of text.matchAll(/\.warning\(/g)) {
      const last = callArguments(text, match.index + match[0].length - 1).at(-1);
      const title = last?.match(SINGLE_QUOTED)?.[1];
      if (title !== undefined) warnings.set(title, file);
    }
  }
  return { annotations, warnings };
}

describe('docs/receipt.md titles', () => {
  const { annotations, warnings } = sourceTitles();

  it('finds the titles in the sources (the scan itself works)', () => {
    expect([...annotations.keys()]).toEqual(
      expect.arrayContaining([
        'Invalid step input',
        'Archive refused',
        'Unsafe file name',
        'Node 24 required',
        'Input archive not created',
      ]),
    );
    expect([...warnings.keys()]).toEqual(expect.arrayContaining(['Dfns call retried', 'Partial submission', 'Job summary not written']));
    expect(annotations.size).toBeGreaterThan(30);
    expect(warnings.size).toBeGreaterThan(15);
    expect(callArguments("x.warning(`a ${f('b, c')}`, 'T')", 9)).toEqual(["`a ${f('b, c')}`", "'T'"]);
  });

  it('lists every annotation title and every warning title, in backticks', () => {
    const missing = [...annotations, ...warnings]
      .filter(([title]) => !receiptPage.includes(`\`${title}\``))
      .map(([title, file]) => `${file}: ${title}`);
    expect(missing).toEqual([]);
  });
});

describe('version', () => {
  it('is the same in src/base/version.ts and package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(ACTION_VERSION).toBe(pkg.version);
  });
});
