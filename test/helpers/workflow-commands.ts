/**
 * What a runner would read as workflow commands in a run's log: every line that starts with `::`
 * (after blank space), and every line that holds `##[` (the older form, read anywhere in a line).
 * A run may print only the commands @actions/core writes for the action itself: masks of the run's
 * own secrets, debug lines, and annotations whose title is one of the action's own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './action-runner.ts';

/** The lines of `stdout` a runner would take for commands. */
function commandLines(stdout: string): string[] {
  return stdout.split(/\r?\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['));
}

let sourceText: string | undefined;

/** Every source file of the actions, as one text: an annotation title of the action's own is a literal in it. */
function sources(): string {
  if (sourceText === undefined) {
    const dir = join(ROOT, 'src');
    sourceText = (readdirSync(dir, { recursive: true }) as string[])
      .filter((name) => name.endsWith('.ts'))
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('\n');
  }
  return sourceText;
}

/** Why `line` is not a command the action writes, or undefined when it is one. */
function foreignCommand(line: string, masks: readonly string[]): string | undefined {
  if (line.includes('##[')) return 'holds "##[", which starts a command of the older form';
  const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) return 'starts with "::" but is not a command the toolkit writes';
  const [, command, properties = '', value = ''] = match;
  switch (command) {
    case 'add-mask': {
      // A secret, or a form or a line of one (the action masks each line of the private key), as the runner decodes it.
      const masked = value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
      return masked.length >= 8 && masks.some((mask) => mask.includes(masked))
        ? undefined
        : 'masks a value that is not a secret of the run';
    }
    case 'debug':
      return properties === '' ? undefined : 'a debug command with properties';
    case 'error':
    case 'warning':
    case 'notice': {
      const title = /(?:^|,)title=([^,]*)/.exec(properties)?.[1];
      if (title === undefined) return properties === '' ? undefined : `an annotation with properties but no title: ${properties}`;
      const decoded = title.replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
      return sources().includes(`'${decoded}'`)
        ? undefined
        : `an annotation titled ${JSON.stringify(decoded)}, which is none of the action's titles`;
    }
    default:
      return `the command "${command}"`;
  }
}

/**
 * Fails when the log holds a workflow command the action did not write. `masks`: the values the
 * run may mask, or texts that hold them (its secrets and their forms, the user action tokens Dfns issued).
 */
export function expectOnlyOwnCommands(stdout: string, masks: readonly string[]): void {
  const foreign = commandLines(stdout).flatMap((line) => {
    const why = foreignCommand(line, masks);
    return why === undefined ? [] : [`${JSON.stringify(line.slice(0, 200))}: ${why}`];
  });
  expect(foreign, 'workflow commands the action did not write').toEqual([]);
}
