/**
 * Reading what Dfns answered: a success or a DfnsApiError with the facts a user needs, a body
 * checked with zod or a DfnsProtocolError that quotes it, and the undocumented 202 of a policy.
 */
import { safeText } from '../base/safe-text.ts';
import { describeIssues } from '../documents/violations.ts';
import * as z from '../documents/zod.ts';
import { DfnsApiError, DfnsProtocolError, quoteBody, type ChangeTarget, type DfnsCall } from './errors.ts';
import { describeOversize, MAX_ANSWER_BYTES, type HttpAnswer } from './http.ts';
import { parseRetryAfter } from './retry.ts';

/**
 * The answer, when it is a success. `sizes`: of the request answered, and of the output file it
 * carries (the request that carries a file says how large both were, should Dfns answer 413).
 */
export function expectOk(call: DfnsCall, target: ChangeTarget, answer: HttpAnswer, sizes?: { request: number; file: number }): HttpAnswer {
  if (answer.status === 200 || (answer.status === 201 && (call === 'init' || call === 'action'))) return answer;
  if (answer.status >= 200 && answer.status < 300) {
    throw new DfnsProtocolError(call, answer, `status ${answer.status} is not a documented answer`, answer.bodyText);
  }
  throw new DfnsApiError({
    call,
    status: answer.status,
    statusText: answer.statusText,
    bodyText: answer.bodyText,
    target,
    ...(sizes === undefined ? {} : { sizes }),
    retryAfterMs: parseRetryAfter(answer.headers['retry-after']),
    requestId: answer.requestId,
  });
}

/** The answer's JSON body in the shape `schema` describes. Throws DfnsProtocolError. */
export function parseAnswer<T>(call: DfnsCall, answer: HttpAnswer, schema: z.ZodMiniType<T>): T {
  if (answer.truncated) {
    throw new DfnsProtocolError(
      call,
      answer,
      `the answer is ${describeOversize(answer, MAX_ANSWER_BYTES)}, the most a Dfns answer is read`,
      answer.bodyText,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.bodyText);
  } catch {
    throw new DfnsProtocolError(call, answer, 'the body is not JSON', answer.bodyText);
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues).slice(0, 3).join('; ');
    throw new DfnsProtocolError(call, answer, `it does not have the documented shape (${problems})`, answer.bodyText);
  }
  return parsed.data;
}

/** A 202 body describes the approval a Dfns policy asks for; its shape is not documented. */
export function describeApproval(bodyText: string): string {
  try {
    const body = z.looseObject({ id: z.optional(z.string()), status: z.optional(z.string()) }).parse(JSON.parse(bodyText));
    const parts = [body.id && `approval ${safeText(body.id, 80)}`, body.status && `status ${safeText(body.status, 40)}`];
    const known = parts.filter(Boolean).join(', ');
    if (known) return known;
  } catch {
    // fall through to quoting the body
  }
  return quoteBody(bodyText);
}
