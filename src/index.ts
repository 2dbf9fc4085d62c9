/**
 * The one bundle of the three actions. Each action's `main` is a file of its own
 * (`dist/<action>/index.js`) that loads this bundle; the file the runner started tells which
 * action runs (runner/action-names.ts). It only wires; each action's run is in src/actions/.
 */
// First: on an older Node, one clear line instead of a failure inside a dependency.
import './runner/node-version.ts';
import { actionOf, type ActionName } from './runner/action-names.ts';
import { startAction } from './runner/entry.ts';
import type { Action } from './runner/step.ts';
import { SUBMIT_ACTION } from './actions/submit/run.ts';
import { CREATE_INPUT_ACTION } from './actions/create-input/run.ts';
import { CANCEL_ACTION } from './actions/cancel/run.ts';

const ACTIONS: Record<ActionName, Action> = {
  submit: SUBMIT_ACTION,
  'create-input': CREATE_INPUT_ACTION,
  cancel: CANCEL_ACTION,
};

const name = actionOf(process.argv[1]);
if (name === undefined) {
  process.stdout.write(
    `::error title=Unknown action::The bundle was started as ${JSON.stringify(process.argv[1] ?? '')}; ` +
      `run one of the actions' entry files instead: ${Object.keys(ACTIONS)
        .map((action) => `dist/${action}/index.js`)
        .join(', ')}.\n`,
  );
  process.exitCode = 1;
} else {
  startAction(ACTIONS[name]);
}
