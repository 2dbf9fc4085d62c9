/** Keeps README.md, action.yml and package.json in step. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_VERSION } from '../../src/version.ts';
import { readActionYml, ROOT } from '../helpers/action-runner.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the first table under a `## heading`, as arrays of trimmed cells. */
function table(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0];
  if (!section) throw new Error(`README has no "## ${heading}" section`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1').replace(/^''$/, '');

describe('README', () => {
  const action = readActionYml();

  it('lists exactly the inputs of action.yml, with their defaults and whether required', () => {
    const rows = table('Inputs').map(([name, , def, required]) => ({
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

  it('lists exactly the outputs of action.yml', () => {
    expect(table('Outputs').map(([name]) => unquote(name!))).toEqual(Object.keys(action.outputs));
  });

  it('describes every input and output in action.yml', () => {
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect(spec.description.length, name).toBeGreaterThan(10);
    }
  });
});

describe('version', () => {
  it('is the same in src/version.ts and package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(ACTION_VERSION).toBe(pkg.version);
  });
});
