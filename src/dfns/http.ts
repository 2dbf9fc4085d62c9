/**
 * The one place that sends HTTP requests to Dfns: base URL, headers, timeouts under the
 * overall deadline, proxies from the environment, and one kept-alive connection for all calls.
 */
import { EnvHttpProxyAgent, request, type FormData } from 'undici';
import { DfnsDeadlineError, DfnsNetworkError, type DfnsCall } from './errors.ts';

/** Per-call limits; each is further capped by what is left of the overall deadline. */
export const CONNECT_TIMEOUT_MS = 10_000;
export const HEADERS_TIMEOUT_MS = 30_000;
export const BODY_TIMEOUT_MS = 30_000;
/** Answers larger than this are cut (Dfns answers are small JSON documents). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** undici error codes raised before any byte of the request left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_PRX_TLS',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  bodyText: string;
}

export interface TransportOptions {
  apiUrl: URL;
  token: string;
  userAgent: string;
  /** Epoch milliseconds after which no call may still be running. */
  deadline: number;
  timeoutSeconds: number;
}

export class DfnsTransport {
  readonly #options: TransportOptions;
  readonly #dispatcher: EnvHttpProxyAgent;

  constructor(options: TransportOptions) {
    this.#options = options;
    // Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY in any case; without them a plain agent.
    this.#dispatcher = new EnvHttpProxyAgent({
      connections: 1,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: CONNECT_TIMEOUT_MS },
    });
  }

  get deadline(): number {
    return this.#options.deadline;
  }

  /** POSTs to Dfns and reads the whole answer. Throws DfnsNetworkError or DfnsDeadlineError. */
  async post(
    call: DfnsCall,
    path: string,
    body: string | FormData,
    extraHeaders: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const remaining = this.#options.deadline - Date.now();
    if (remaining <= 0) throw new DfnsDeadlineError(call, this.#options.timeoutSeconds, false);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#options.token}`,
      'user-agent': this.#options.userAgent,
      accept: 'application/json',
      ...extraHeaders,
    };
    if (typeof body === 'string') headers['content-type'] = 'application/json';

    const signal = AbortSignal.timeout(remaining);
    let headersReceived = false;
    try {
      const answer = await request(new URL(path, this.#options.apiUrl), {
        method: 'POST',
        headers,
        body,
        dispatcher: this.#dispatcher,
        headersTimeout: Math.min(HEADERS_TIMEOUT_MS, remaining),
        bodyTimeout: Math.min(BODY_TIMEOUT_MS, remaining),
        signal,
      });
      headersReceived = true;
      const bodyText = await readCapped(answer.body);
      // undici returns the socket to its pool one macrotask after the body ends; waiting for it
      // lets the next call reuse this connection instead of opening a second one.
      await new Promise((resolve) => setImmediate(resolve));
      return { status: answer.statusCode, statusText: '', headers: answer.headers, bodyText };
    } catch (error) {
      const sent = !wasNotSent(error);
      if (signal.aborted) throw new DfnsDeadlineError(call, this.#options.timeoutSeconds, sent);
      throw new DfnsNetworkError(call, sent, describeNetworkError(error, headersReceived), { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}

async function readCapped(body: AsyncIterable<Uint8Array> & { destroy(): unknown }): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && current instanceof Error; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    current = current.cause;
  }
  return typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
}

/** True only when the request provably never left this machine. */
export function wasNotSent(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

function describeNetworkError(error: unknown, headersReceived: boolean): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const stage = headersReceived ? ' while reading the answer' : '';
  return `${message}${code && !message.includes(code) ? ` (${code})` : ''}${stage}`;
}
