/**
 * The one module that imports @actions/core: each action's step, wired to the runner (its
 * environment, step inputs, log, outputs and job summary), and the exit code it ends in.
 */
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import type { ActionIO } from './io.ts';
import { runStep, type Action } from './step.ts';

const io: ActionIO = {
  info: (message) => core.info(message),
  warning: (message, title) => core.warning(message, title === undefined ? {} : { title }),
  debug: (message) => core.debug(message),
  error: (message, title) => core.error(message, title === undefined ? {} : { title }),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  writeSummary: async (markdown) => void (await core.summary.addRaw(markdown, true).write()),
};

export function startAction(action: Action): void {
  void runStep(action, { env: process.env, cwd: process.cwd(), tmpdir: tmpdir(), getInput: (name) => core.getInput(name), io }).then(
    (code) => void (process.exitCode = code),
  );
}
