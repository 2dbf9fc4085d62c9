import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../src/base/logger.ts';
import { validateKeystoreOutput } from '../../src/documents/keystore-output.ts';
import { countOutputs } from '../../src/documents/documents.ts';
import { warnOnFleetFailure } from '../../src/actions/submit/fleet-failure.ts';
import { fixtureText } from '../helpers/e2e.ts';

const output = validateKeystoreOutput(JSON.parse(fixtureText('onchain-sign-output.json')));

describe('warnOnFleetFailure', () => {
  it('warns, with the counts, when the fleet reported failure, and only then', () => {
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warning: (m, title) => void warnings.push(`${title}: ${m}`) };
    warnOnFleetFailure(output, countOutputs(output), log);
    expect(warnings).toEqual([]);
    warnOnFleetFailure({ ...output, status: 'fail' }, countOutputs(output), log);
    expect(warnings).toEqual([
      'Fleet reported failure: the fleet reported failure: the output\'s status is "fail" (1 of 2 outputs failed). It is still submitted, because Dfns must learn of it.',
    ]);
  });
});
