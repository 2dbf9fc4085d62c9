/**
 * The entry point of the cancel action (`cancel/action.yml`): it only wires; everything else is
 * in runCancelAction().
 */
// First: on an older Node, one clear line instead of a failure inside a dependency.
import '../action/node-version.ts';
// Then, so that a hash worker (which runs this bundle) hashes before anything else loads.
import { isHashWorker } from '../file/checksum.ts';
import { startAction } from '../action/entry.ts';
import { CANCEL_WORDS, runCancelAction } from './run.ts';

if (!isHashWorker()) startAction(runCancelAction, CANCEL_WORDS);
