export const id = 399;
export const ids = [399];
export const modules = {

/***/ 19490:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Wp: () => (/* binding */ parseAnswer),
/* harmony export */   aT: () => (/* binding */ expectOk),
/* harmony export */   xh: () => (/* binding */ describeApproval)
/* harmony export */ });
/* harmony import */ var _base_safe_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(15870);
/* harmony import */ var _documents_violations_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77076);
/* harmony import */ var _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(94204);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(31142);
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(18097);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(20443);
/**
 * Reading what Dfns answered: a success or a DfnsApiError with the facts a user needs, a body
 * checked with zod or a DfnsProtocolError that quotes it, and the undocumented 202 of a policy.
 */






/**
 * The answer, when it is a success. `sizes`: of the request answered, and of the output file it
 * carries (the request that carries a file says how large both were, should Dfns answer 413).
 */
function expectOk(call, target, answer, sizes) {
    if (answer.status === 200 || (answer.status === 201 && (call === 'init' || call === 'action')))
        return answer;
    if (answer.status >= 200 && answer.status < 300) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DfnsProtocolError */ .cE(call, answer, `status ${answer.status} is not a documented answer`, answer.bodyText);
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DfnsApiError */ .OV({
        call,
        status: answer.status,
        statusText: answer.statusText,
        bodyText: answer.bodyText,
        target,
        ...(sizes === undefined ? {} : { sizes }),
        retryAfterMs: (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .parseRetryAfter */ .mu)(answer.headers['retry-after']),
        requestId: answer.requestId,
    });
}
/** The answer's JSON body in the shape `schema` describes. Throws DfnsProtocolError. */
function parseAnswer(call, answer, schema) {
    if (answer.truncated) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DfnsProtocolError */ .cE(call, answer, `the answer is ${(0,_http_js__WEBPACK_IMPORTED_MODULE_4__/* .describeOversize */ .VR)(answer, _http_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_ANSWER_BYTES */ .gB)}, the most a Dfns answer is read`, answer.bodyText);
    }
    let json;
    try {
        json = JSON.parse(answer.bodyText);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DfnsProtocolError */ .cE(call, answer, 'the body is not JSON', answer.bodyText);
    }
    const parsed = schema.safeParse(json, { reportInput: true });
    if (!parsed.success) {
        const problems = (0,_documents_violations_js__WEBPACK_IMPORTED_MODULE_1__/* .describeIssues */ .wF)(parsed.error.issues).slice(0, 3).join('; ');
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DfnsProtocolError */ .cE(call, answer, `it does not have the documented shape (${problems})`, answer.bodyText);
    }
    return parsed.data;
}
/** A 202 body describes the approval a Dfns policy asks for; its shape is not documented. */
function describeApproval(bodyText) {
    try {
        const body = _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .looseObject */ ._H({ id: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .string */ .Yj()), status: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .string */ .Yj()) }).parse(JSON.parse(bodyText));
        const parts = [body.id && `approval ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .safeText */ .Hk)(body.id, 80)}`, body.status && `status ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .safeText */ .Hk)(body.status, 40)}`];
        const known = parts.filter(Boolean).join(', ');
        if (known)
            return known;
    }
    catch {
        // fall through to quoting the body
    }
    return (0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .quoteBody */ .jg)(bodyText);
}


/***/ }),

/***/ 68013:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   R: () => (/* binding */ multipartBody),
/* harmony export */   h: () => (/* binding */ initBody)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/**
 * The request bodies that carry the output: the init request's JSON (the data part, escaped
 * as the `userActionPayload` string) and the multipart submission (the data part and the
 * file). Both are written as streams of chunks, produced as the socket takes them, from the
 * data part's slices (see data-part.ts) and the file's own bytes: no whole copy of the output
 * is made, in either encoding, for any attempt.
 *
 * The multipart body is byte for byte what undici's FormData writes for the same fields, and
 * the init body what JSON.stringify writes for the same object (tests compare them).
 */

/**
 * `JSON.stringify({ userActionPayload, userActionHttpMethod, userActionHttpPath,
 * userActionServerKind })`, with the payload escaped a slice at a time as it is sent. Its
 * length is counted up front without escaping (see escapedByteLength).
 */
function initBody(payload, httpPath) {
    const head = Buffer.from('{"userActionPayload":"');
    const tail = Buffer.from(`",${JSON.stringify({ userActionHttpMethod: 'POST', userActionHttpPath: httpPath, userActionServerKind: 'Api' }).slice(1)}`);
    let byteLength = head.byteLength + tail.byteLength;
    for (const slice of payload.slices())
        byteLength += escapedByteLength(slice);
    return {
        contentType: 'application/json',
        byteLength,
        *chunks() {
            yield head;
            for (const escaped of escapedSlices(payload))
                yield Buffer.from(escaped);
            yield tail;
        },
    };
}
/** Characters JSON.stringify writes otherwise than as their UTF-8: controls, and surrogates (lone ones escaped). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_PLAIN = /[\u0000-\u001f\ud800-\udfff]/;
/**
 * Bytes of `JSON.stringify(slice)` between its quotes. A slice of plain characters (as a keystore
 * output's text is) only has its quotes and backslashes escaped, one byte more each: they are
 * counted. Any other slice is escaped to be measured.
 */
function escapedByteLength(slice) {
    if (NOT_PLAIN.test(slice))
        return Buffer.byteLength(JSON.stringify(slice)) - 2;
    return Buffer.byteLength(slice) + occurrences(slice, '"') + occurrences(slice, '\\');
}
function occurrences(text, char) {
    let n = 0;
    for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1))
        n++;
    return n;
}
/** Each slice as JSON.stringify escapes it inside a string (slices never split a surrogate pair). */
function* escapedSlices(text) {
    for (const slice of text.slices())
        yield JSON.stringify(slice).slice(1, -1);
}
/**
 * The submission's `multipart/form-data` body, with a boundary from `nextBoundary` that occurs
 * in neither part (with 96 random bits it never does, and that is checked rather than assumed).
 */
function multipartBody(parts, nextBoundary = randomBoundary) {
    const file = asBuffer(parts.file.bytes);
    let chosen = nextBoundary();
    for (let tries = 1; occursInText(parts.data, chosen) || file.includes(chosen); tries++) {
        if (tries >= 10)
            throw new Error('internal: no multipart boundary found that occurs in neither part');
        chosen = nextBoundary();
    }
    const head = (disposition, type) => Buffer.from(`--${chosen}\r\nContent-Disposition: form-data; ${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n`);
    const dataHead = head('name="data"');
    const fileHead = Buffer.concat([Buffer.from('\r\n'), head(`name="file"; filename="${escapeName(parts.file.name)}"`, parts.file.type)]);
    const tail = Buffer.from(`\r\n--${chosen}--\r\n`);
    return {
        contentType: `multipart/form-data; boundary=${chosen}`,
        byteLength: dataHead.byteLength + parts.data.byteLength + fileHead.byteLength + file.byteLength + tail.byteLength,
        *chunks() {
            yield dataHead;
            for (const slice of parts.data.slices())
                yield Buffer.from(slice);
            yield fileHead;
            yield file;
            yield tail;
        },
    };
}
/**
 * Whether `boundary` occurs in the text, also across two slices; a line break in it is a bug of
 * the caller (form encoding would rewrite it, and the part would differ from the signed payload).
 */
function occursInText(text, boundary) {
    let carry = '';
    for (const slice of text.slices()) {
        if (slice.includes('\n') || slice.includes('\r')) {
            throw new Error('internal: the data part holds a line break, which form encoding would rewrite');
        }
        const edge = boundary.length - 1; // a boundary across two slices has at most this much in each
        if (slice.includes(boundary) || (carry + slice.slice(0, edge)).includes(boundary))
            return true;
        carry = edge > 0 ? slice.slice(-edge) : '';
    }
    return false;
}
/** The shape of undici's boundaries (`----formdata-undici-` and a number), with random hex. */
function randomBoundary() {
    return `----formdata-dfns-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(12).toString('hex')}`;
}
/** A Buffer over the same memory (for its memchr-based search), not a copy. */
function asBuffer(bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
/** A file name in a Content-Disposition header, escaped as the WHATWG FormData encoding does. */
function escapeName(name) {
    return name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}


/***/ }),

/***/ 18097:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J6: () => (/* binding */ DfnsTransport),
/* harmony export */   VR: () => (/* binding */ describeOversize),
/* harmony export */   gB: () => (/* binding */ MAX_ANSWER_BYTES)
/* harmony export */ });
/* unused harmony exports CONNECT_TIMEOUT_MS, HEADERS_TIMEOUT_MS, BODY_TIMEOUT_MS */
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46752);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(31142);
/* harmony import */ var _base_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(34758);
/* harmony import */ var _base_safe_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(15870);
/* harmony import */ var _base_units_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(19182);
/**
 * The one place that sends HTTP requests to Dfns: base URL, headers, timeouts under the
 * overall deadline, proxies from the environment, and one kept-alive connection for all calls.
 *
 * Whether a failed request may have reached Dfns is decided by watching it, not by guessing
 * from error codes: a request fails "not sent" only when no byte of it was handed to a socket
 * (the connection, the proxy tunnel or the TLS handshake failed first). Anything later counts
 * as sent, because Dfns may have received it.
 */






/** Per-call limits; the overall deadline, with its own timer, ends a call sooner when less is left. */
const CONNECT_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 30_000;
const BODY_TIMEOUT_MS = 30_000;
/** Answers larger than this are cut (Dfns answers are small JSON documents). */
const MAX_ANSWER_BYTES = 1024 * 1024;
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
class DfnsTransport {
    #options;
    #dispatcher;
    /** A call was given up while undici still held it: closing must not wait for it. */
    #abandoned = false;
    /** Requests made so far, by call. */
    #attempts = {};
    constructor(options) {
        this.#options = options;
        // Honours https_proxy / HTTPS_PROXY, http_proxy / HTTP_PROXY and no_proxy / NO_PROXY; without
        // them a plain agent. Through a proxy, https is tunnelled with CONNECT.
        this.#dispatcher = new undici__WEBPACK_IMPORTED_MODULE_1__/* .EnvHttpProxyAgent */ .J2({
            connections: 1,
            pipelining: 1,
            keepAliveTimeout: 30_000,
            connect: { timeout: CONNECT_TIMEOUT_MS },
            // The connections a proxy agent opens (to the proxy, and TLS through the tunnel).
            connectTimeout: CONNECT_TIMEOUT_MS,
        });
    }
    get deadline() {
        return this.#options.deadline;
    }
    /** GETs from Dfns and reads the whole answer. Throws DfnsNetworkError or DfnsDeadlineError. */
    get(call, path) {
        return this.#send('GET', call, path, undefined, {}, {});
    }
    /**
     * POSTs to Dfns and reads the whole answer: `body` is a small JSON text, or a streamed body.
     * Throws DfnsNetworkError or DfnsDeadlineError.
     */
    post(call, path, body, extraHeaders = {}, answerOptions = {}) {
        return this.#send('POST', call, path, body, extraHeaders, answerOptions);
    }
    async #send(method, call, path, body, extraHeaders, answerOptions) {
        const remaining = this.#options.deadline - Date.now();
        if (remaining <= 0)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DfnsDeadlineError */ .OT(call, this.#options.timeoutSeconds, false);
        const started = Date.now();
        const attempt = (this.#attempts[call] = (this.#attempts[call] ?? 0) + 1);
        const record = (httpStatus, networkError, requestId = null) => this.#options.onRequest?.({
            call,
            attempt,
            at: new Date(started).toISOString(),
            durationMs: Date.now() - started,
            httpStatus,
            networkError,
            requestId,
        });
        const headers = {
            authorization: `Bearer ${this.#options.token}`,
            'user-agent': this.#options.userAgent,
            accept: answerOptions.accept ?? 'application/json',
            ...extraHeaders,
        };
        let payload;
        if (body === undefined) {
            payload = undefined;
        }
        else if (typeof body === 'string') {
            headers['content-type'] = 'application/json';
            payload = body;
        }
        else {
            headers['content-type'] = body.contentType;
            headers['content-length'] = String(body.byteLength);
            // A fresh stream for each attempt, which encodes (or hands over) one chunk at a time.
            payload = node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.from(body.chunks(), { objectMode: false });
        }
        // The deadline. undici only notices an aborted signal once the request has a connection, so
        // the wait below also ends on it: a connect or a proxy that never answers cannot outlast it.
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(), remaining);
        const signal = deadline.signal;
        const progress = { started: false };
        let headersReceived = false;
        try {
            const answer = await untilAborted((0,undici__WEBPACK_IMPORTED_MODULE_1__/* .request */ .Em)(new URL(path, this.#options.apiUrl), {
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
            }), signal, () => {
                this.#abandoned = true;
            });
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
        }
        catch (error) {
            const sent = progress.started;
            // A per-call timeout that fires with the deadline is the deadline.
            if (signal.aborted || Date.now() >= this.#options.deadline) {
                record(null, `the timeout-seconds deadline (${this.#options.timeoutSeconds} s) ran out`);
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DfnsDeadlineError */ .OT(call, this.#options.timeoutSeconds, sent);
            }
            const { detail, final } = describeNetworkError(error, headersReceived, this.#options.apiUrl);
            record(null, detail);
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DfnsNetworkError */ .QH(call, sent, detail, { cause: error, final });
        }
        finally {
            clearTimeout(timer);
        }
    }
    async close() {
        // close() waits for requests in flight; one given up at the deadline may never end.
        if (this.#abandoned)
            await this.#dispatcher.destroy();
        else
            await this.#dispatcher.close();
    }
}
/** Characters of an X-Request-ID kept (Dfns's are short ids). */
const MAX_REQUEST_ID_CHARS = 100;
/** The answer's X-Request-ID (the Java SDK reads it; support asks for it), through the gate. */
function readRequestId(headers) {
    const value = headers['x-request-id'];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined || first.trim() === '' ? undefined : (0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_4__/* .safeText */ .Hk)(first.trim(), MAX_REQUEST_ID_CHARS);
}
/**
 * The body's bytes up to `cap`; past it the rest is counted and dropped (up to
 * MAX_COUNTED_BEYOND_CAP more, then no longer read), and `truncated` says so.
 */
async function readCapped(body, cap) {
    const chunks = [];
    let seen = 0;
    for await (const chunk of body) {
        seen += chunk.byteLength;
        if (seen <= cap)
            chunks.push(chunk);
        else if (seen > cap + MAX_COUNTED_BEYOND_CAP) {
            body.destroy();
            break;
        }
    }
    const kept = Buffer.concat(chunks);
    return { bytes: kept, truncated: seen > cap, seen };
}
/** Resolves or rejects as `promise` does, or rejects as soon as `signal` aborts. */
function untilAborted(promise, signal, onAbandon) {
    return new Promise((resolve, reject) => {
        const onAbort = () => {
            onAbandon();
            reject(new Error('internal: the deadline ran out before undici gave up'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then((value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
}
/**
 * An interceptor that records when the request starts being written: undici calls
 * onRequestStart right before it writes the request line, and not at all when the connection,
 * the proxy tunnel or the TLS handshake failed first. A request aborted at that point (the
 * deadline ran out while connecting) is not written either.
 */
function trackProgress(progress) {
    return (dispatch) => (options, handler) => dispatch(options, {
        onRequestStart(controller, context) {
            handler.onRequestStart?.(controller, context);
            if (!controller.aborted)
                progress.started = true;
        },
        onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
        onResponseStart: (controller, statusCode, headers, statusMessage) => handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
        onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
        onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
        onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
        onBodySent: (chunk) => handler.onBodySent?.(chunk),
        onRequestSent: () => handler.onRequestSent?.(),
    });
}
function errorCode(error) {
    let current = error;
    for (let i = 0; i < 5 && current instanceof Error; i++) {
        const code = current.code;
        if (typeof code === 'string' && code !== 'UND_ERR_SOCKET')
            return code;
        current = current.cause;
    }
    return typeof error.code === 'string' ? error.code : undefined;
}
/** Proxy answers to CONNECT that repeating the request cannot change: refused, or credentials wanted. */
const FINAL_TUNNEL_STATUSES = new Set(['403', '407']);
/**
 * What the log says of a network failure, and whether it is `final`: a configuration problem
 * (a certificate the runner does not trust, a proxy that refuses the tunnel or wants credentials)
 * that repeating the request cannot fix, so it is not retried.
 */
function describeNetworkError(error, headersReceived, apiUrl) {
    const code = errorCode(error);
    const message = (0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_4__/* .safeText */ .Hk)((0,_base_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .messageOf */ .b)(error), 300);
    // undici's words for a proxy that would not open the tunnel.
    const tunnel = /^Proxy response \((\d+)\) !== 200 when HTTP Tunneling$/.exec(message);
    if (tunnel) {
        const status = tunnel[1];
        return {
            detail: `the proxy answered ${status} to CONNECT ${apiUrl.host} instead of opening a tunnel; ` +
                (status === '407' ? 'it wants credentials: put them in the proxy URL (http://user:password@proxy:port); ' : '') +
                'check HTTPS_PROXY (or https_proxy) and NO_PROXY',
            final: FINAL_TUNNEL_STATUSES.has(status),
        };
    }
    if (code !== undefined && CERTIFICATE_CODES.has(code)) {
        return {
            detail: `${message}${message.includes(code) ? '' : ` (${code})`}: the TLS certificate presented for ${apiUrl.host} is not trusted. ` +
                'Behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the file of its CA certificate',
            final: true,
        };
    }
    const stage = headersReceived ? ' while reading the answer' : '';
    return { detail: `${message}${code && !message.includes(code) ? ` (${code})` : ''}${stage}`, final: false };
}
/** "3.2 MiB (3355443 bytes), over the 1 MiB", or "over 17 MiB, over the 1 MiB" when the count stopped: how large a cut answer was. */
function describeOversize(answer, cap) {
    const counted = answer.bodyBytesSeen > cap + MAX_COUNTED_BEYOND_CAP ? `more than ${(0,_base_units_js__WEBPACK_IMPORTED_MODULE_5__/* .mib */ .jO)(cap + MAX_COUNTED_BEYOND_CAP)}` : (0,_base_units_js__WEBPACK_IMPORTED_MODULE_5__/* .size */ .Ej)(answer.bodyBytesSeen);
    return `${counted}, over the ${(0,_base_units_js__WEBPACK_IMPORTED_MODULE_5__/* .mib */ .jO)(cap)}`;
}


/***/ }),

/***/ 20443:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LH: () => (/* binding */ withRetries),
/* harmony export */   Pn: () => (/* binding */ MAX_SUBMIT_ATTEMPTS),
/* harmony export */   f1: () => (/* binding */ MAX_CALL_ATTEMPTS),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter),
/* harmony export */   uk: () => (/* binding */ realSleep)
/* harmony export */ });
/* unused harmony exports BACKOFF_BASE_MS, BACKOFF_MAX_MS, isRetryable, retryDelayMs */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31142);
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

/** Attempts of one idempotent call (init, action), the first included. */
const MAX_CALL_ATTEMPTS = 4;
/** Attempts of the whole challenge-sign-submit sequence, the first included. */
const MAX_SUBMIT_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;
const IDEMPOTENT_RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Statuses that mean a change (a submission, an input archive's creation) was not processed. */
const CHANGE_RETRY_STATUSES = new Set([429, 503]);
const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether a failed call may be repeated without risking a second effect. */
function isRetryable(call, error) {
    // An error of another call (e.g. an init that failed for good inside the submit loop) is final here.
    if ((error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DfnsApiError */ .OV || error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DfnsNetworkError */ .QH) && error.call !== call)
        return false;
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DfnsApiError */ .OV) {
        return ((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isChange */ .Xb)(call) ? CHANGE_RETRY_STATUSES : IDEMPOTENT_RETRY_STATUSES).has(error.status);
    }
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DfnsNetworkError */ .QH)
        return !error.final && ((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isChange */ .Xb)(call) ? !error.sent : true);
    return false;
}
/** Full-jitter exponential backoff for attempt n (1-based), or the server's Retry-After. */
function retryDelayMs(attempt, error, random = Math.random) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DfnsApiError */ .OV && error.retryAfterMs !== undefined)
        return error.retryAfterMs;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
/** Parses a Retry-After header: delta seconds or an HTTP date. */
function parseRetryAfter(value, now = Date.now()) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined || text.trim() === '')
        return undefined;
    if (/^\s*\d+\s*$/.test(text))
        return Number(text) * 1000;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/**
 * Runs `attempt` until it succeeds, fails for good, runs out of attempts, or the next wait
 * would end past the deadline (then the last error is thrown).
 */
async function withRetries(call, maxAttempts, context, attempt) {
    for (let n = 1;; n++) {
        try {
            return await attempt(n);
        }
        catch (error) {
            if (n >= maxAttempts || !isRetryable(call, error))
                throw error;
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


/***/ }),

/***/ 2399:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  H1: () => (/* binding */ logFailure),
  Db: () => (/* binding */ obtainUserAction),
  g2: () => (/* binding */ openTransport),
  eI: () => (/* binding */ retryContext),
  bj: () => (/* binding */ signedChange)
});

// EXTERNAL MODULE: ./src/base/errors.ts
var errors = __webpack_require__(34758);
// EXTERNAL MODULE: ./src/base/safe-text.ts
var safe_text = __webpack_require__(15870);
// EXTERNAL MODULE: ./src/base/secrets.ts
var secrets = __webpack_require__(75460);
// EXTERNAL MODULE: ./src/dfns/body.ts
var body = __webpack_require__(68013);
// EXTERNAL MODULE: ./src/base/changes.ts
var changes = __webpack_require__(7656);
// EXTERNAL MODULE: ./src/dfns/errors.ts
var dfns_errors = __webpack_require__(31142);
// EXTERNAL MODULE: ./src/dfns/http.ts
var http = __webpack_require__(18097);
// EXTERNAL MODULE: ./src/dfns/retry.ts
var dfns_retry = __webpack_require__(20443);
// EXTERNAL MODULE: ./src/documents/zod.ts + 11 modules
var zod = __webpack_require__(94204);
// EXTERNAL MODULE: ./src/dfns/answers.ts
var answers = __webpack_require__(19490);
;// CONCATENATED MODULE: ./src/dfns/user-action.ts
/**
 * User action signing, the two calls before every change: create the challenge for the exact
 * request (`POST /auth/action/init`), sign it with the service account's key and exchange it for
 * a single-use user action token (`POST /auth/action`). Every answer is checked with zod.
 */




const nonEmpty = () => zod/* string */.Yj().check(zod/* minLength */.Bp(1, { error: 'must not be empty' }));
const ChallengeAnswer = zod/* looseObject */._H({
    challenge: nonEmpty(),
    challengeIdentifier: nonEmpty(),
    allowCredentials: zod/* looseObject */._H({
        key: zod/* array */.YO(zod/* looseObject */._H({ type: zod/* string */.Yj(), id: zod/* string */.Yj() })),
    }),
});
const UserActionAnswer = zod/* looseObject */._H({ userAction: nonEmpty() });
/** The service account's credential is not one the token's user may sign with. */
class CredentialMismatchError extends errors/* ActionError */.l {
    name = 'CredentialMismatchError';
    title = 'Credential not accepted';
}
/**
 * Creates the challenge for the request whose init body is `init`, and checks that the credential
 * may sign it. `fileBytes`: of the output file the payload carries, for a 413's message.
 */
async function createChallenge(transport, signer, target, init, fileBytes) {
    const sizes = fileBytes === undefined ? undefined : { request: init.byteLength, file: fileBytes };
    const answer = (0,answers/* expectOk */.aT)('init', target, await transport.post('init', '/auth/action/init', init), sizes);
    const challenge = (0,answers/* parseAnswer */.Wp)('init', answer, ChallengeAnswer);
    const ids = challenge.allowCredentials.key.map((k) => k.id);
    if (!ids.includes(signer.credentialId)) {
        throw new CredentialMismatchError(ids.length === 0
            ? 'the Dfns token accepts no key credential: the service account has no active key credential; register the public key of "dfns-private-key" with the service account'
            : `"dfns-credential-id" (${(0,safe_text/* safeText */.Hk)(signer.credentialId, 80)}) is not a key credential of this service account; ` +
                `the token accepts: ${ids.map((id) => (0,safe_text/* safeText */.Hk)(id, 80)).join(', ')}`);
    }
    signer.log.debug(`Dfns challenge created; ${ids.length} key credential(s) allowed`);
    return challenge;
}
/** Signs the challenge with the service account's key; Dfns answers a single-use user action token. */
async function signChallenge(transport, signer, target, challenge) {
    const clientData = Buffer.from(JSON.stringify({ type: 'key.get', challenge: challenge.challenge }), 'utf8');
    const signature = Buffer.from(signer.key.sign(clientData));
    const body = JSON.stringify({
        challengeIdentifier: challenge.challengeIdentifier,
        firstFactor: {
            kind: 'Key',
            credentialAssertion: {
                credId: signer.credentialId,
                clientData: clientData.toString('base64url'),
                signature: signature.toString('base64url'),
            },
        },
    });
    const answer = (0,answers/* expectOk */.aT)('action', target, await transport.post('action', '/auth/action', body));
    return (0,answers/* parseAnswer */.Wp)('action', answer, UserActionAnswer).userAction;
}

;// CONCATENATED MODULE: ./src/dfns/signed-change.ts
/**
 * A change at Dfns as a service account (submitting an output, creating an input archive, canceling a
 * fleet operation), under the retry policy: every attempt of the change starts from a fresh
 * challenge (user-action.ts), because a user action token is single use.
 */









/** The one connection to Dfns of a run's calls, under its deadline. */
function openTransport(req) {
    return new http/* DfnsTransport */.J6({
        apiUrl: req.apiUrl,
        token: req.token,
        userAgent: req.userAgent,
        deadline: req.deadline,
        timeoutSeconds: req.timeoutSeconds,
        ...(req.onRequest ? { onRequest: req.onRequest } : {}),
    });
}
/** The retry policy's hooks: a warning before each wait, a line when the deadline forbids one. `changeCall`: the change whose retries start over. */
function retryContext(req, changeCall) {
    return {
        deadline: req.deadline,
        sleep: req.sleep ?? dfns_retry/* realSleep */.uk,
        onRetry: (call, attempt, delayMs, error, maxAttempts) => req.log.warning(`Dfns ${call} attempt ${attempt} of ${maxAttempts} failed: ${retryReason(error)}. ` +
            (call === changeCall ? `${changes/* NOTHING_DONE */.L[changeCall].replace(/\.$/, '')}: retrying from a fresh challenge` : 'Retrying') +
            ` in ${seconds(delayMs)}${askedBy(error)}.`, 'Dfns call retried'),
        onDeadline: (call, attempt, delayMs, error) => req.log.info(`Dfns ${call} attempt ${attempt} failed: ${retryReason(error)}. Not retried: waiting ${seconds(delayMs)}` +
            `${askedBy(error)} would pass the timeout-seconds deadline (${req.timeoutSeconds} s).`),
    };
}
/**
 * A user action token for the request `path` with `payload`, each call under the retry policy:
 * the challenge created for that exact request, signed, and exchanged.
 */
async function obtainUserAction(transport, req, retry, request) {
    // The challenge's body carries the payload: written a slice at a time by every attempt (body.ts).
    const init = (0,body/* initBody */.h)(request.payload, request.path);
    const signer = { credentialId: req.credentialId, key: req.key, log: req.log };
    const challenge = await (0,dfns_retry/* withRetries */.LH)('init', dfns_retry/* MAX_CALL_ATTEMPTS */.f1, retry, () => createChallenge(transport, signer, req.target, init, request.fileBytes));
    const userAction = await (0,dfns_retry/* withRetries */.LH)('action', dfns_retry/* MAX_CALL_ATTEMPTS */.f1, retry, () => signChallenge(transport, signer, req.target, challenge));
    // Masked in the log, and taken out of every text by the gate: a server may echo it.
    (0,secrets/* keepSecret */.gz)(userAction, req.setSecret);
    return userAction;
}
/** Makes `change` as the service account, under the retry policy; the answer, and after how many sequences. */
async function signedChange(req, change) {
    const transport = openTransport(req);
    const retry = retryContext(req, change.call);
    try {
        return await (0,dfns_retry/* withRetries */.LH)(change.call, dfns_retry/* MAX_SUBMIT_ATTEMPTS */.Pn, retry, async (attempt) => {
            if (req.progress)
                req.progress.attempts = attempt;
            const userAction = await obtainUserAction(transport, req, retry, change);
            return { ...(await change.send(transport, userAction)), attempts: attempt };
        });
    }
    catch (error) {
        logFailure(req.log, error);
        throw error;
    }
    finally {
        await transport.close();
    }
}
/** The stack of what failed, with undici's own error beneath, for a run with debug logging. */
function logFailure(log, error) {
    log.debug(`Dfns call failed: ${(0,safe_text/* safeLines */.Bv)(stackOf(error))}`);
}
/** What a retry line says of the failure: Dfns's answer without the advice meant for a final error. */
function retryReason(error) {
    if (error instanceof dfns_errors/* DfnsApiError */.OV)
        return error.summary;
    return (0,errors/* messageOf */.b)(error);
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}
function askedBy(error) {
    return error instanceof dfns_errors/* DfnsApiError */.OV && error.retryAfterMs !== undefined ? ' (as its Retry-After asks)' : '';
}
/** The error's stack and those of its causes. */
function stackOf(error) {
    if (!(error instanceof Error))
        return String(error);
    const parts = [];
    let current = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
        parts.push(current.stack ?? `${current.name}: ${current.message}`);
        current = current.cause;
    }
    return parts.join('\ncaused by: ');
}


/***/ })

};
