/**
 * The retry policy, in one place.
 *
 * - `/auth/action/init` and `/auth/action` change nothing on the server: they are retried on
 *   network errors, 429 and 5xx.
 * - The submission is retried only when it provably was not processed: the connection failed
 *   before the request was sent, or Dfns answered 429 or 503. Every retry starts again from a
 *   fresh challenge, because user action tokens are single use.
 * - 400, 401, 403, 404 and 409 are never retried; nor are an untrusted TLS certificate and a
 *   proxy that refuses the tunnel (403) or wants credentials (407): repeating cannot fix them.
 * - `Retry-After` (seconds or an HTTP date) is honoured, but never past the deadline.
 */
import { DfnsApiError, DfnsNetworkError, isChange, type DfnsCall } from './errors.ts';

/** Attempts of one idempotent call (init, action), the first included. */
export const MAX_CALL_ATTEMPTS = 4;
/** Attempts of the whole challenge-sign-submit sequence, the first included. */
export const MAX_SUBMIT_ATTEMPTS = 3;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 8_000;

const IDEMPOTENT_RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Statuses that mean a change (a submission, an input archive's creation) was not processed. */
const CHANGE_RETRY_STATUSES = new Set([429, 503]);

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a failed call may be repeated without risking a second effect. */
export function isRetryable(call: DfnsCall, error: unknown): boolean {
  // An error of another call (e.g. an init that failed for good inside the submit loop) is final here.
  if ((error instanceof DfnsApiError || error instanceof DfnsNetworkError) && error.call !== call) return false;
  if (error instanceof DfnsApiError) {
    return (isChange(call) ? CHANGE_RETRY_STATUSES : IDEMPOTENT_RETRY_STATUSES).has(error.status);
  }
  if (error instanceof DfnsNetworkError) return !error.final && (isChange(call) ? !error.sent : true);
  return false;
}

/** Full-jitter exponential backoff for attempt n (1-based), or the server's Retry-After. */
export function retryDelayMs(attempt: number, error: unknown, random: () => number = Math.random): number {
  if (error instanceof DfnsApiError && error.retryAfterMs !== undefined) return error.retryAfterMs;
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Parses a Retry-After header: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryContext {
  deadline: number;
  sleep: Sleep;
  /** Called before each wait, for the log. */
  onRetry: (call: DfnsCall, attempt: number, delayMs: number, error: unknown, maxAttempts: number) => void;
  /** Called when a retryable error is not retried because the wait would end past the deadline. */
  onDeadline?: (call: DfnsCall, attempt: number, delayMs: number, error: unknown) => void;
}

/**
 * Runs `attempt` until it succeeds, fails for good, runs out of attempts, or the next wait
 * would end past the deadline (then the last error is thrown).
 */
export async function withRetries<T>(
  call: DfnsCall,
  maxAttempts: number,
  context: RetryContext,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= maxAttempts || !isRetryable(call, error)) throw error;
      const delay = retryDelayMs(n, error);
      if (Date.now() + delay >= context.deadline) {
        context.onDeadline?.(call, n, delay, error);
        throw error;
      }
      context.onRetry(call, n, delay, error, maxAttempts);
      await context.sleep(delay);
    }
  }
}
