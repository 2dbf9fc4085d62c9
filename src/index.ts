/**
 * The entry point of the action (`action.yml`): it only wires; everything else is in run().
 */
// First: on an older Node, one clear line instead of a failure inside a dependency.
import './action/node-version.ts';
// Then, so that a hash worker (which runs this bundle) hashes before anything else loads.
import { isHashWorker } from './file/checksum.ts';
import { startAction } from './action/entry.ts';
import { run } from './action/run.ts';
import { OUTPUT_WORDS } from './report/outcome.ts';

// A hash worker thread (see checksum.ts) has done its work when this module loads. No
// top-level await: the bundler would make every module of the bundle an asynchronous one.
if (!isHashWorker()) startAction(run, OUTPUT_WORDS);
