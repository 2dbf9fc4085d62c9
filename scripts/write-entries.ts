/**
 * After `ncc build src/index.ts -o dist`: writes each action's entry file, `dist/<action>/index.js`
 * (what its action.yml's `runs.main` names). Each only loads the one bundle, which tells the
 * action from the folder of the file the runner started (src/runner/action-names.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACTION_CHANGES } from '../src/runner/action-names.ts';

const DIST = resolve(import.meta.dirname, '..', 'dist');

for (const action of Object.keys(ACTION_CHANGES)) {
  mkdirSync(join(DIST, action), { recursive: true });
  writeFileSync(
    join(DIST, action, 'index.js'),
    `// The ${action} action's entry (its action.yml's runs.main): the bundle runs the action this folder names.\nimport '../index.js';\n`,
  );
}
