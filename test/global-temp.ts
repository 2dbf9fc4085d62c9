/**
 * Vitest's global setup: every temporary file and folder the tests make (theirs, the action's
 * runs', the stand-ins') goes into one folder, which is removed when the run ends, whatever
 * happened in between. TMPDIR is set before the test workers start, so os.tmpdir() and every
 * child process they spawn use it: those that inherit the environment, and the action's runs,
 * whose environment runnerEnv (helpers/action-runner.ts) builds afresh and passes TMPDIR in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'dfns-action-tests-'));
  const before = { TMPDIR: process.env['TMPDIR'], TMP: process.env['TMP'], TEMP: process.env['TEMP'] };
  process.env['TMPDIR'] = process.env['TMP'] = process.env['TEMP'] = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
