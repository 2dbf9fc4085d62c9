/**
 * The Dfns sandbox: an HTTP server on 127.0.0.1 that speaks the part of the Dfns API the
 * action uses (user action signing and key store output submission) with real cryptography,
 * records everything it sees and can inject faults. See the shared reference `dfns/API.md`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dfnsErrorBody, errorReply, jsonReply, Refusal, refuse, type Reply } from './errors.ts';
import { verifyJwt, signJwt } from './jwt.ts';
import { parseHeaderParams } from './multipart.ts';
import {
  checkSubmission,
  describeSubmission,
  SUBMIT_PATH,
  type Operation,
  type RecordedSubmission,
} from './submission.ts';
import { UserActionSigning } from './user-action.ts';

export type { Operation, RecordedSubmission } from './submission.ts';

export type SandboxCall = 'init' | 'action' | 'submit' | 'other';
export type FaultableCall = Exclude<SandboxCall, 'other'>;

/**
 * A fault answered instead of (or after) normal handling. `process: true` handles the request
 * normally first (for a submission: records it as accepted if it passes) and then answers the
 * fault; without it the request is not handled (a submission is recorded `accepted: false`,
 * `error: 'fault: …'`, and its user action token is spent all the same).
 */
export type Fault =
  /** Answers `status` with `body` (default a Dfns error body; a string is sent as is) and `headers`. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; process?: boolean }
  /** Destroys the socket without answering. */
  | { kind: 'reset'; process?: boolean }
  /** Never answers; the socket stays open until the client gives up or the sandbox closes. */
  | { kind: 'hang'; process?: boolean }
  /** Headers with a content-length larger than the body sent, then the socket ends. */
  | { kind: 'truncated-body'; process?: boolean }
  /** 200 with the body `{"status":`. */
  | { kind: 'malformed-json'; process?: boolean }
  /** 200 with a JSON body of the wrong shape (default `{"unexpected":true}`). */
  | { kind: 'wrong-shape'; body?: unknown; process?: boolean }
  /** Answers normally after `ms`; `process: true` handles the request on arrival instead of after the delay. */
  | { kind: 'delay'; ms: number; process?: boolean };

export interface RecordedRequest {
  call: SandboxCall;
  method: string;
  /** The raw request target (path and query, percent-encoding as sent). */
  path: string;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Status answered; null when none was (reset, hang) or not yet. */
  status: number | null;
  /** Which TCP connection carried it (1, 2, … in order of acceptance). */
  connectionId: number;
  /** The kind of the fault injected on this request, if any. */
  fault?: Fault['kind'];
}

export interface SandboxOptions {
  /** The organisation the sandbox serves; default a random `or-…` id. */
  orgId?: string;
  /** Port to listen on (127.0.0.1); default a random free port. */
  port?: number;
  /** Called with one line per request answered (for the standalone launcher). */
  log?: (line: string) => void;
}

export interface DfnsSandbox {
  /** `http://127.0.0.1:PORT` */
  url: string;
  orgId: string;
  /**
   * A service-account token: an HS256 JWT signed with a per-sandbox secret, claims `sub`,
   * `iat`, `exp` and `https://custom/app_metadata: { orgId }`. A token for another orgId is
   * refused with 401, like a token of another region.
   */
  issueToken(opts?: { orgId?: string; expiresInSeconds?: number }): string;
  /** Registers a credential of the service account (SPKI PEM); several are allowed. */
  registerCredential(credentialId: string, publicKeyPem: string): void;
  /** Adds a key store with the service account's permissions on it (default both operations). */
  addKeyStore(storeId: string, opts?: { operations?: Array<'onchain-sign' | 'proof-of-control'> }): void;
  /** What a submission that passes every check is answered: default 200 `{"status":"success"}`. */
  setSubmissionAnswer(answer: { status: number; body: unknown; headers?: Record<string, string> }): void;
  /** Applies `fault` to the next `times` (default 1; Infinity = always) requests of `call`. */
  injectFault(call: FaultableCall, fault: Fault, times?: number): void;
  clearFaults(): void;
  readonly requests: RecordedRequest[];
  readonly submissions: RecordedSubmission[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

const APP_METADATA = 'https://custom/app_metadata';
/** Above any body the action can send: a 64 MiB file travels twice in the multipart body. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

function randomDfnsId(prefix: string): string {
  const chars = '0123456789abcdefghijklmnopqrstuvwxyz';
  const pick = (n: number) => Array.from({ length: n }, () => chars[randomInt(chars.length)]).join('');
  return `${prefix}-${pick(5)}-${pick(5)}-${pick(16)}`;
}

function classify(method: string, rawPath: string): SandboxCall {
  if (method !== 'POST') return 'other';
  if (rawPath === '/auth/action/init') return 'init';
  if (rawPath === '/auth/action') return 'action';
  return SUBMIT_PATH.test(rawPath) ? 'submit' : 'other';
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Reads the whole body; null when the client went away, 'too-large' past the limit. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
    req.on('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}

function parseJsonBody(req: IncomingMessage, body: Buffer): unknown {
  const contentType = req.headers['content-type'];
  if (!contentType || parseHeaderParams(contentType).value !== 'application/json') {
    refuse(400, 'content-type must be application/json');
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(400, 'request body is not valid JSON');
  }
}

function describeFault(fault: Fault): string {
  return fault.kind === 'status' ? `status ${fault.status}` : fault.kind === 'delay' ? `delay ${fault.ms}ms` : fault.kind;
}

export async function startDfnsSandbox(options: SandboxOptions = {}): Promise<DfnsSandbox> {
  const orgId = options.orgId ?? randomDfnsId('or');
  const serviceAccountId = randomDfnsId('us');
  const tokenSecret = randomBytes(32);
  const signing = new UserActionSigning();
  const stores = new Map<string, Set<Operation>>();
  const faults: Record<FaultableCall, Array<{ fault: Fault; remaining: number }>> = { init: [], action: [], submit: [] };
  const requests: RecordedRequest[] = [];
  const submissions: RecordedSubmission[] = [];
  const connectionIds = new WeakMap<Socket, number>();
  const timers = new Set<NodeJS.Timeout>();
  let submissionAnswer: Reply = jsonReply(200, { status: 'success' });
  let connections = 0;

  /** 401 unless a valid, unexpired bearer token of this organisation; 400 without a User-Agent. */
  function authenticate(req: IncomingMessage): void {
    const match = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) refuse(401, 'unauthorized: missing bearer token');
    const check = verifyJwt(match[1]!, tokenSecret);
    if (!check.ok) refuse(401, check.reason === 'expired' ? 'token expired' : 'unauthorized');
    const metadata = check.claims[APP_METADATA] as { orgId?: unknown } | undefined;
    if (metadata?.orgId !== orgId) refuse(401, 'unauthorized: token is not for this organisation');
    if (!req.headers['user-agent']?.trim()) refuse(400, 'a non-empty User-Agent header is required');
  }

  /** Normal handling of one request. For a submission, fills in `submission` as it goes. */
  function handle(
    call: SandboxCall,
    req: IncomingMessage,
    body: Buffer,
    submission?: ReturnType<typeof describeSubmission>,
  ): Reply {
    try {
      if (call === 'other') refuse(404, `no route for ${req.method} ${req.url}`);
      authenticate(req);
      if (call === 'init') return jsonReply(200, signing.init(parseJsonBody(req, body)));
      if (call === 'action') return jsonReply(200, signing.complete(parseJsonBody(req, body)));
      const { record, parts } = submission!;
      const intent = signing.consume(req.headers['x-dfns-useraction'] as string | undefined);
      checkSubmission(record, parts, intent, (storeId) => stores.get(storeId));
      record.accepted = submissionAnswer.status < 300;
      if (!record.accepted) record.error = `configured answer ${submissionAnswer.status}`;
      return submissionAnswer;
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (submission) submission.record.error = error.message;
      return errorReply(error.status, error.message, error.details);
    }
  }

  function send(res: ServerResponse, record: RecordedRequest, reply: Reply, submission?: RecordedSubmission): void {
    if (res.destroyed) return;
    const body = Buffer.from(reply.body);
    res.writeHead(reply.status, { 'content-length': String(body.length), ...reply.headers });
    res.end(body);
    record.status = reply.status;
    if (submission) submission.status = reply.status;
    options.log?.(`${record.method} ${record.path} -> ${reply.status}${record.fault ? ` (fault ${record.fault})` : ''}`);
  }

  function takeFault(call: SandboxCall): Fault | undefined {
    if (call === 'other') return undefined;
    const queue = faults[call];
    const entry = queue[0];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) queue.shift();
    return entry.fault;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? '';
    const rawTarget = req.url ?? '';
    const rawPath = rawTarget.split('?')[0]!;
    const call = classify(method, rawPath);
    const record: RecordedRequest = {
      call,
      method,
      path: rawTarget,
      headers: flattenHeaders(req),
      status: null,
      connectionId: connectionIds.get(req.socket) ?? 0,
    };
    requests.push(record);
    const fault = takeFault(call);
    if (fault) record.fault = fault.kind;

    const body = await readBody(req);
    if (body === null) return;
    if (body === 'too-large') return send(res, record, errorReply(413, 'request body too large'));

    let submission: ReturnType<typeof describeSubmission> | undefined;
    if (call === 'submit') {
      const [, encodedStoreId, operation] = SUBMIT_PATH.exec(rawPath)!;
      let storeId = encodedStoreId!;
      try {
        storeId = decodeURIComponent(storeId);
      } catch {
        // kept raw: such a store cannot exist, the request is answered 404
      }
      const headers = {
        contentType: req.headers['content-type'],
        userAction: req.headers['x-dfns-useraction'] as string | undefined,
      };
      submission = describeSubmission(rawPath, operation as Operation, storeId, headers, body);
      submissions.push(submission.record);
      if (fault) submission.record.fault = describeFault(fault);
    }
    const handleNow = () => handle(call, req, body, submission);

    if (!fault) return send(res, record, handleNow(), submission?.record);

    /** The fault answers without handling: the submission is refused, its token spent. */
    const skip = (why: string) => {
      if (!submission) return;
      submission.record.accepted = false;
      submission.record.error = `fault: ${why}`;
      signing.burn(submission.record.userActionToken || undefined);
    };

    if (fault.kind === 'delay') {
      const early = fault.process ? handleNow() : undefined;
      await sleep(fault.ms);
      if (early) return send(res, record, early, submission?.record);
      if (req.socket.destroyed) return skip(`${describeFault(fault)} (the client gave up)`);
      return send(res, record, handleNow(), submission?.record);
    }

    const processed = fault.process ? handleNow() : undefined;
    if (!fault.process) skip(describeFault(fault));
    switch (fault.kind) {
      case 'status': {
        const { status, body } = fault;
        const reply =
          typeof body === 'string'
            ? { status, body, headers: { 'content-type': 'text/plain', ...fault.headers } }
            : jsonReply(status, body ?? dfnsErrorBody(status, (STATUS_CODES[status] ?? 'error').toLowerCase()), fault.headers);
        return send(res, record, reply, submission?.record);
      }
      case 'reset':
        options.log?.(`${method} ${rawTarget} -> reset (fault)`);
        req.socket.destroy();
        return;
      case 'hang':
        options.log?.(`${method} ${rawTarget} -> hang (fault)`);
        return;
      case 'truncated-body': {
        const reply = processed ?? jsonReply(200, { status: 'success' });
        const bytes = Buffer.from(reply.body);
        res.writeHead(reply.status, { ...reply.headers, 'content-length': String(bytes.length + 64) });
        record.status = reply.status;
        if (submission) submission.record.status = reply.status;
        options.log?.(`${method} ${rawTarget} -> ${reply.status} (fault truncated-body)`);
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.end());
        return;
      }
      case 'malformed-json': {
        const reply = { status: 200, body: '{"status":', headers: { 'content-type': 'application/json' } };
        return send(res, record, reply, submission?.record);
      }
      case 'wrong-shape':
        return send(res, record, jsonReply(200, fault.body ?? { unexpected: true }), submission?.record);
    }
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      console.error('dfns sandbox: internal error', error);
      if (!res.headersSent) res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    orgId,
    issueToken(opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      const tokenOrgId = opts.orgId ?? orgId;
      return signJwt(
        {
          iss: 'auth.dfns.io',
          aud: 'dfns:auth:user',
          sub: serviceAccountId,
          iat: now,
          exp: now + (opts.expiresInSeconds ?? 3600),
          jti: randomBytes(12).toString('base64url'),
          [APP_METADATA]: { userId: serviceAccountId, orgId: tokenOrgId, tokenKind: 'Service' },
        },
        tokenSecret,
      );
    },
    registerCredential(credentialId, publicKeyPem) {
      signing.registerCredential(credentialId, publicKeyPem);
    },
    addKeyStore(storeId, opts = {}) {
      stores.set(storeId, new Set(opts.operations ?? ['onchain-sign', 'proof-of-control']));
    },
    setSubmissionAnswer(answer) {
      submissionAnswer = jsonReply(answer.status, answer.body, answer.headers);
    },
    injectFault(call, fault, times = 1) {
      if (!(times > 0)) throw new Error(`injectFault: times must be positive, got ${times}`);
      faults[call].push({ fault, remaining: times });
    },
    clearFaults() {
      for (const queue of Object.values(faults)) queue.length = 0;
    },
    requests,
    submissions,
    get connections() {
      return connections;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
