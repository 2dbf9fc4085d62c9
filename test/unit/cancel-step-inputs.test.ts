/** The cancel action's step inputs, and the ids it reads from a file (src/actions/cancel/). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readIds } from '../../src/actions/cancel/id-source.ts';
import { MAX_REASON_CHARS, parseCancelStepInputs } from '../../src/actions/cancel/step-inputs.ts';
import { runnerInputs } from '../helpers/runner-inputs.ts';
import { makeZip } from '../helpers/zip-writer.ts';
import { fixtureText } from '../helpers/e2e.ts';

const credentials = { 'dfns-token': 'tok', 'dfns-credential-id': 'cr-1', 'dfns-private-key': 'pem' };
const parse = (given: Record<string, string>) => parseCancelStepInputs(runnerInputs('cancel', { ...credentials, ...given }));
function refusal(given: Record<string, string>): string {
  try {
    parse(given);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('parseCancelStepInputs', () => {
  it('reads the ids, the reason and the defaults of cancel/action.yml', () => {
    expect(parse({ 'store-id': 'ks-1', 'group-id': 'gr-1', reason: '  HSM failed  ' })).toEqual({
      storeId: 'ks-1',
      groupId: 'gr-1',
      reason: 'HSM failed',
      path: undefined,
      apiUrl: new URL('https://api.dfns.io'),
      timeoutSeconds: 60,
      dryRun: undefined,
      bearerPrefixRemoved: false,
      credentials: { token: 'tok', credentialId: 'cr-1', privateKey: 'pem' },
    });
    expect(parse({ path: 'fleet/in.zip' })).toMatchObject({ storeId: undefined, groupId: undefined, path: 'fleet/in.zip' });
  });

  it('needs the ids, or a file that names them', () => {
    expect(refusal({})).toBe(
      '"store-id" and "group-id" are required: the key store and the fleet operation\'s group to cancel, or "path" to an output or an input archive of that operation, which names them',
    );
    expect(refusal({ 'group-id': 'gr-1' })).toMatch(/^"store-id" is required: /);
  });

  it.each([
    [
      { 'group-id': '../gr', 'store-id': 'ks-1' },
      'step input "group-id" must be a fleet operation\'s group id (gr-…): one to 128 letters, digits, "-" and "_", starting with a letter or digit; got "../gr"',
    ],
    [
      { 'store-id': 'ks 1', 'group-id': 'gr-1' },
      'step input "store-id" must be a Dfns key store id (ks-…): one to 128 letters, digits, "-" and "_", starting with a letter or digit; got "ks 1"',
    ],
    [
      { 'store-id': 'ks-1', 'group-id': 'gr-1', reason: 'two\nlines' },
      `step input "reason" must be one line of at most ${MAX_REASON_CHARS} characters, without control or invisible characters; got 9 characters ("two\\x0Alines")`,
    ],
    [
      { 'store-id': 'ks-1', 'group-id': 'gr-1', reason: 'x'.repeat(MAX_REASON_CHARS + 1) },
      expect.stringMatching(
        /^step input "reason" must be one line of at most 1000 characters, without control or invisible characters; got 1001 characters/,
      ),
    ],
  ])('refuses %j', (given, message) => {
    expect(refusal(given)).toEqual(message);
  });
});

describe('readIds', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfns-ids-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const document = { type: 'fleet-input', version: 1, operation: 'clone', org_id: 'or-1', keystore_id: 'ks-9', group_id: 'gr-9' };

  it('from an input archive, its input document alone, or an output', () => {
    writeFileSync(
      join(dir, 'in.zip'),
      makeZip([
        { name: 'input/', data: '' },
        { name: 'input/input.json', data: JSON.stringify(document) },
      ]),
    );
    writeFileSync(join(dir, 'input.json'), JSON.stringify(document));
    writeFileSync(join(dir, 'out.json'), fixtureText('genesis-output.json'));
    expect(readIds('in.zip', dir)).toMatchObject({ document: 'input-archive', storeId: 'ks-9', groupId: 'gr-9' });
    expect(readIds('input.json', dir)).toMatchObject({ document: 'input-archive', storeId: 'ks-9', groupId: 'gr-9' });
    const genesis = JSON.parse(fixtureText('genesis-output.json'));
    expect(readIds('out.json', dir)).toMatchObject({ document: 'output', storeId: genesis.keystore_id, groupId: genesis.group_id });
  });

  it('leaves out an id that is not one', () => {
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ ...document, group_id: '../x', keystore_id: 7 }));
    expect(readIds('input.json', dir)).toMatchObject({ storeId: undefined, groupId: undefined });
  });

  it('refuses an input archive that breaks the rules, or whose document is not JSON', () => {
    writeFileSync(
      join(dir, 'evil.zip'),
      makeZip([
        { name: 'input/input.json', data: '{}' },
        { name: '../x', data: '' },
      ]),
    );
    expect(() => readIds('evil.zip', dir)).toThrow(
      'evil.zip: the input archive holds entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character): "../x"; refusing it',
    );
    writeFileSync(join(dir, 'bad.zip'), makeZip([{ name: 'input/input.json', data: '{"a":1,"a":2}' }]));
    expect(() => readIds('bad.zip', dir)).toThrow(/^bad\.zip \(entry "input\/input\.json"\): duplicate key "a"/);
  });
});
