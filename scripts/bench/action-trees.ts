/**
 * The trees whose built action is measured: this one, and the one given to `--before` (a
 * checkout of an earlier commit with its dist/). Each is run from its submit action's entry:
 * `dist/submit/index.js`, or `dist/index.js` in a tree from before the three actions shared one
 * bundle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { readActionYml } from '../../test/helpers/action-runner.ts';
import { ROOT } from './bundles.ts';

export interface ActionTree {
  /** The submit action's entry file. */
  entry: string;
  /** What the report calls it: its commit, when it is a git checkout. */
  label: string;
  /** The commit checked out, short, when it is a git checkout. */
  commit?: string;
}

/** The submit action's entry file in `root`'s dist/. */
function actionEntry(root: string): string {
  const candidates = [join(root, 'dist', 'submit', 'index.js'), join(root, 'dist', 'index.js')];
  const entry = candidates.find((path) => existsSync(path));
  if (entry === undefined)
    throw new Error(`no built action in ${root}: neither dist/submit/index.js nor dist/index.js (run npm run bundle there)`);
  return entry;
}

/** The commit checked out in `root` (short hash, and its subject), when it is a git checkout. */
function commitOf(root: string): { commit: string; subject: string } | undefined {
  const git = spawnSync('git', ['-C', root, 'log', '-1', '--format=%h%n%s'], { encoding: 'utf8' });
  const [commit, subject = ''] = git.status === 0 ? git.stdout.trim().split('\n') : [];
  return commit ? { commit, subject } : undefined;
}

export function currentTree(): ActionTree {
  const git = commitOf(ROOT);
  const entry = actionEntry(ROOT);
  return git
    ? { entry, label: `this tree's dist/, at ${git.commit} (${git.subject})`, commit: git.commit }
    : { entry, label: "this tree's dist/" };
}

/**
 * The tree given to --before. Its action.yml must declare the same inputs, with the same
 * defaults, as this one's: both are run with the environment this one's action.yml gives.
 */
export function beforeTree(dir: string): ActionTree {
  const root = resolve(dir);
  const entry = actionEntry(root);
  const inputsOf = (inputs: Record<string, { default?: string }>): string =>
    JSON.stringify(
      Object.entries(inputs)
        .map(([name, spec]) => [name, spec.default ?? ''])
        .sort(),
    );
  const theirs = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  if (inputsOf(theirs.inputs) !== inputsOf(readActionYml().inputs)) {
    throw new Error(
      `${join(root, 'action.yml')} declares other inputs (or defaults) than this tree's action.yml: the runs would not compare`,
    );
  }
  const git = commitOf(root);
  return git
    ? { entry, label: `commit ${git.commit} (${git.subject}), its dist/`, commit: git.commit }
    : { entry, label: 'the tree given to --before, its dist/' };
}
