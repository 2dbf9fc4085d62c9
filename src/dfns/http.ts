/**
 * The one place that sends HTTP requests to Dfns: base URL, headers, timeouts under the
 * overall deadline, proxies from the environment, and one kept-alive connection for all calls.
 *
 * Whether a failed request may have reached Dfns is decided by watching it, not by guessing
 * from error codes: a request fails "not sent" only when no byte of it was handed to a socket
 * (the connection, the proxy tunnel or the TLS handshake failed first). Anything later counts
 * as sent, because Dfns may have received it.
 */
import { Readable } from 'node:stream';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { DfnsDeadlineError, DfnsNetworkError, type DfnsCall } from './errors.ts';
import type { StreamedBody } from './body.ts';
import { messageOf } from '../base/errors.ts';
import { safeText } from '../base/safe-text.ts';
import { mib, size } from '../base/units.ts';

/** Per-call limits; the overall deadline, with its own timer, ends a call sooner when less is left. */
export const CONNECT_TIMEOUT_MS = 10_000;
export const HEADERS_TIMEOUT_MS = 30_000;
export const BODY_TIMEOUT_MS = 30_000;
/** Answers larger than this are cut (Dfns answers are small JSON documents). */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** Bytes of an answer past its cap that are read (and dropped) to say how large it was. */
const MAX_COUNTED_BEYOND_CAP = 16 * 1024 * 1024;

/** Error codes of a TLS certificate the runner does not trust. */
const CERTIFICATE_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (its first MAX_ANSWER_BYTES, for a binary answer). */
  bodyText: string;
  /** The body's bytes, up to the cap. */
  bodyBytes: Buffer;
  /** The body was longer than the cap, and was cut. */
  truncated: boolean;
  /** Bytes the body had in all (counted past the cap, up to MAX_COUNTED_BEYOND_CAP more); with `truncated`, at least this many. */
  bodyBytesSeen: number;
  /** Dfns's X-Request-ID for this answer, through the gate; undefined when it sent none. */
  requestId: string | undefined;
}

/** How to read an answer: JSON by default, or bytes (an archive) up to a larger cap. */
export interface AnswerOptions {
  /** The Accept header; default application/json. */
  accept?: string;
  /** Bytes read at most; default MAX_ANSWER_BYTES. */
  maxAnswerBytes?: number;
}

export interface TransportOptions {
  apiUrl: URL;
  token: string;
  userAgent: string;
  /** Epoch milliseconds after which no call may still be running. */
  deadline: number;
  timeoutSeconds: number;
  /** Told of every request once it ends, answered or not: the audit trail's record of it. */
  onRequest?: (record: RequestRecord) => void;
}

/** One request to Dfns, as the receipt records it. */
export interface RequestRecord {
  call: DfnsCall;
  /** The how-manieth request of this call in the run, from 1. */
  attempt: number;
  /** When it started (ISO 8601). */
  at: string;
  durationMs: number;
  /** The HTTP status Dfns answered; null when no answer came. */
  httpStatus: number | null;
  /** Why no answer came (the network error, or the deadline); null when one came. */
  networkError: string | null;
  /** Dfns's X-Request-ID of the answer; null when none came, or it had none. */
  requestId: string | null;
}

/** How far one request got: `started` once its first byte was handed to a socket. */
interface Progress {
  started: boolean;
}

export class DfnsTransport {
  readonly #options: TransportOptions;
  readonly #dispatcher: EnvHttpProxyAgent;
  /** A call was given up while undici still held it: closing must not wait for it. */
  #abandoned = false;
  /** Requests made so far, by call. */
  readonly #attempts: Partial<Record<DfnsCall, number>> = {};

  constructor(options: TransportOptions) {
    this.#options = options;
    // Honours https_proxy / HTTPS_PROXY, http_proxy / HTTP_PROXY and no_proxy / NO_PROXY; without
    // them a plain agent. Through a proxy, https is tunnelled with CONNECT.
    this.#dispatcher = new EnvHttpProxyAgent({
      connections: 1,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: CONNECT_TIMEOUT_MS },
      // The connections a proxy agent opens (to the proxy, and TLS through the tunnel).
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
  }

  get deadline(): number {
    return this.#options.deadline;
  }

  /** GETs from Dfns and reads the whole answer. Throws DfnsNetworkError or DfnsDeadlineError. */
  get(call: DfnsCall, path: string): Promise<HttpAnswer> {
    return this.#send('GET', call, path, undefined, {}, {});
  }

  /**
   * POSTs to Dfns and reads the whole answer: `body` is a small JSON text, or a streamed body.
   * Throws DfnsNetworkError or DfnsDeadlineError.
   */
  post(
    call: DfnsCall,
    path: string,
    body: string | StreamedBody,
    extraHeaders: Record<string, string> = {},
    answerOptions: AnswerOptions = {},
  ): Promise<HttpAnswer> {
    return this.#send('POST', call, path, body, extraHeaders, answerOptions);
  }

  async #send(
    method: 'GET' | 'POST',
    call: DfnsCall,
    path: string,
    body: string | StreamedBody | undefined,
    extraHeaders: Record<string, string>,
    answerOptions: AnswerOptions,
  ): Promise<HttpAnswer> {
    const remaining = this.#options.deadline - Date.now();
    if (remaining <= 0) throw new DfnsDeadlineError(call, this.#options.timeoutSeconds, false);
    const started = Date.now();
    const attempt = (this.#attempts[call] = (this.#attempts[call] ?? 0) + 1);
    const record = (httpStatus: number | null, networkError: string | null, requestId: string | null = null): void =>
      this.#options.onRequest?.({
        call,
        attempt,
        at: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        httpStatus,
        networkError,
        requestId,
      });
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#options.token}`,
      'user-agent': this.#options.userAgent,
      accept: answerOptions.accept ?? 'application/json',
      ...extraHeaders,
    };
    let payload: string | Readable | undefined;
    if (body === undefined) {
      payload = undefined;
    } else if (typeof body === 'string') {
      headers['content-type'] = 'application/json';
      payload = body;
    } else {
      headers['content-type'] = body.contentType;
      headers['content-length'] = String(body.byteLength);
      // A fresh stream for each attempt, which encodes (or hands over) one chunk at a time.
      payload = Readable.from(body.chunks(), { objectMode: false });
    }

    // The deadline. undici only notices an aborted signal once the request has a connection, so
    // the wait below also ends on it: a connect or a proxy that never answers cannot outlast it.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), remaining);
    const signal = deadline.signal;
    const progress: Progress = { started: false };
    let headersReceived = false;
    try {
      const answer = await untilAborted(
        request(new URL(path, this.#options.apiUrl), {
          method,
          headers,
          ...(payload === undefined ? {} : { body: payload }),
          dispatcher: this.#dispatcher.compose(trackProgress(progress)),
          // Not capped at the deadline: undici's timers run on a coarse clock that may fire half
          // a second early, which would tell a network error where the deadline ran out. The
          // deadline's own timer above ends the call at the deadline.
          headersTimeout: HEADERS_TIMEOUT_MS,
          bodyTimeout: BODY_TIMEOUT_MS,
          signal,
        }),
        signal,
        () => {
          this.#abandoned = true;
        },
      );
      headersReceived = true;
      const { bytes, truncated, seen } = await readCapped(answer.body, answerOptions.maxAnswerBytes ?? MAX_ANSWER_BYTES);
      // undici returns the socket to its pool one macrotask after the body ends; waiting for it
      // lets the next call reuse this connection instead of opening a second one.
      await new Promise((resolve) => setImmediate(resolve));
      const requestId = readRequestId(answer.headers);
      record(answer.statusCode, null, requestId ?? null);
      const bodyText = bytes.subarray(0, MAX_ANSWER_BYTES).toString('utf8');
      return {
        status: answer.statusCode,
        statusText: '',
        headers: answer.headers,
        bodyText,
        bodyBytes: bytes,
        truncated,
        bodyBytesSeen: seen,
        requestId,
      };
    } catch (error) {
      const sent = progress.started;
      // A per-call timeout that fires with the deadline is the deadline.
      if (signal.aborted || Date.now() >= this.#options.deadline) {
        record(null, `the timeout-seconds deadline (${this.#options.timeoutSeconds} s) ran out`);
        throw new DfnsDeadlineError(call, this.#options.timeoutSeconds, sent);
      }
      const { detail, final } = describeNetworkError(error, headersReceived, this.#options.apiUrl);
      record(null, detail);
      throw new DfnsNetworkError(call, sent, detail, { cause: error, final });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    // close() waits for requests in flight; one given up at the deadline may never end.
    if (this.#abandoned) await this.#dispatcher.destroy();
    else await this.#dispatcher.close();
  }
}

/** Characters of an X-Request-ID kept (Dfns's are short ids). */
const MAX_REQUEST_ID_CHARS = 100;

/** The answer's X-Request-ID (the Java SDK reads it; support asks for it), through the gate. */
function readRequestId(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers['x-request-id'];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : safeText(first.trim(), MAX_REQUEST_ID_CHARS);
}

/**
 * The body's bytes up to `cap`; past it the rest is counted and dropped (up to
 * MAX_COUNTED_BEYOND_CAP more, then no longer read), and `truncated` says so.
 */
async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy(): unknown },
  cap: number,
): Promise<{ bytes: Buffer; truncated: boolean; seen: number }> {
  const chunks: Uint8Array[] = [];
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.byteLength;
    if (seen <= cap) chunks.push(chunk);
    else if (seen > cap + MAX_COUNTED_BEYOND_CAP) {
      body.destroy();
      break;
    }
  }
  const kept = Buffer.concat(chunks);
  return { bytes: kept, truncated: seen > cap, seen };
}

/** Resolves or rejects as `promise` does, or rejects as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbandon: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      onAbandon();
      reject(new Error('internal: the deadline ran out before undici gave up'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * An interceptor that records when the request starts being written: undici calls
 * onRequestStart right before it writes the request line, and not at all when the connection,
 * the proxy tunnel or the TLS handshake failed first. A request aborted at that point (the
 * deadline ran out while connecting) is not written either.
 */
function trackProgress(progress: Progress): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) =>
    dispatch(options, {
      onRequestStart(controller, context) {
        handler.onRequestStart?.(controller, context);
        if (!controller.aborted) progress.started = true;
      },
      onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) =>
        handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
      onBodySent: (chunk) => handler.onBodySent?.(chunk),
      onRequestSent: () => handler.onRequestSent?.(),
    });
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

/** Proxy answers to CONNECT that repeating the request cannot change: refused, or credentials wanted. */
const FINAL_TUNNEL_STATUSES = new Set(['403', '407']);

/**
 * What the log says of a network failure, and whether it is `final`: a configuration problem
 * (a certificate the runner does not trust, a proxy that refuses the tunnel or wants credentials)
 * that repeating the request cannot fix, so it is not retried.
 */
function describeNetworkError(error: unknown, headersReceived: boolean, apiUrl: URL): { detail: string; final: boolean } {
  const code = errorCode(error);
  const message = safeText(messageOf(error), 300);
  // undici's words for a proxy that would not open the tunnel.
  const tunnel = /^Proxy response \((\d+)\) !== 200 when HTTP Tunneling$/.exec(message);
  if (tunnel) {
    const status = tunnel[1]!;
    return {
      detail:
        `the proxy answered ${status} to CONNECT ${apiUrl.host} instead of opening a tunnel; ` +
        (status === '407' ? 'it wants credentials: put them in the proxy URL (http://user:password@proxy:port); ' : '') +
        'check HTTPS_PROXY (or https_proxy) and NO_PROXY',
      final: FINAL_TUNNEL_STATUSES.has(status),
    };
  }
  if (code !== undefined && CERTIFICATE_CODES.has(code)) {
    return {
      detail:
        `${message}${message.includes(code) ? '' : ` (${code})`}: the TLS certificate presented for ${apiUrl.host} is not trusted. ` +
        'Behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the file of its CA certificate',
      final: true,
    };
  }
  const stage = headersReceived ? ' while reading the answer' : '';
  return { detail: `${message}${code && !message.includes(code) ? ` (${code})` : ''}${stage}`, final: false };
}

/** "3.2 MiB (3355443 bytes), over the 1 MiB", or "over 17 MiB, over the 1 MiB" when the count stopped: how large a cut answer was. */
export function describeOversize(answer: HttpAnswer, cap: number): string {
  const counted =
    answer.bodyBytesSeen > cap + MAX_COUNTED_BEYOND_CAP ? `more than ${mib(cap + MAX_COUNTED_BEYOND_CAP)}` : size(answer.bodyBytesSeen);
  return `${counted}, over the ${mib(cap)}`;
}
