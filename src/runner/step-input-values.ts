/**
 * The step-input values every action shares, each parsed from its raw string with a message that
 * names the step input and never echoes a secret: booleans, the timeout, the Dfns API origin, the
 * credentials, the receipt's retention.
 */
import { isIP } from 'node:net';
import { ActionError } from '../base/errors.ts';
import { hasUnshowableChars, safeText } from '../base/safe-text.ts';
import { DFNS_ID_RULE, isDfnsId } from '../documents/dfns-id.ts';
import { MAX_RETENTION_DAYS, retentionDaysOf } from '../report/receipt.ts';

export const DEFAULT_API_URL = 'https://api.dfns.io';
const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_TIMEOUT_SECONDS = 3600;

/** The service account's credentials, as the Dfns calls need them. */
export interface Credentials {
  token: string;
  /** `cr-…` */
  credentialId: string;
  /** The private key as the secret holds it (PEM, escaped or base64; see dfns/credentials.ts). */
  privateKey: string;
}

/**
 * `dry-run`: `offline` does everything but the calls to Dfns; `online` also checks the token, the
 * key store and the credential against Dfns, without making the change.
 */
type DryRun = 'offline' | 'online';

/**
 * A change at Dfns, and an online dry run, have every credential; an offline dry run checks those
 * it is given. `bearerPrefixRemoved`: the token was given as "Bearer <token>" (the prefix is gone).
 */
export type CredentialStepInputs = (
  { dryRun: undefined | 'online'; credentials: Credentials } | { dryRun: 'offline'; credentials: Partial<Credentials> }
) & { bearerPrefixRemoved: boolean };

/** An input the workflow set wrongly; the message names the step input and never echoes a secret. */
export class StepInputError extends ActionError {
  override name = 'StepInputError';
  readonly title = 'Invalid step input';
}

/** The raw value of each step input, by its action.yml name (missing = empty). */
export type RawStepInputs = (name: string) => string;

/** What the message for missing credentials says of the action's change. */
export interface ChangeWords {
  /** "to submit" */
  required: string;
  /** "to validate without submitting" */
  dryRun: string;
}

/** The step inputs every action has: the Dfns API origin, the timeout and the credentials. */
export type DfnsStepInputs = { apiUrl: URL; timeoutSeconds: number } & CredentialStepInputs;

/**
 * The step inputs every action has, each checked: the Dfns API origin, the timeout, the receipt's
 * (the trail reads those from the raw values, so that a run with wrong step inputs still leaves a
 * receipt; they are checked here) and the credentials, `words` saying what they are needed for.
 */
export function parseDfnsStepInputs(get: (name: string) => string, words: ChangeWords): DfnsStepInputs {
  const apiUrl = parseApiUrl(get('dfns-api-url') || DEFAULT_API_URL);
  const timeoutSeconds = parseTimeout(get('timeout-seconds'));
  checkRetentionDays(get('receipt-retention-days'));
  checkPathStepInput('receipt-path', get('receipt-path'));
  return { apiUrl, timeoutSeconds, ...parseCredentials(get, words) };
}

/** `dry-run` and the credentials: all three are required, unless it is an offline dry run. */
function parseCredentials(get: (name: string) => string, words: ChangeWords): CredentialStepInputs {
  const optional = (name: string): string | undefined => get(name) || undefined;
  const given = optional('dfns-token');
  const token = given === undefined ? undefined : withoutBearer(given);
  const bearerPrefixRemoved = token !== given;
  const credentials = {
    token,
    credentialId: parseCredentialId(optional('dfns-credential-id')),
    // The key keeps its inner line breaks; only surrounding blank space is dropped.
    privateKey: optional('dfns-private-key'),
  };
  const dryRun = parseDryRun(get('dry-run'));
  if (dryRun === 'offline') return { dryRun, credentials: withoutUndefined(credentials), bearerPrefixRemoved };
  const { credentialId, privateKey } = credentials;
  if (token === undefined || credentialId === undefined || privateKey === undefined) {
    const missing = (['dfns-token', 'dfns-credential-id', 'dfns-private-key'] as const).filter((n) => !get(n));
    throw new StepInputError(
      `${missing.map((n) => `"${n}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required ` +
        (dryRun === 'online'
          ? 'for an online dry run, which checks them against Dfns (pass them from repository secrets), or set "dry-run: true" to check without Dfns'
          : `${words.required} (pass them from repository secrets), or set "dry-run: true" ${words.dryRun}`),
    );
  }
  return { dryRun, credentials: { token, credentialId, privateKey }, bearerPrefixRemoved };
}

/** `true` (an offline dry run), `online`, or `false`/empty (no dry run). */
function parseDryRun(value: string): DryRun | undefined {
  if (value.toLowerCase() === 'online') return 'online';
  return parseBoolean('dry-run', value, false, 'true, false or online') ? 'offline' : undefined;
}

/** The token without a "Bearer " in front of it: pasted from a header, it would be sent as "Bearer Bearer …". */
function withoutBearer(token: string): string {
  const match = /^bearer\s+(\S+)$/i.exec(token);
  return match ? match[1]! : token;
}

/** The given credentials of a dry run: absent ones left out, as exactOptionalPropertyTypes wants. */
function withoutUndefined(values: { [K in keyof Credentials]: string | undefined }): Partial<Credentials> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** A Dfns id (`what`: "the key store id (ks-…)", say): one path segment, refused otherwise before any call. */
export function parseDfnsId(name: string, value: string, what: string): string {
  if (isDfnsId(value)) return value;
  throw new StepInputError(`step input "${name}" must be ${what}: ${DFNS_ID_RULE}; got "${shorten(value)}"`);
}

/** A path the run writes to and gives back as an output: refused when it holds characters that cannot be shown as they are. */
export function checkPathStepInput(name: string, value: string): void {
  if (!hasUnshowableChars(value)) return;
  throw new StepInputError(
    `step input "${name}" holds line breaks, control or invisible characters ("${shorten(value)}"): give a plain path`,
  );
}

function checkRetentionDays(value: string): void {
  if (value === '' || retentionDaysOf(value) !== undefined) return;
  throw new StepInputError(
    `step input "receipt-retention-days" must be a whole number of days from 1 to ${MAX_RETENTION_DAYS} (or empty for the repository's default), got "${shorten(value)}"`,
  );
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

export function parseBoolean(name: string, value: string, fallback: boolean, allowed = 'true or false'): boolean {
  if (value === '') return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new StepInputError(`step input "${name}" must be ${allowed}, got "${shorten(value)}"`);
}

function parseTimeout(value: string): number {
  if (value === '') return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > MAX_TIMEOUT_SECONDS) {
    throw new StepInputError(
      `step input "timeout-seconds" must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, got "${shorten(value)}"`,
    );
  }
  return n;
}

/** A Dfns credential id: `cr-`, then letters, digits and dashes (`cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx`). */
const CREDENTIAL_ID = /^cr-[A-Za-z0-9-]{1,253}$/;

function parseCredentialId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Not echoed: a secret pasted into the wrong step input must not reach the log.
  if (!CREDENTIAL_ID.test(value)) {
    throw new StepInputError(
      'step input "dfns-credential-id" must be the service account credential id shown in the Dfns dashboard: "cr-" ' +
        `then letters, digits and dashes (cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx); got ${value.length} characters` +
        `${value.startsWith('cr-') ? '' : ' not starting with "cr-"'} (not shown, in case it is a misplaced secret)`,
    );
  }
  return value;
}

/** `https`, or `http` on a loopback host for testing; a trailing slash is fine, a path is not. */
function parseApiUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StepInputError(`step input "dfns-api-url" is not a URL: "${shorten(value)}" (expected e.g. ${DEFAULT_API_URL})`);
  }
  if (url.username || url.password) {
    throw new StepInputError('step input "dfns-api-url" must not contain credentials');
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new StepInputError(
      `step input "dfns-api-url" must use https (http is allowed only for loopback hosts, for testing), got "${url.origin}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new StepInputError(`step input "dfns-api-url" must use https, got "${shorten(url.protocol)}"`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new StepInputError(
      `step input "dfns-api-url" must be the API origin without a path (e.g. ${DEFAULT_API_URL}), got "${shorten(value)}"`,
    );
  }
  return new URL(url.origin);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

export function shorten(value: string): string {
  return safeText(value, 80);
}
