/**
 * The shape of src/ that docs/architecture.md describes: each folder imports only from the
 * folders below it, no action imports another, no module imports itself back through others,
 * and one module imports @actions/core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/action-runner.ts';

const SRC = join(ROOT, 'src');
/** From the top: a folder may import from the folders after it. */
const LAYERS = ['actions', 'runner', 'report', 'github', 'dfns', 'file', 'documents', 'base'];

/** Every module of src/, relative to it, with the modules and packages it imports (static or dynamic). */
function imports(): Map<string, { modules: string[]; packages: string[] }> {
  const found = new Map<string, { modules: string[]; packages: string[] }>();
  for (const name of readdirSync(SRC, { recursive: true }) as string[]) {
    if (!name.endsWith('.ts')) continue;
    const text = readFileSync(join(SRC, name), 'utf8');
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\('([^']+)'\)/gm),
    ].map((match) => match[1] ?? match[2] ?? match[3]!);
    found.set(name, {
      modules: specifiers.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(SRC, dirname(name), s))),
      packages: specifiers.filter((s) => !s.startsWith('.')),
    });
  }
  return found;
}

const layerOf = (module: string): string => (module.includes('/') ? module.split('/')[0]! : 'index');
const actionOf = (module: string): string | undefined => (layerOf(module) === 'actions' ? module.split('/')[1] : undefined);

describe('the layers of src/', () => {
  const graph = imports();

  it('has every folder in the layer list', () => {
    const folders = new Set([...graph.keys()].map(layerOf).filter((layer) => layer !== 'index'));
    expect([...folders].sort()).toEqual([...LAYERS].sort());
  });

  it('imports only downwards: from a folder below, or the same folder; no action from another', () => {
    const upwards: string[] = [];
    for (const [module, { modules }] of graph) {
      const from = layerOf(module);
      for (const target of modules) {
        const to = layerOf(target);
        if (from === 'index') continue;
        const sameAction = actionOf(module) === actionOf(target);
        if (from === to ? sameAction : LAYERS.indexOf(to) > LAYERS.indexOf(from)) continue;
        upwards.push(`${module} imports ${target}`);
      }
    }
    expect(upwards).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (module: string, path: string[]): void => {
      if (state.get(module) === 'done') return;
      if (state.get(module) === 'open') {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' -> '));
        return;
      }
      state.set(module, 'open');
      for (const target of graph.get(module)?.modules ?? []) visit(target, [...path, module]);
      state.set(module, 'done');
    };
    for (const module of graph.keys()) visit(module, []);
    expect(cycles).toEqual([]);
  });

  it('imports @actions/core in one module only, the runner entry', () => {
    const users = [...graph].filter(([, { packages }]) => packages.includes('@actions/core')).map(([module]) => module);
    expect(users).toEqual(['runner/entry.ts']);
  });
});

describe("README's Architecture section", () => {
  it('names every folder of src/, each action folder on its own', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Architecture'), readme.indexOf('## Development'));
    const named = [...section.matchAll(/^\| `src\/([a-z/-]+)\/` \|/gm)].map((match) => match[1]!);
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        entry.name === 'actions' ? readdirSync(join(SRC, 'actions')).map((action) => `actions/${action}`) : [entry.name],
      );
    expect(named.sort()).toEqual(folders.sort());
  });
});
