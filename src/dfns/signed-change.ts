/**
 * A change at Dfns as a service account (submitting an output, creating an input archive, canceling a
 * fleet operation), under the retry policy: every attempt of the change starts from a fresh
 * challenge (user-action.ts), because a user action token is single use.
 */
import { messageOf } from '../base/errors.ts';
import type { Logger } from '../base/logger.ts';
import { safeLines } from '../base/safe-text.ts';
import { keepSecret } from '../base/secrets.ts';
import { initBody } from './body.ts';
import type { ServiceAccountKey } from './credentials.ts';
import type { SlicedText } from './data-part.ts';
import { NOTHING_DONE } from '../base/changes.ts';
import { DfnsApiError, type ChangeCall, type ChangeTarget } from './errors.ts';
import { DfnsTransport, type RequestRecord } from './http.ts';
import { MAX_CALL_ATTEMPTS, MAX_SUBMIT_ATTEMPTS, realSleep, withRetries, type RetryContext, type Sleep } from './retry.ts';
import { createChallenge, signChallenge } from './user-action.ts';

/** What every signed change needs: the service account, what the change is about, the deadline, the log. */
export interface SignedChangeRequest {
  apiUrl: URL;
  token: string;
  credentialId: string;
  key: ServiceAccountKey;
  target: ChangeTarget;
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

/** The one connection to Dfns of a run's calls, under its deadline. */
export function openTransport(req: SignedChangeRequest): DfnsTransport {
  return new DfnsTransport({
    apiUrl: req.apiUrl,
    token: req.token,
    userAgent: req.userAgent,
    deadline: req.deadline,
    timeoutSeconds: req.timeoutSeconds,
    ...(req.onRequest ? { onRequest: req.onRequest } : {}),
  });
}

/** The retry policy's hooks: a warning before each wait, a line when the deadline forbids one. `changeCall`: the change whose retries start over. */
export function retryContext(req: SignedChangeRequest, changeCall: ChangeCall | undefined): RetryContext {
  return {
    deadline: req.deadline,
    sleep: req.sleep ?? realSleep,
    onRetry: (call, attempt, delayMs, error, maxAttempts) =>
      req.log.warning(
        `Dfns ${call} attempt ${attempt} of ${maxAttempts} failed: ${retryReason(error)}. ` +
          (call === changeCall ? `${NOTHING_DONE[changeCall].replace(/\.$/, '')}: retrying from a fresh challenge` : 'Retrying') +
          ` in ${seconds(delayMs)}${askedBy(error)}.`,
        'Dfns call retried',
      ),
    onDeadline: (call, attempt, delayMs, error) =>
      req.log.info(
        `Dfns ${call} attempt ${attempt} failed: ${retryReason(error)}. Not retried: waiting ${seconds(delayMs)}` +
          `${askedBy(error)} would pass the timeout-seconds deadline (${req.timeoutSeconds} s).`,
      ),
  };
}

/**
 * A user action token for the request `path` with `payload`, each call under the retry policy:
 * the challenge created for that exact request, signed, and exchanged.
 */
export async function obtainUserAction(
  transport: DfnsTransport,
  req: SignedChangeRequest,
  retry: RetryContext,
  request: { path: string; payload: SlicedText; fileBytes?: number | undefined },
): Promise<string> {
  // The challenge's body carries the payload: written a slice at a time by every attempt (body.ts).
  const init = initBody(request.payload, request.path);
  const signer = { credentialId: req.credentialId, key: req.key, log: req.log };
  const challenge = await withRetries('init', MAX_CALL_ATTEMPTS, retry, () =>
    createChallenge(transport, signer, req.target, init, request.fileBytes),
  );
  const userAction = await withRetries('action', MAX_CALL_ATTEMPTS, retry, () => signChallenge(transport, signer, req.target, challenge));
  // Masked in the log, and taken out of every text by the gate: a server may echo it.
  keepSecret(userAction, req.setSecret);
  return userAction;
}

/** Makes `change` as the service account, under the retry policy; the answer, and after how many sequences. */
export async function signedChange<T>(req: SignedChangeRequest, change: Change<T>): Promise<T & { attempts: number }> {
  const transport = openTransport(req);
  const retry = retryContext(req, change.call);
  try {
    return await withRetries(change.call, MAX_SUBMIT_ATTEMPTS, retry, async (attempt) => {
      if (req.progress) req.progress.attempts = attempt;
      const userAction = await obtainUserAction(transport, req, retry, change);
      return { ...(await change.send(transport, userAction)), attempts: attempt };
    });
  } catch (error) {
    logFailure(req.log, error);
    throw error;
  } finally {
    await transport.close();
  }
}

/** The stack of what failed, with undici's own error beneath, for a run with debug logging. */
export function logFailure(log: Logger, error: unknown): void {
  log.debug(`Dfns call failed: ${safeLines(stackOf(error))}`);
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

/** The error's stack and those of its causes. */
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
