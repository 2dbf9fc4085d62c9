/**
 * The first module the entry point loads: on a Node older than the one the action is built for,
 * it stops with one clear line instead of a failure deep inside a dependency (undici 8, say,
 * fails on Node 20 with "Cannot read properties of undefined (reading 'bind')").
 *
 * It uses nothing but `process` and the actions' names and sentences, so that it runs before any
 * other module of the bundle.
 */
import { NOTHING_DONE } from '../base/changes.ts';
import { ACTION_CHANGES, actionOf } from './action-names.ts';

/** The Node major version of `runs.using: node24`. */
export const REQUIRED_NODE_MAJOR = 24;
/** The annotation's title (a test keeps it equal to the version above). */
const NODE_TITLE = 'Node 24 required';

/**
 * The `::error` line for a Node `version` too old, or undefined when it is recent enough. It ends
 * with what the action `entryPath` did not do.
 */
export function nodeVersionError(version: string, entryPath: string | undefined): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `::error title=${NODE_TITLE}::This action needs Node ${REQUIRED_NODE_MAJOR} or later ` +
    `(action.yml says runs.using: node${REQUIRED_NODE_MAJOR}); it was started with Node ${version}. ` +
    `Run it with "uses:" on a runner that provides node${REQUIRED_NODE_MAJOR}, not with node directly.${notDone(entryPath)}`
  );
}

function notDone(entryPath: string | undefined): string {
  const action = actionOf(entryPath);
  return action === undefined ? '' : ` ${NOTHING_DONE[ACTION_CHANGES[action]]}`;
}

const error = nodeVersionError(process.version, process.argv[1]);
if (error !== undefined) {
  process.stdout.write(`${error}\n`);
  process.exit(1);
}
