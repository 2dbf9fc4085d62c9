/**
 * The entry point of the input action (`input/action.yml`): it only wires; everything else is in
 * runInputAction().
 */
// First: on an older Node, one clear line instead of a failure inside a dependency.
import '../action/node-version.ts';
// Then, so that a hash worker (which runs this bundle) hashes before anything else loads.
import { isHashWorker } from '../file/checksum.ts';
import { startAction } from '../action/entry.ts';
import { INPUT_WORDS, runInputAction } from './run.ts';

if (!isHashWorker()) startAction(runInputAction, INPUT_WORDS);
