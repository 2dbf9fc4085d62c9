import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../src/base/logger.ts';
import { checkToken, readTokenClaims, TokenExpiredError } from '../../src/dfns/token.ts';
import { validateKeystoreOutput } from '../../src/documents/keystore-output.ts';
import { fixtureText } from '../helpers/e2e.ts';

const output = validateKeystoreOutput(JSON.parse(fixtureText('onchain-sign-output.json')));

const jwt = (claims: unknown) =>
  ['{"alg":"none"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.c2ln';
const NOW = Date.parse('2026-11-23T12:00:00Z');

/** The warnings checkToken gives for `token`, with the output's organisation when there is an output (undefined: the input action). */
function warningsOf(token: string, outputOrgId: string | undefined): string[] {
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warning: (m, title) => void warnings.push(`${title}: ${m}`) };
  checkToken(token, outputOrgId, log, NOW);
  return warnings;
}

describe('readTokenClaims', () => {
  it('reads exp and the organisation, and nothing from a non-JWT', () => {
    expect(readTokenClaims(jwt({ exp: NOW / 1000, 'https://custom/app_metadata': { orgId: 'or-1' } }))).toEqual({
      expiresAt: new Date(NOW),
      orgId: 'or-1',
    });
    expect(readTokenClaims('opaque-token')).toBeUndefined();
    expect(readTokenClaims('a.!!!.c')).toBeUndefined();
    expect(readTokenClaims(jwt({ exp: 'tomorrow' }))).toBeUndefined();
  });
});

describe('checkToken', () => {
  it('fails on an expired token, to the second', () => {
    expect(() => checkToken(jwt({ exp: NOW / 1000 }), output.org_id, silentLogger, NOW)).toThrow(TokenExpiredError);
    expect(() => checkToken(jwt({ exp: NOW / 1000 }), output.org_id, silentLogger, NOW)).toThrow(
      'the Dfns token expired on 2026-11-23T12:00:00.000Z: create a new token for the service account and update the "dfns-token" secret',
    );
    expect(warningsOf(jwt({ exp: NOW / 1000 + 1 }), output.org_id)).toEqual([
      'Dfns token expires soon: the Dfns token expires on 2026-11-23T12:00:01.000Z (within a day): create a new one and update the "dfns-token" secret before then',
    ]);
  });

  it('is quiet for a token valid for more than 7 days, of the same organisation', () => {
    expect(
      warningsOf(jwt({ exp: NOW / 1000 + 8 * 86400, 'https://custom/app_metadata': { orgId: output.org_id } }), output.org_id),
    ).toEqual([]);
    expect(warningsOf(jwt({ exp: NOW / 1000 + 6 * 86400 }), output.org_id)[0]).toMatch(/\(in 6 days\)/);
    expect(warningsOf(jwt({ exp: NOW / 1000 + 86400 + 5 }), output.org_id)[0]).toMatch(/\(in 1 day\)/);
  });

  it('warns about a token it cannot read', () => {
    expect(warningsOf('opaque', output.org_id)).toEqual([
      'Dfns token not checked: step input "dfns-token" is not a JWT, so its expiry and organisation could not be checked before submitting',
    ]);
  });

  it('warns about a token of another organisation than the output, naming both', () => {
    expect(warningsOf(jwt({ exp: NOW / 1000 + 30 * 86400, 'https://custom/app_metadata': { orgId: 'or-other' } }), output.org_id)).toEqual([
      `Organisation mismatch: the Dfns token belongs to organisation or-other, but the output's org_id is ${output.org_id}: ` +
        'Dfns will likely refuse it. Check that the output and the service account belong to the same organisation',
    ]);
  });

  it('gives no organisation warning when there is no output to compare with (the input action)', () => {
    const otherOrg = { 'https://custom/app_metadata': { orgId: 'or-other' } };
    expect(warningsOf(jwt({ exp: NOW / 1000 + 30 * 86400, ...otherOrg }), undefined)).toEqual([]);
    // The token's other checks still apply: only the expiry warning, no organisation one.
    expect(warningsOf(jwt({ exp: NOW / 1000 + 6 * 86400, ...otherOrg }), undefined)).toEqual([
      'Dfns token expires soon: the Dfns token expires on 2026-11-29T12:00:00.000Z (in 6 days): create a new one and update the "dfns-token" secret before then',
    ]);
    expect(() => checkToken(jwt({ exp: NOW / 1000, ...otherOrg }), undefined, silentLogger, NOW)).toThrow(TokenExpiredError);
  });
});
