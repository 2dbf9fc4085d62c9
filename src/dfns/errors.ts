/**
 * What can go wrong talking to Dfns, each with the facts a user needs: which call, the HTTP
 * status, Dfns's own message and error id, and the likely fix.
 */
import { ActionError, type ChangeEffect } from '../base/errors.ts';
import type { ChangeCall } from '../base/changes.ts';
import * as z from '../documents/zod.ts';
import { safeText } from '../base/safe-text.ts';
import { size } from '../base/units.ts';

/** `stores`: listing the key stores (an online dry run's first check); the rest, user action signing and the changes. */
export type DfnsCall = 'stores' | 'init' | 'action' | ChangeCall;
export type { ChangeCall };

/** Whether a call changes something at Dfns: it is retried only when it provably was not processed. */
export function isChange(call: DfnsCall): call is ChangeCall {
  return call === 'submit' || call === 'create' || call === 'cancel';
}

const CALL_LABELS: Record<DfnsCall, string> = {
  stores: 'listing the key stores (GET /key-stores)',
  init: 'creating the user action challenge (POST /auth/action/init)',
  action: 'signing the user action (POST /auth/action)',
  submit: 'submitting the output',
  create: 'creating the input archive',
  cancel: 'canceling the fleet operation',
};

/** What a change is about, as the hints of Dfns's refusals name it. */
export interface ChangeTarget {
  storeId: string;
  /** The permission the change needs, as messages name it: "KeyStores:…:Sign (formerly …)". */
  permission: string;
  /** What the change is for, after "on the key store": `(operation "genesis")`, say. */
  subject: string;
  /** The fleet operation's group a cancel names. */
  groupId?: string;
}

/** `(Dfns error id 42, request id req-1)`, or the one of them there is, or nothing. */
function ids(errorId: string | undefined, requestId: string | undefined): string {
  const parts = [errorId && `Dfns error id ${errorId}`, requestId && `request id ${requestId}`].filter(Boolean);
  return parts.length === 0 ? '' : ` (${parts.length === 1 && requestId ? `Dfns ${parts[0]!}` : parts.join(', ')})`;
}

/** How much of an unexpected answer is quoted in a message. */
const MAX_QUOTED_BODY = 300;
/** Characters of a Dfns error id kept (Dfns's are about 20 digits). */
const MAX_ERROR_ID_CHARS = 100;

/** `{"error": {"id", "status", "message", "details"}}`; some SDKs read a top-level `message`. */
const DfnsErrorBody = z.looseObject({
  error: z.optional(
    z.looseObject({
      id: z.optional(z.union([z.string(), z.number()])),
      message: z.optional(z.string()),
    }),
  ),
  message: z.optional(z.string()),
});

const CONFLICT_HINTS: Record<ChangeCall, string> = {
  submit: 'Dfns reports a conflict: this output may have been submitted already; check the key store in Dfns',
  create: 'Dfns reports a conflict: a fleet operation may already be in progress on this key store; check it in Dfns',
  cancel: 'Dfns reports a conflict: the fleet operation may have been canceled or completed already; check it in Dfns',
};

/** Answers to a change (a submission, an input archive's creation) that do not tell whether Dfns processed it. */
const AMBIGUOUS_CHANGE_STATUSES = new Set([500, 502, 504]);

/** Dfns answered with an error status. */
export class DfnsApiError extends ActionError {
  override name = 'DfnsApiError';
  readonly title = 'Dfns refused the request';
  readonly call: DfnsCall;
  readonly status: number;
  readonly dfnsMessage: string | undefined;
  readonly errorId: string | undefined;
  /** The answer's X-Request-ID, when Dfns sent one: what support asks for besides the error id. */
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** Dfns's answer, without the advice: what a retry line quotes. */
  readonly summary: string;
  /** The advice that follows, if any. */
  readonly hint: string | undefined;

  constructor(args: {
    call: DfnsCall;
    status: number;
    statusText: string;
    bodyText: string;
    target: ChangeTarget;
    /** Bytes of the request body that was answered, and of the output file it carries. */
    sizes?: { request: number; file: number };
    retryAfterMs?: number | undefined;
    requestId?: string | undefined;
  }) {
    const parsed = parseErrorBody(args.bodyText);
    // Dfns's words through the gate: an error body may echo the request's headers.
    const dfnsMessage = parsed.message === undefined ? undefined : safeText(parsed.message, MAX_QUOTED_BODY);
    const errorId = parsed.id === undefined ? undefined : safeText(parsed.id, MAX_ERROR_ID_CHARS);
    const reason = dfnsMessage ?? (args.statusText ? safeText(args.statusText, 100) : 'no message');
    const summary = `Dfns answered ${args.status} while ${CALL_LABELS[args.call]}: ${reason}${ids(errorId, args.requestId)}`;
    const hint = hintFor(args);
    super(hint ? `${summary}. ${hint}` : summary, { effect: apiErrorEffect(args.call, args.status) });
    this.summary = summary;
    this.hint = hint;
    this.call = args.call;
    this.status = args.status;
    this.dfnsMessage = dfnsMessage;
    this.errorId = errorId;
    this.requestId = args.requestId;
    this.retryAfterMs = args.retryAfterMs;
  }
}

/**
 * What an error answer says of the change: a change answered 500, 502 or 504 may have been made;
 * a 429 or a 5xx that ran out of retries was not taken (Dfns did not refuse it); a refusal of the
 * challenge or the signature, or of a request too large to read (413), came before the change;
 * any other refusal of the change is Dfns's answer to it.
 */
function apiErrorEffect(call: DfnsCall, status: number): ChangeEffect {
  if (isChange(call) && AMBIGUOUS_CHANGE_STATUSES.has(status)) return 'uncertain';
  if (status === 429 || status >= 500) return 'not-made';
  if (!isChange(call) || status === 413) return 'refused-before';
  return 'refused';
}

/** Dfns answered, but not in the documented shape. */
export class DfnsProtocolError extends ActionError {
  override name = 'DfnsProtocolError';
  readonly title = 'Unexpected answer from Dfns';
  readonly call: DfnsCall;
  readonly status: number;
  readonly requestId: string | undefined;
  /**
   * `answer`: its status and request id. `answered`: the body as text, quoted here; or
   * `{ described }`, a description of a binary body.
   */
  constructor(
    call: DfnsCall,
    answer: { status: number; requestId?: string | undefined },
    problem: string,
    answered: string | { described: string },
  ) {
    const requestId = answer.requestId ? `, Dfns request id ${answer.requestId}` : '';
    // An unreadable answer to a change does not tell whether Dfns made it.
    super(
      `unexpected answer from Dfns while ${CALL_LABELS[call]} (HTTP ${answer.status}${requestId}): ${problem}; it answered: ` +
        (typeof answered === 'string' ? quoteBody(answered) : answered.described),
      { effect: isChange(call) ? 'uncertain' : 'not-made' },
    );
    this.call = call;
    this.status = answer.status;
    this.requestId = answer.requestId;
  }
}

/** The network failed; `sent` says whether the request may have reached Dfns. */
export class DfnsNetworkError extends ActionError {
  override name = 'DfnsNetworkError';
  readonly title = 'Dfns not reachable';
  readonly call: DfnsCall;
  readonly sent: boolean;
  /** A configuration problem (an untrusted certificate, a proxy refusing the tunnel): not retried. */
  readonly final: boolean;
  constructor(call: DfnsCall, sent: boolean, detail: string, options?: ErrorOptions & { final?: boolean }) {
    super(`network error while ${CALL_LABELS[call]}: ${detail}`, { ...options, effect: sentEffect(call, sent) });
    this.call = call;
    this.sent = sent;
    this.final = options?.final ?? false;
  }
}

/** A change that may have been sent may have been made; anything else was not. */
function sentEffect(call: DfnsCall, sent: boolean): ChangeEffect {
  return isChange(call) && sent ? 'uncertain' : 'not-made';
}

/** The overall deadline (`timeout-seconds`) ran out. */
export class DfnsDeadlineError extends ActionError {
  override name = 'DfnsDeadlineError';
  readonly title = 'Dfns not reachable';
  readonly call: DfnsCall;
  readonly sent: boolean;
  constructor(call: DfnsCall, seconds: number, sent: boolean) {
    super(
      `the Dfns calls did not finish within timeout-seconds (${seconds} s); the deadline ran out while ${CALL_LABELS[call]}. ` +
        'Raise "timeout-seconds" if Dfns is slow from this runner, or check the network path to the Dfns API',
      { effect: sentEffect(call, sent) },
    );
    this.call = call;
    this.sent = sent;
  }
}

export function quoteBody(bodyText: string): string {
  if (bodyText.trim() === '') return '(an empty body)';
  return `"${safeText(bodyText.trim(), MAX_QUOTED_BODY)}"`;
}

function parseErrorBody(bodyText: string): { message?: string; id?: string } {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return bodyText.trim() ? { message: bodyText.trim() } : {};
  }
  const parsed = DfnsErrorBody.safeParse(json);
  if (!parsed.success) return {};
  const result: { message?: string; id?: string } = {};
  const message = parsed.data.error?.message ?? parsed.data.message;
  if (message) result.message = message;
  if (parsed.data.error?.id !== undefined) result.id = String(parsed.data.error.id);
  return result;
}

function hintFor({ call, status, target, sizes }: ConstructorParameters<typeof DfnsApiError>[0]): string | undefined {
  switch (status) {
    case 400:
      return call === 'submit'
        ? 'Dfns refused the submission as invalid: read its message above'
        : 'Dfns refused the request as invalid: read its message above';
    case 401:
      return (
        'The service account token is missing, malformed or expired, or belongs to another region: ' +
        'check the "dfns-token" secret and "dfns-api-url" (https://api.dfns.io for Europe, https://api.uae.dfns.io for UAE)'
      );
    case 402:
      return "This feature is not in the Dfns organisation's plan";
    case 403:
      if (call === 'stores') return undefined;
      return isChange(call)
        ? `The service account needs the permission ${target.permission} on the key store ${target.subject}, ` +
            "or Dfns refused the user action signature: check the service account's permissions in Dfns"
        : 'Dfns refused the user action signature: check that "dfns-private-key" is the private key of the credential "dfns-credential-id"';
    case 404:
      if (call === 'cancel') {
        return (
          `No fleet operation group "${safeText(target.groupId ?? '', 100)}" of key store "${safeText(target.storeId, 100)}" was found in this organisation: ` +
          'check "group-id" and "store-id" (or the file they were taken from) and the region in "dfns-api-url"'
        );
      }
      return isChange(call)
        ? `No key store "${safeText(target.storeId, 100)}" was found in this organisation: check "store-id"${call === 'submit' ? " (or the output's keystore_id)" : ''} and the region in "dfns-api-url"`
        : 'Check "dfns-api-url": it must be the Dfns API origin';
    case 413:
      // The action's own words (nothing was submitted, or created) follow: see apiErrorEffect.
      return sizes
        ? 'The request was too large for Dfns (or a gateway in front of it): ' +
            `the file is ${size(sizes.file)}, and the request ${call === 'submit' ? 'carrying it' : 'carrying it as its signed payload'} was ${size(sizes.request)}. ` +
            'Dfns documents no size limit: ask Dfns support how large a submission may be, and whether the fleet can split its output'
        : 'The request was too large for Dfns (or a gateway in front of it). Dfns documents no size limit: ask Dfns support how large a request may be';
    case 409:
      return CONFLICT_HINTS[call as ChangeCall] ?? CONFLICT_HINTS.submit;
    case 429:
      return `Dfns rate-limited the service account (each ${call === 'create' ? 'input archive' : call === 'cancel' ? 'cancel' : 'submission'} costs three requests): re-run later`;
    default:
      return undefined;
  }
}
