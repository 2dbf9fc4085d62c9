/** Keeps README.md, action.yml and package.json in step. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BODY_TIMEOUT_MS, CONNECT_TIMEOUT_MS, HEADERS_TIMEOUT_MS } from '../../src/dfns/http.ts';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, MAX_CALL_ATTEMPTS, MAX_SUBMIT_ATTEMPTS } from '../../src/dfns/retry.ts';
import { MAX_JSON_DEPTH } from '../../src/file/json.ts';
import { MAX_FILE_BYTES } from '../../src/file/output-file.ts';
import { MAX_REPORTED_VIOLATIONS } from '../../src/schemas/violations.ts';
import { TOKEN_EXPIRY_WARNING_DAYS } from '../../src/dfns/token.ts';
import { MAX_INPUT_ARCHIVE_BYTES } from '../../src/dfns/create-input.ts';
import { MAX_RETENTION_DAYS } from '../../src/report/receipt.ts';
import { ACTION_VERSION } from '../../src/base/version.ts';
import { ZIP_MAX_ENTRIES } from '../../src/file/zip.ts';
import { readActionYml, ROOT } from '../helpers/action-runner.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the first table under a heading (`## Inputs`, `### Inputs of the input action`), as arrays of trimmed cells. */
function table(heading: string): string[][] {
  const section = readme.split(`\n${heading}\n`)[1]?.split(/\n#{2,3} /)[0];
  if (!section) throw new Error(`README has no "${heading}" section`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1').replace(/^''$/, '');

describe.each([
  ['action.yml', 'output', '## Inputs', '## Outputs'],
  ['input/action.yml', 'input', '### Inputs of the input action', '### Outputs of the input action'],
  ['cancel/action.yml', 'cancel', '### Inputs of the cancel action', '### Outputs of the cancel action'],
] as const)('README and %s', (file, which, inputsHeading, outputsHeading) => {
  const action = readActionYml(which);

  it('lists exactly the inputs, with their defaults and whether required', () => {
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

  // Of the action.yml alone: the README's descriptions are not compared.
  it(`${file} describes each of its inputs and outputs, in more than 10 characters`, () => {
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect(spec.description.length, name).toBeGreaterThan(10);
    }
  });
});

describe('README figures', () => {
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
    for (const fact of facts) expect(readme).toContain(fact);
  });
});

describe('version', () => {
  it('is the same in src/base/version.ts and package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(ACTION_VERSION).toBe(pkg.version);
  });
});
