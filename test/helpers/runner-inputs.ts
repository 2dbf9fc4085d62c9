/**
 * Raw inputs as a runner gives them to an action, for tests that call a parser or a pipeline in
 * this process: every input the action's action.yml declares, with its default when not given
 * (the same environment `runnerEnv` builds for a child process). Giving or reading an input the
 * action.yml does not declare is a mistake the test reports.
 */
import type { RawStepInputs } from '../../src/runner/step-input-values.ts';
import { ACTIONS, runnerEnv, type ActionName } from './action-runner.ts';

export function runnerInputs(action: ActionName, given: Record<string, string> = {}): RawStepInputs {
  // runnerEnv throws on a given input that action.yml does not declare.
  const env = runnerEnv({ workspace: '', runnerTemp: '', commandFiles: {}, inputs: given, action });
  return (name) => {
    // As @actions/core's getInput names the variable.
    const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
    if (value === undefined) throw new Error(`the action reads step input "${name}", which ${ACTIONS[action].yml} does not declare`);
    return value;
  };
}
