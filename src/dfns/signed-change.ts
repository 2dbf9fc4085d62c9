/**
 * A change at Dfns as a service account (submitting an output, creating an input): create the
 * user action challenge for the exact request, sign it with the service account key, exchange it
 * for a single-use user action token, then send the request with it, all under the retry policy
 * (a fresh challenge for every attempt of the change). Every answer is checked with zod.
 */
import { describeIssues } from '../schemas/violations.ts';
import * as z from '../schemas/zod.ts';
import type { ServiceAccountKey } from './credentials.ts';
import type { Logger } from '../base/logger.ts';
import { safeLines, safeText } from '../base/safe-text.ts';
import { keepSecret } from '../base/secrets.ts';
import { DfnsApiError, DfnsProtocolError, quoteBody, type ChangeCall, type DfnsCall } from './errors.ts';
import type { SlicedText } from './data-part.ts';
import { initBody, type StreamedBody } from './body.ts';
import type { Operation } from '../schemas/operations.ts';
import { describeOversize, DfnsTransport, MAX_ANSWER_BYTES, type HttpAnswer, type RequestRecord } from './http.ts';
import {
  MAX_CALL_ATTEMPTS,
  MAX_SUBMIT_ATTEMPTS,
  parseRetryAfter,
  realSleep,
  withRetries,
  type RetryContext,
  type Sleep,
} from './retry.ts';
import { ActionError, messageOf } from '../base/errors.ts';

const nonEmpty = () => z.string().check(z.minLength(1, { error: 'must not be empty' }));

const ChallengeAnswer = z.looseObject({
  challenge: nonEmpty(),
  challengeIdentifier: nonEmpty(),
  allowCredentials: z.looseObject({
    key: z.array(z.looseObject({ type: z.string(), id: z.string() })),
  }),
});

const UserActionAnswer = z.looseObject({ userAction: nonEmpty() });

/** What every signed change needs: the service account, the key store and operation, the deadline, the log. */
export interface SignedChangeRequest {
  apiUrl: URL;
  token: string;
  credentialId: string;
  key: ServiceAccountKey;
  storeId: string;
  operation: Operation;
  timeoutSeconds: number;
  deadline: number;
  userAgent: string;
  /** Masks a value in the log (the user action token). */
  setSecret: (value: string) => void;
  log: Logger;
  sleep?: Sleep;
  /** Told of every request to Dfns once it ends (the receipt's record). */
  onRequest?: (record: RequestRecord) => void;
  /** Counts the challenge-sign-change sequences started, also when the last one fails. */
  progress?: { attempts: number };
}

/** One change: where it goes, what it signs, and how it is sent and its answer read. */
export interface Change<T> {
  call: ChangeCall;
  path: string;
  /** The exact body of the change (or its `data` part): the signed `userActionPayload`. */
  payload: SlicedText;
  /** Bytes of the output file the change carries, for a 413's message. */
  fileBytes?: number;
  /** Sends the change with a fresh user action token; reads and checks the answer. */
  send(transport: DfnsTransport, userAction: string): Promise<T>;
}

/** What a change's retry lines say was not done. */
const NOT_DONE: Record<ChangeCall, string> = { submit: 'Nothing was submitted', create: 'No input was created' };

/** The service account's credential is not one the token's user may sign with. */
export class CredentialMismatchError extends ActionError {
  override name = 'CredentialMismatchError';
  readonly title = 'Credential not accepted';
}

/** Makes `change` as the service account, under the retry policy; the answer, and after how many sequences. */
export async function signedChange<T>(req: SignedChangeRequest, change: Change<T>): Promise<T & { attempts: number }> {
  const transport = new DfnsTransport({
    apiUrl: req.apiUrl,
    token: req.token,
    userAgent: req.userAgent,
    deadline: req.deadline,
    timeoutSeconds: req.timeoutSeconds,
    ...(req.onRequest ? { onRequest: req.onRequest } : {}),
  });
  const retry: RetryContext = {
    deadline: req.deadline,
    sleep: req.sleep ?? realSleep,
    onRetry: (call, attempt, delayMs, error, maxAttempts) =>
      req.log.warning(
        `Dfns ${call} attempt ${attempt} of ${maxAttempts} failed: ${retryReason(error)}. ` +
          (call === change.call ? `${NOT_DONE[change.call]}: retrying from a fresh challenge` : 'Retrying') +
          ` in ${seconds(delayMs)}${askedBy(error)}.`,
        'Dfns call retried',
      ),
    onDeadline: (call, attempt, delayMs, error) =>
      req.log.info(
        `Dfns ${call} attempt ${attempt} failed: ${retryReason(error)}. Not retried: waiting ${seconds(delayMs)}` +
          `${askedBy(error)} would pass the timeout-seconds deadline (${req.timeoutSeconds} s).`,
      ),
  };
  // The challenge's body carries the payload: written a slice at a time by every attempt (body.ts).
  const init = initBody(change.payload, change.path);
  try {
    return await withRetries(change.call, MAX_SUBMIT_ATTEMPTS, retry, async (attempt) => {
      if (req.progress) req.progress.attempts = attempt;
      const challenge = await withRetries('init', MAX_CALL_ATTEMPTS, retry, () =>
        initChallenge(transport, req, init, change.fileBytes),
      );
      const userAction = await withRetries('action', MAX_CALL_ATTEMPTS, retry, () =>
        signChallenge(transport, req, challenge),
      );
      // Masked in the log, and taken out of every text by the gate: a server may echo it.
      keepSecret(userAction, req.setSecret);
      return { ...(await change.send(transport, userAction)), attempts: attempt };
    });
  } catch (error) {
    // The stack, with undici's own error beneath, for a run with debug logging.
    req.log.debug(`Dfns call failed: ${safeLines(stackOf(error))}`);
    throw error;
  } finally {
    await transport.close();
  }
}

async function initChallenge(
  transport: DfnsTransport,
  req: SignedChangeRequest,
  body: StreamedBody,
  fileBytes: number | undefined,
): Promise<z.infer<typeof ChallengeAnswer>> {
  const sizes = fileBytes === undefined ? undefined : { request: body.byteLength, file: fileBytes };
  const answer = expectOk('init', req, await transport.post('init', '/auth/action/init', body), sizes);
  const challenge = parseAnswer('init', answer, ChallengeAnswer);
  const ids = challenge.allowCredentials.key.map((k) => k.id);
  if (!ids.includes(req.credentialId)) {
    throw new CredentialMismatchError(
      ids.length === 0
        ? 'the Dfns token accepts no key credential: the service account has no active key credential; register the public key of "dfns-private-key" with the service account'
        : `"dfns-credential-id" (${safeText(req.credentialId, 80)}) is not a key credential of this service account; ` +
          `the token accepts: ${ids.map((id) => safeText(id, 80)).join(', ')}`,
    );
  }
  req.log.debug(`Dfns challenge created; ${ids.length} key credential(s) allowed`);
  return challenge;
}

async function signChallenge(
  transport: DfnsTransport,
  req: SignedChangeRequest,
  challenge: z.infer<typeof ChallengeAnswer>,
): Promise<string> {
  const clientData = Buffer.from(JSON.stringify({ type: 'key.get', challenge: challenge.challenge }), 'utf8');
  const signature = Buffer.from(req.key.sign(clientData));
  const body = JSON.stringify({
    challengeIdentifier: challenge.challengeIdentifier,
    firstFactor: {
      kind: 'Key',
      credentialAssertion: {
        credId: req.credentialId,
        clientData: clientData.toString('base64url'),
        signature: signature.toString('base64url'),
      },
    },
  });
  const answer = expectOk('action', req, await transport.post('action', '/auth/action', body));
  return parseAnswer('action', answer, UserActionAnswer).userAction;
}

/**
 * The answer, when it is a success. `sizes`: of the request answered, and of the output file it
 * carries (the request that carries a file says how large both were, should Dfns answer 413).
 */
export function expectOk(call: DfnsCall, req: SignedChangeRequest, answer: HttpAnswer, sizes?: { request: number; file: number }): HttpAnswer {
  if (answer.status === 200 || (answer.status === 201 && (call === 'init' || call === 'action'))) return answer;
  if (answer.status >= 200 && answer.status < 300) {
    throw new DfnsProtocolError(call, answer.status, `status ${answer.status} is not a documented answer`, answer.bodyText);
  }
  throw new DfnsApiError({
    call,
    status: answer.status,
    statusText: answer.statusText,
    bodyText: answer.bodyText,
    operation: req.operation,
    storeId: req.storeId,
    ...(sizes === undefined ? {} : { sizes }),
    retryAfterMs: parseRetryAfter(answer.headers['retry-after']),
  });
}

export function parseAnswer<T>(call: DfnsCall, answer: HttpAnswer, schema: z.ZodMiniType<T>): T {
  if (answer.truncated) {
    throw new DfnsProtocolError(call, answer.status, `the answer is ${describeOversize(answer, MAX_ANSWER_BYTES)}, the most a Dfns answer is read`, answer.bodyText);
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.bodyText);
  } catch {
    throw new DfnsProtocolError(call, answer.status, 'the body is not JSON', answer.bodyText);
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues).slice(0, 3).join('; ');
    throw new DfnsProtocolError(call, answer.status, `it does not have the documented shape (${problems})`, answer.bodyText);
  }
  return parsed.data;
}

/** A 202 body describes the approval a Dfns policy asks for; its shape is not documented. */
export function describeApproval(bodyText: string): string {
  try {
    const body = z.looseObject({ id: z.optional(z.string()), status: z.optional(z.string()) }).parse(JSON.parse(bodyText));
    const parts = [body.id && `approval ${safeText(body.id, 80)}`, body.status && `status ${safeText(body.status, 40)}`];
    const known = parts.filter(Boolean).join(', ');
    if (known) return known;
  } catch {
    // fall through to quoting the body
  }
  return quoteBody(bodyText);
}

/** What a retry line says of the failure: Dfns's answer without the advice meant for a final error. */
function retryReason(error: unknown): string {
  if (error instanceof DfnsApiError) return error.summary;
  return messageOf(error);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function askedBy(error: unknown): string {
  return error instanceof DfnsApiError && error.retryAfterMs !== undefined ? ' (as its Retry-After asks)' : '';
}

/** The error's stack and those of its causes, for the debug log. */
function stackOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    parts.push(current.stack ?? `${current.name}: ${current.message}`);
    current = current.cause;
  }
  return parts.join('\ncaused by: ');
}
