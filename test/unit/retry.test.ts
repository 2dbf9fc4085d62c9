import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DfnsApiError, DfnsNetworkError, type DfnsCall } from '../../src/dfns/errors.ts';
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  isRetryable,
  MAX_CALL_ATTEMPTS,
  parseRetryAfter,
  retryDelayMs,
  withRetries,
} from '../../src/dfns/retry.ts';

const apiError = (call: DfnsCall, status: number, retryAfterMs?: number) =>
  new DfnsApiError({
    call,
    status,
    statusText: '',
    bodyText: '',
    target: { storeId: 'ks-1', permission: 'P', subject: '(operation "onchain-sign")' },
    retryAfterMs,
  });

describe('isRetryable', () => {
  it.each([429, 500, 502, 503, 504])('retries the idempotent calls on %i', (status) => {
    expect(isRetryable('init', apiError('init', status))).toBe(true);
    expect(isRetryable('action', apiError('action', status))).toBe(true);
  });

  it.each([400, 401, 402, 403, 404, 409])('never retries %i', (status) => {
    for (const call of ['init', 'action', 'submit'] as const) expect(isRetryable(call, apiError(call, status)), call).toBe(false);
  });

  it('retries the submission only on 429 and 503, which mean "not processed"', () => {
    expect(isRetryable('submit', apiError('submit', 429))).toBe(true);
    expect(isRetryable('submit', apiError('submit', 503))).toBe(true);
    for (const status of [500, 502, 504]) expect(isRetryable('submit', apiError('submit', status)), `submit ${status}`).toBe(false);
  });

  it('retries a submission network error only when the request provably was not sent', () => {
    expect(isRetryable('submit', new DfnsNetworkError('submit', false, 'ECONNREFUSED'))).toBe(true);
    expect(isRetryable('submit', new DfnsNetworkError('submit', true, 'socket hang up'))).toBe(false);
    expect(isRetryable('init', new DfnsNetworkError('init', true, 'socket hang up'))).toBe(true);
    // A configuration problem is final for every call, sent or not.
    for (const call of ['init', 'action', 'submit'] as const) {
      expect(isRetryable(call, new DfnsNetworkError(call, false, 'certificate not trusted', { final: true })), call).toBe(false);
    }
  });

  it("treats another call's error as final (an init that failed for good inside the submit loop)", () => {
    expect(isRetryable('submit', apiError('init', 503))).toBe(false);
  });
});

describe('retry timing', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(retryDelayMs(1, new Error('x'), () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(retryDelayMs(1, new Error('x'), () => 1)).toBe(BACKOFF_BASE_MS);
    expect(retryDelayMs(3, new Error('x'), () => 1)).toBe(BACKOFF_BASE_MS * 4);
    expect(retryDelayMs(20, new Error('x'), () => 1)).toBe(BACKOFF_MAX_MS);
  });

  it('honours Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(retryDelayMs(1, apiError('init', 429, 2500))).toBe(2500);
  });

  it('stops retrying when the next wait would pass the deadline, and throws the last error', async () => {
    // The clock stands still (the waits are recorded, not slept): the verdicts depend on the
    // deadline and the waits alone, not on how long the test takes to run.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-23T10:00:00Z') });
    onTestFinished(() => void vi.useRealTimers());
    const waits: number[] = [];
    let attempts = 0;
    const context = { deadline: Date.now() + 3000, sleep: async (ms: number) => void waits.push(ms), onRetry: () => {} };
    await expect(
      withRetries('init', MAX_CALL_ATTEMPTS, context, async () => {
        attempts++;
        throw apiError('init', 429, 2000);
      }),
    ).rejects.toThrow('Dfns answered 429');
    expect(attempts).toBe(MAX_CALL_ATTEMPTS);
    expect(waits).toEqual([2000, 2000, 2000]);

    attempts = 0;
    await expect(
      withRetries('init', MAX_CALL_ATTEMPTS, { ...context, deadline: Date.now() + 1000 }, async () => {
        attempts++;
        throw apiError('init', 429, 5000);
      }),
    ).rejects.toThrow('Dfns answered 429');
    expect(attempts).toBe(1);
  });
});
