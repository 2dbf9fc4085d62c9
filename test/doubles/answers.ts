/**
 * What the tests of the Dfns sandbox read of its answers (status, headers, bytes, text and
 * JSON), and what they expect of a refusal, of a rejected promise and of a closed socket.
 */
import { expect } from 'vitest';

/** A Dfns error body's `error`. */
export interface DfnsError {
  id: string;
  status: number;
  message: string;
  details: Record<string, unknown>;
}

export interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  json: unknown;
}

export async function toAnswer(res: Response): Promise<Answer> {
  const bytes = Buffer.from(await res.arrayBuffer());
  // undici hands the connection back to its pool one macrotask after the body ends: a request
  // sent sooner opens a second connection. Yield, so that keep-alive can be observed.
  await new Promise((resolve) => setImmediate(resolve));
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, bytes, text, json };
}

/**
 * A Dfns-shaped refusal: `status`, a JSON error body with a 19-digit id, and `message`: exactly
 * this text when a string, matching when a RegExp. Returns the error.
 */
export function expectRefusal(answer: Answer, status: number, message: string | RegExp): DfnsError {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/json');
  const { error } = answer.json as { error: DfnsError };
  expect(error.id).toMatch(/^\d{19}$/);
  expect(error.status).toBe(status);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  expect(error.details).toBeTypeOf('object');
  return error;
}

/** What `promise` rejected with; fails the test if it resolved. */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${String(value)}`),
    (error: unknown) => error,
  );
}

/** fetch's rejection when the server closes the connection without (all of) an answer: `what` is its message. */
export async function expectSocketClosed(promise: Promise<unknown>, what: 'fetch failed' | 'terminated'): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(TypeError);
  expect(error).toMatchObject({ message: what, cause: { name: 'SocketError', code: 'UND_ERR_SOCKET', message: 'other side closed' } });
}
