/**
 * Checks that need no network call, made before the first one: the token's expiry and
 * organisation (a JWT, decoded but not verified: Dfns verifies it), and the fleet's own verdict.
 */
import * as z from '../documents/zod.ts';
import type { Logger } from '../base/logger.ts';
import { safeText } from '../base/safe-text.ts';
import { ActionError } from '../base/errors.ts';

/** A token expiring within this many days gets a warning. */
export const TOKEN_EXPIRY_WARNING_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

const Claims = z.looseObject({
  exp: z.optional(z.number()),
  'https://custom/app_metadata': z.optional(z.looseObject({ orgId: z.optional(z.string()) })),
});

export interface TokenFacts {
  expiresAt: Date | undefined;
  orgId: string | undefined;
}

export class TokenExpiredError extends ActionError {
  override name = 'TokenExpiredError';
  readonly title = 'Dfns token expired';
}

/** Reads `exp` and the organisation from a JWT's payload; undefined when it is not a JWT. */
export function readTokenClaims(token: string): TokenFacts | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = Claims.parse(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
    return {
      expiresAt: claims.exp === undefined ? undefined : new Date(claims.exp * 1000),
      orgId: claims['https://custom/app_metadata']?.orgId,
    };
  } catch {
    return undefined;
  }
}

/**
 * Fails when the token has expired; warns of an expiry within a week, or of another organisation
 * than the output's (`outputOrgId`, when there is an output).
 */
export function checkToken(token: string, outputOrgId: string | undefined, log: Logger, now = Date.now()): void {
  const facts = readTokenClaims(token);
  if (!facts) {
    log.warning(
      'step input "dfns-token" is not a JWT, so its expiry and organisation could not be checked before submitting',
      'Dfns token not checked',
    );
    return;
  }
  if (facts.expiresAt) {
    const left = facts.expiresAt.getTime() - now;
    if (left <= 0) {
      throw new TokenExpiredError(
        `the Dfns token expired on ${facts.expiresAt.toISOString()}: create a new token for the service account ` +
          'and update the "dfns-token" secret',
      );
    }
    if (left < TOKEN_EXPIRY_WARNING_DAYS * DAY_MS) {
      const days = Math.floor(left / DAY_MS);
      log.warning(
        `the Dfns token expires on ${facts.expiresAt.toISOString()} (${days === 0 ? 'within a day' : `in ${days} day${days === 1 ? '' : 's'}`}): ` +
          'create a new one and update the "dfns-token" secret before then',
        'Dfns token expires soon',
      );
    }
  }
  if (outputOrgId !== undefined && facts.orgId !== undefined && facts.orgId !== outputOrgId) {
    log.warning(
      `the Dfns token belongs to organisation ${safeText(facts.orgId)}, but the output's org_id is ${safeText(outputOrgId)}: ` +
        'Dfns will likely refuse it. Check that the output and the service account belong to the same organisation',
      'Organisation mismatch',
    );
  }
}
