/**
 * The Dfns sandbox: an HTTP server on 127.0.0.1 that speaks the part of the Dfns API the
 * action uses with real cryptography: user action signing (`POST /auth/action/init`,
 * `POST /auth/action`), and for each of the seven offline signer operations (onchain-sign,
 * proof-of-control, genesis, clone, add-mac-user, add-provisioner, key-harvest) its input
 * (`POST /key-stores/{storeId}/<operation>/input`, answered with a real zip archive) and its
 * output submission (`POST /key-stores/{storeId}/<operation>/output`). It records everything
 * it sees and can inject faults. See the shared reference `dfns/API.md`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChangeKind, ChangeRecord, StorePermissions } from './change.ts';
import {
  CANCEL_PATH,
  checkCancel,
  describeCancel,
  FleetGroups,
  requestId,
  type FleetGroup,
  type ListedKeyStore,
  type RecordedCancel,
} from './fleet-operations.ts';
import { dfnsErrorBody, errorId, errorReply, jsonReply, Refusal, refuse, type Reply } from './errors.ts';
import { randomDfnsId } from './ids.ts';
import {
  buildInputArchive,
  checkInput,
  describeInput,
  INPUT_PATH,
  inputArchiveEntries,
  type InputArchiveAnswer,
  type RecordedInput,
} from './input.ts';
import { verifyJwt, signJwt } from './jwt.ts';
import { parseHeaderParams, type MultipartError, type MultipartPart } from './multipart.ts';
import {
  checkSubmission,
  defaultAnswerBody,
  describeSubmission,
  OPERATIONS,
  SUBMIT_PATH,
  type Operation,
  type RecordedSubmission,
} from './submission.ts';
import { UserActionSigning } from './user-action.ts';
import { echoReply, unsafeArchive, type EchoField, type UnsafeArchive } from './hostile.ts';

export type { FleetOperation, Operation, RecordedSubmission } from './submission.ts';
export { FLEET_ANSWER_MESSAGES, FLEET_OPERATIONS, OPERATIONS } from './submission.ts';
export type { RecordedInput } from './input.ts';
export type { RecordedCancel } from './fleet-operations.ts';
export { INPUT_ARCHIVE_ENTRIES } from './input.ts';

/**
 * `submit`: an output submission; `input`: the creation of an input archive; `cancel`: the cancel
 * of a fleet operation; `stores`: `GET /key-stores`.
 */
export type SandboxCall = 'stores' | 'init' | 'action' | 'submit' | 'create' | 'cancel' | 'other';
export type FaultableCall = Exclude<SandboxCall, 'other'>;

/**
 * A fault answered instead of (or after) normal handling. `process: true` handles the request
 * normally first (for a submission or an input: records it as accepted if it passes) and then
 * answers the fault; without it the request is not handled (a submission or an input is
 * recorded `accepted: false`, `error: 'fault: …'`, and its user action token is spent all the same).
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
  | { kind: 'delay'; ms: number; process?: boolean }
  /** Answers `status` with the request's headers (its token and user action token) echoed in `field` (see hostile.ts). */
  | { kind: 'echo'; status: number; field: EchoField; process?: boolean };

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
  /** The X-Request-ID answered, if any. */
  requestId?: string;
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
  /**
   * Adds a key store with the service account's permissions on it: the operations it may
   * create inputs and submit outputs for (default all seven; one permission covers both), and
   * whether it may cancel fleet operations (default yes). A missing one is refused 403
   * `missing permission <current permission name>`. `kind` (default OfflineSigner) and `name`
   * are what `GET /key-stores` lists.
   */
  addKeyStore(
    storeId: string,
    opts?: { operations?: readonly Operation[]; cancel?: boolean; kind?: ListedKeyStore['kind']; name?: string },
  ): void;
  /** Whether `GET /key-stores` answers (the service account holds KeyStores:Read), or 403 (default: it does). */
  setKeyStoresReadable(readable: boolean): void;
  /** Opens a fleet operation group on a key store, as creating an input does (for an output whose group a test cancels). */
  openGroup(groupId: string, storeId: string, operation: Operation): void;
  /** The fleet operation group, as Dfns would answer it; undefined when there is none. */
  group(groupId: string): FleetGroup | undefined;
  /** Whether answers carry an X-Request-ID (default: they do). */
  setRequestIds(send: boolean): void;
  /**
   * What a submission that passes every check is answered, for `operation` only or (without
   * it) for all seven. Defaults: 200 `{"status":"success"}` for onchain-sign and
   * proof-of-control, 200 `{"message": FLEET_ANSWER_MESSAGES[op]}` for the five fleet operations.
   * The last call that covers an operation wins.
   */
  setSubmissionAnswer(answer: SubmissionAnswer, operation?: Operation): void;
  /** Back to the default answer, for `operation` only or (without it) for all seven. */
  resetSubmissionAnswer(operation?: Operation): void;
  /**
   * What an input request that passes every check is answered instead of its zip archive, for
   * `operation` only or (without it) for all seven: e.g. JSON, HTML, an empty body, a 202.
   * The request is recorded accepted when `status` is below 300 (no archive is recorded),
   * otherwise `error: 'configured answer <status>'`. The last call that covers an operation wins.
   */
  setInputAnswer(answer: InputArchiveAnswer, operation?: Operation): void;
  /** Back to the archive answer (200 application/zip), for `operation` only or (without it) for all seven. */
  resetInputAnswer(operation?: Operation): void;
  /**
   * The unsafe archive mode: an input request that passes every check is created (recorded accepted,
   * with its group) and answered an archive that breaks the rules in the way `kind` names (see
   * hostile.ts), for `operation` only or (without it) for all seven; undefined: the normal archive.
   */
  setUnsafeArchive(kind: UnsafeArchive | undefined, operation?: Operation): void;
  /**
   * A gateway body limit, as a cloud gateway in front of Dfns would have (undefined: none but
   * the sandbox's 256 MiB cap). A request of any call whose body is larger is answered 413
   * `{"error":{"id","status":413,"message":"request entity too large"}}` and not processed:
   * no fault is taken for it, a submission or an input is recorded `accepted: false` with
   * `error` set (its user action token is not spent: Dfns never saw it).
   */
  setBodyLimit(bytes: number | undefined): void;
  /** Applies `fault` to the next `times` (default 1; Infinity = always) requests of `call`. */
  injectFault(call: FaultableCall, fault: Fault, times?: number): void;
  clearFaults(): void;
  readonly requests: RecordedRequest[];
  readonly submissions: RecordedSubmission[];
  /** Every input request (`POST /key-stores/{storeId}/<operation>/input`), refused or not, in order of arrival. */
  readonly inputs: RecordedInput[];
  /** Every cancel request (`POST /key-stores/{storeId}/fleet-operations/cancel`), refused or not, in order of arrival. */
  readonly cancels: RecordedCancel[];
  /**
   * Every submission's protocol problems (see `RecordedSubmission.protocolProblems`), each
   * prefixed with the submission's path: `<path>: <problem>`. Empty when every submission
   * went to the endpoint its content belongs to.
   */
  readonly protocolProblems: string[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Every user action token issued so far (`POST /auth/action`), presented or not. */
  readonly userActionTokens: readonly string[];
  close(): Promise<void>;
}

/** What `setSubmissionAnswer` configures. */
interface SubmissionAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The message of the 413 answered past `setBodyLimit` (the body has no `details`, like a gateway's). */
export const GATEWAY_TOO_LARGE_MESSAGE = 'request entity too large';

const APP_METADATA = 'https://custom/app_metadata';
/** Above any body the action can send: a 64 MiB file travels twice in the multipart body. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

function classify(method: string, rawPath: string): SandboxCall {
  if (method === 'GET') return rawPath === '/key-stores' ? 'stores' : 'other';
  if (method !== 'POST') return 'other';
  if (rawPath === '/auth/action/init') return 'init';
  if (rawPath === '/auth/action') return 'action';
  if (SUBMIT_PATH.test(rawPath)) return 'submit';
  if (CANCEL_PATH.test(rawPath)) return 'cancel';
  return INPUT_PATH.test(rawPath) ? 'create' : 'other';
}

/**
 * The change a submission or input request makes, recorded (and already listed in
 * `submissions` or `inputs`); a submission with its multipart body, read best effort.
 */
type Change =
  | { kind: 'submit'; record: RecordedSubmission; parts: MultipartPart[] | MultipartError }
  | { kind: 'input'; record: RecordedInput }
  | { kind: 'cancel'; record: RecordedCancel };

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * Reads the whole body; null when the client went away. Past `limit` (at most the 256 MiB
 * cap) the rest is read and dropped, and the answer is `{ tooLarge: size }`.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | { tooLarge: number } | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? { tooLarge: size } : Buffer.concat(chunks)));
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
  const stores = new Map<string, { permissions: Set<ChangeKind>; listed: ListedKeyStore }>();
  const faults: Record<FaultableCall, Array<{ fault: Fault; remaining: number }>> = {
    stores: [],
    init: [],
    action: [],
    submit: [],
    create: [],
    cancel: [],
  };
  const requests: RecordedRequest[] = [];
  const submissions: RecordedSubmission[] = [];
  const inputs: RecordedInput[] = [];
  const cancels: RecordedCancel[] = [];
  const groups = new FleetGroups();
  let keyStoresReadable = true;
  let sendRequestIds = true;
  /** Answers configured in place of the archive; absent: the archive. */
  const inputAnswers = new Map<Operation, Reply>();
  /** Unsafe archives answered in place of the normal one; absent: the normal archive. */
  const unsafeArchives = new Map<Operation, UnsafeArchive>();
  const connectionIds = new WeakMap<Socket, number>();
  const timers = new Set<NodeJS.Timeout>();
  const defaultAnswer = (operation: Operation): Reply => jsonReply(200, defaultAnswerBody(operation));
  const submissionAnswers = new Map<Operation, Reply>(OPERATIONS.map((operation) => [operation, defaultAnswer(operation)]));
  let bodyLimit: number | undefined;
  let connections = 0;
  const permissions: StorePermissions = (storeId) => stores.get(storeId)?.permissions;

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

  /**
   * The answer to a change that passed every check: accepted when it is a success (below
   * 300), otherwise refused with `configured answer <status>`.
   */
  function answerChange(record: ChangeRecord, reply: Reply): Reply {
    record.accepted = reply.status < 300;
    if (!record.accepted) record.error = `configured answer ${reply.status}`;
    return reply;
  }

  /** An input request that passed every check: its archive, or the answer configured in its place. */
  function answerInput(record: RecordedInput, request: unknown): Reply {
    const configured = inputAnswers.get(record.operation);
    if (configured) return answerChange(record, configured);
    const groupId = randomDfnsId('gr');
    record.groupId = groupId;
    groups.open(groupId, record.storeId, record.operation, { orgId, userId: serviceAccountId });
    const ids = { orgId, storeId: record.storeId, groupId };
    const unsafe = unsafeArchives.get(record.operation);
    record.archive = unsafe
      ? unsafeArchive(unsafe, inputArchiveEntries(record.operation, ids, request))
      : buildInputArchive(record.operation, ids, request);
    return answerChange(record, {
      status: 200,
      body: record.archive,
      headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${record.operation}-input.zip"` },
    });
  }

  /** Records the change a submission or input request makes, in `submissions` or `inputs`; undefined for any other call. */
  function recordChange(
    call: SandboxCall,
    rawPath: string,
    headers: { contentType: string | undefined; userAction: string | undefined },
    body: Buffer,
  ): Change | undefined {
    if (call === 'submit') {
      const { storeId, operation } = changeTarget(SUBMIT_PATH, rawPath);
      const { record, parts } = describeSubmission(rawPath, operation, storeId, headers, body);
      submissions.push(record);
      return { kind: 'submit', record, parts };
    }
    if (call === 'create') {
      const { storeId, operation } = changeTarget(INPUT_PATH, rawPath);
      const record = describeInput(rawPath, operation, storeId, headers.userAction, body);
      inputs.push(record);
      return { kind: 'input', record };
    }
    if (call === 'cancel') {
      const record = describeCancel(rawPath, decodeStoreId(CANCEL_PATH.exec(rawPath)![1]!), headers.userAction, body);
      cancels.push(record);
      return { kind: 'cancel', record };
    }
    return undefined;
  }

  /** A request that makes no change: the key stores' list, user action signing, or no route. */
  function handleCall(call: SandboxCall, req: IncomingMessage, body: Buffer): Reply {
    if (call === 'stores') {
      authenticate(req);
      if (!keyStoresReadable) refuse(403, 'missing permission KeyStores:Read');
      return jsonReply(200, { items: [...stores.values()].map((store) => store.listed) });
    }
    if (call !== 'init' && call !== 'action') refuse(404, `no route for ${req.method} ${req.url}`);
    authenticate(req);
    const parsed = parseJsonBody(req, body);
    return jsonReply(200, call === 'init' ? signing.init(parsed) : signing.complete(parsed));
  }

  /** A submission or an input: every check, in order, filling in its record as it goes. */
  function handleChange(change: Change, req: IncomingMessage, body: Buffer): Reply {
    authenticate(req);
    const intent = signing.consume(req.headers['x-dfns-useraction'] as string | undefined);
    if (change.kind === 'input') {
      const request = checkInput(change.record, intent, req.headers['content-type'], body, permissions);
      return answerInput(change.record, request);
    }
    if (change.kind === 'cancel') {
      const request = checkCancel(change.record, intent, req.headers['content-type'], body, permissions);
      change.record.groupId = request.groupId;
      const group = groups.cancel(change.record.storeId, request.groupId, request.reason, serviceAccountId);
      return answerChange(change.record, jsonReply(200, group));
    }
    checkSubmission(change.record, change.parts, intent, permissions);
    return answerChange(change.record, submissionAnswers.get(change.record.operation)!);
  }

  /** Normal handling of one request; a refusal is answered Dfns-shaped and, for a change, recorded as its error. */
  function handle(call: SandboxCall, req: IncomingMessage, body: Buffer, change: Change | undefined): Reply {
    try {
      return change ? handleChange(change, req, body) : handleCall(call, req, body);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (change) change.record.error = error.message;
      return errorReply(error.status, error.message, error.details);
    }
  }

  function send(res: ServerResponse, record: RecordedRequest, reply: Reply, change?: ChangeRecord): void {
    if (res.destroyed) return;
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
    res.writeHead(reply.status, { 'content-length': String(body.length), ...requestIdHeader(record), ...reply.headers });
    res.end(body);
    record.status = reply.status;
    if (change) change.status = reply.status;
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

  /** Undoes `takeFault` for a request that never got past the gateway. */
  function giveBackFault(call: SandboxCall, fault: Fault): void {
    if (call === 'other') return;
    const queue = faults[call];
    if (queue[0]?.fault === fault) queue[0].remaining += 1;
    else queue.unshift({ fault, remaining: 1 });
  }

  /** The X-Request-ID header of an answer to `record` (recorded on it), unless turned off. */
  function requestIdHeader(record: RecordedRequest): Record<string, string> {
    if (!sendRequestIds) return {};
    record.requestId = requestId();
    return { 'x-request-id': record.requestId };
  }

  /** The store id and operation of a submission or input path. */
  function changeTarget(pattern: RegExp, rawPath: string): { storeId: string; operation: Operation } {
    const [, encodedStoreId, operation] = pattern.exec(rawPath)!;
    return { storeId: decodeStoreId(encodedStoreId!), operation: operation as Operation };
  }

  /** A store id segment, percent-decoded (kept raw when it cannot be: such a store cannot exist, the request is answered 404). */
  function decodeStoreId(segment: string): string {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
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

    const headers = {
      contentType: req.headers['content-type'],
      userAction: req.headers['x-dfns-useraction'] as string | undefined,
    };
    const limit = bodyLimit;
    const body = await readBody(req, Math.min(limit ?? MAX_BODY_BYTES, MAX_BODY_BYTES));
    if (body === null) return;
    if (!Buffer.isBuffer(body)) {
      if (limit !== undefined && body.tooLarge > limit) {
        // The gateway answers: the request never reaches Dfns, nor the fault queued for it.
        if (fault) giveBackFault(call, fault);
        delete record.fault;
        const reply = jsonReply(413, { error: { id: errorId(), status: 413, message: GATEWAY_TOO_LARGE_MESSAGE } });
        const refused = recordChange(call, rawPath, headers, Buffer.alloc(0))?.record;
        if (refused) refused.error = `${GATEWAY_TOO_LARGE_MESSAGE}: ${body.tooLarge} bytes, over the gateway limit of ${limit}`;
        return send(res, record, reply, refused);
      }
      return send(res, record, errorReply(413, 'request body too large'));
    }

    const change = recordChange(call, rawPath, headers, body);
    /** The record of the change this request makes, if it is one (a submission or an input). */
    const changeRecord = change?.record;
    if (fault && changeRecord) changeRecord.fault = describeFault(fault);
    const handleNow = () => handle(call, req, body, change);

    if (!fault) return send(res, record, handleNow(), changeRecord);

    /** The fault answers without handling: the change is refused, its token spent. */
    const skip = (why: string) => {
      if (!changeRecord) return;
      changeRecord.accepted = false;
      changeRecord.error = `fault: ${why}`;
      signing.burn(changeRecord.userActionToken || undefined);
    };

    if (fault.kind === 'delay') {
      const early = fault.process ? handleNow() : undefined;
      await sleep(fault.ms);
      if (early) return send(res, record, early, changeRecord);
      if (req.socket.destroyed) return skip(`${describeFault(fault)} (the client gave up)`);
      return send(res, record, handleNow(), changeRecord);
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
        return send(res, record, reply, changeRecord);
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
        const bytes = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
        res.writeHead(reply.status, { ...requestIdHeader(record), ...reply.headers, 'content-length': String(bytes.length + 64) });
        record.status = reply.status;
        if (changeRecord) changeRecord.status = reply.status;
        options.log?.(`${method} ${rawTarget} -> ${reply.status} (fault truncated-body)`);
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.end());
        return;
      }
      case 'malformed-json': {
        const reply = { status: 200, body: '{"status":', headers: { 'content-type': 'application/json' } };
        return send(res, record, reply, changeRecord);
      }
      case 'wrong-shape':
        return send(res, record, jsonReply(200, fault.body ?? { unexpected: true }), changeRecord);
      case 'echo':
        return send(res, record, echoReply(req, fault.status, fault.field), changeRecord);
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
      const permissions = new Set<ChangeKind>(opts.operations ?? OPERATIONS);
      if (opts.cancel ?? true) permissions.add('cancel');
      const listed: ListedKeyStore = {
        id: storeId,
        kind: opts.kind ?? 'OfflineSigner',
        ...(opts.name === undefined ? {} : { name: opts.name }),
        primary: stores.size === 0,
      };
      stores.set(storeId, { permissions, listed });
    },
    setKeyStoresReadable(readable) {
      keyStoresReadable = readable;
    },
    openGroup(groupId, storeId, operation) {
      groups.open(groupId, storeId, operation, { orgId, userId: serviceAccountId });
    },
    group: (groupId) => groups.get(groupId),
    setRequestIds(send) {
      sendRequestIds = send;
    },
    setSubmissionAnswer(answer, operation) {
      const reply = jsonReply(answer.status, answer.body, answer.headers);
      for (const op of operation ? [operation] : OPERATIONS) submissionAnswers.set(op, reply);
    },
    resetSubmissionAnswer(operation) {
      for (const op of operation ? [operation] : OPERATIONS) submissionAnswers.set(op, defaultAnswer(op));
    },
    setInputAnswer(answer, operation) {
      const reply: Reply = {
        status: answer.status,
        body: typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body),
        headers: { ...(answer.contentType === undefined ? {} : { 'content-type': answer.contentType }), ...answer.headers },
      };
      for (const op of operation ? [operation] : OPERATIONS) inputAnswers.set(op, reply);
    },
    resetInputAnswer(operation) {
      for (const op of operation ? [operation] : OPERATIONS) inputAnswers.delete(op);
    },
    setUnsafeArchive(kind, operation) {
      for (const op of operation ? [operation] : OPERATIONS) {
        if (kind === undefined) unsafeArchives.delete(op);
        else unsafeArchives.set(op, kind);
      }
    },
    setBodyLimit(bytes) {
      if (bytes !== undefined && !(Number.isInteger(bytes) && bytes >= 0)) {
        throw new Error(`setBodyLimit: bytes must be a non-negative integer or undefined, got ${bytes}`);
      }
      bodyLimit = bytes;
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
    inputs,
    cancels,
    get protocolProblems() {
      return submissions.flatMap((submission) => submission.protocolProblems.map((problem) => `${submission.path}: ${problem}`));
    },
    get connections() {
      return connections;
    },
    get userActionTokens() {
      return signing.issuedTokens;
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
