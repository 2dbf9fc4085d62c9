import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../src/base/logger.ts';
import { validateKeystoreOutput } from '../../src/schemas/keystore-output.ts';
import { PreflightError, preflight, readTokenClaims } from '../../src/dfns/token.ts';
import { code, md } from '../../src/report/summary.ts';
import { fixtureText } from '../helpers/e2e.ts';

const output = validateKeystoreOutput(JSON.parse(fixtureText('onchain-sign-output.json')));
const jwt = (claims: unknown) =>
  ['{"alg":"none"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.c2ln';
const NOW = Date.parse('2026-11-23T12:00:00Z');

function warningsOf(token: string | undefined, out = output): string[] {
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warning: (m, title) => void warnings.push(`${title}: ${m}`) };
  preflight(token, out, log, NOW);
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

describe('preflight', () => {
  it('fails on an expired token, to the second', () => {
    expect(() => preflight(jwt({ exp: NOW / 1000 }), output, silentLogger, NOW)).toThrow(PreflightError);
    expect(() => preflight(jwt({ exp: NOW / 1000 }), output, silentLogger, NOW)).toThrow(
      'the Dfns token expired on 2026-11-23T12:00:00.000Z: create a new token for the service account and update the "dfns-token" secret. Nothing was submitted.',
    );
    expect(warningsOf(jwt({ exp: NOW / 1000 + 1 }))).toEqual([
      'Dfns token expires soon: the Dfns token expires on 2026-11-23T12:00:01.000Z (within a day): create a new one and update the "dfns-token" secret before then',
    ]);
  });

  it('is quiet for a token valid for more than 7 days, of the same organisation', () => {
    expect(warningsOf(jwt({ exp: NOW / 1000 + 8 * 86400, 'https://custom/app_metadata': { orgId: output.org_id } }))).toEqual([]);
    expect(warningsOf(jwt({ exp: NOW / 1000 + 6 * 86400 }))[0]).toMatch(/\(in 6 days\)/);
    expect(warningsOf(jwt({ exp: NOW / 1000 + 86400 + 5 }))[0]).toMatch(/\(in 1 day\)/);
  });

  it('warns about a token it cannot read, and checks nothing when there is none', () => {
    expect(warningsOf('opaque')).toEqual([
      'Dfns token not checked: input "dfns-token" is not a JWT, so its expiry and organisation could not be checked before submitting',
    ]);
    expect(warningsOf(undefined)).toEqual([]);
  });
});

describe('Markdown escaping', () => {
  it('neutralises HTML, table pipes, emphasis and line breaks', () => {
    expect(md('<b>x</b> | *y* & `z`\nnext')).toBe('&lt;b&gt;x&lt;/b&gt; \\| \\*y\\* &amp; \\`z\\` next');
    expect(md('a'.repeat(400)).length).toBe(301);
    expect(code('ks|1`x\u202e')).toBe("`ks 1'x`");
  });
});
