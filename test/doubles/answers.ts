/** What the tests of the Dfns sandbox read of its answers: status, headers, bytes, text and JSON. */

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
