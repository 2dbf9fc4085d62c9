/**
 * The three actions of the repository, each run from its own entry file of the one bundle
 * (`dist/<name>/index.js`, which `action.yml`'s `main` names): the folder of the file the runner
 * started tells which action this run is. No imports but the sentences: the Node check reads it
 * before anything else loads.
 */
import type { ChangeCall } from '../base/changes.ts';

/** Each action's name (its folder under src/actions/ and dist/) and the change it makes at Dfns. */
export const ACTION_CHANGES = {
  submit: 'submit',
  'create-input': 'create',
  cancel: 'cancel',
} as const satisfies Record<string, ChangeCall>;

export type ActionName = keyof typeof ACTION_CHANGES;

/** The action whose entry file is `entryPath` (process.argv[1]): `.../dist/<name>/index.js`. */
export function actionOf(entryPath: string | undefined): ActionName | undefined {
  const folder = /[\\/]([a-z-]+)[\\/]index\.js$/.exec(entryPath ?? '')?.[1];
  return folder !== undefined && Object.hasOwn(ACTION_CHANGES, folder) ? (folder as ActionName) : undefined;
}
