/**
 * Cancels a fleet operation: `POST /key-stores/{storeId}/fleet-operations/cancel` with
 * `{"groupId", "reason"?}`, which is also the signed payload. Dfns answers the operation's group
 * (as its SDKs type it: `groupId`, `status` and its `operations`), or 202 when a policy holds it.
 */
import * as z from '../documents/zod.ts';
import { describeApproval, expectOk, parseAnswer } from './answers.ts';
import { signedChange, type SignedChangeRequest } from './signed-change.ts';
import { cancelPath } from '../documents/operations.ts';

/** The statuses of a fleet operation group, and of each of its operations (Dfns's SDK types). */
const GROUP_STATUSES = ['Initialized', 'InReview', 'Rejected', 'Approved', 'Canceled'] as const;

/** The group as the answer describes it: what the action reads of it; every other field is let through. */
const CanceledGroup = z.looseObject({
  groupId: z.string(),
  status: z.enum(GROUP_STATUSES),
  operations: z.optional(
    z.array(
      z.looseObject({
        operationId: z.optional(z.string()),
        kind: z.optional(z.string()),
        status: z.optional(z.string()),
      }),
    ),
  ),
});

export interface CancelRequest extends SignedChangeRequest {
  /** The exact JSON body sent, also the signed payload. */
  body: string;
}

export type CancelAnswer = (
  | { kind: 'canceled'; httpStatus: number; group: z.infer<typeof CanceledGroup> }
  | { kind: 'pending-approval'; httpStatus: 202; detail: string }
) & { attempts: number; requestId: string | null };

export function cancelFleetOperation(req: CancelRequest): Promise<CancelAnswer> {
  const payload = { byteLength: Buffer.byteLength(req.body), slices: () => [req.body] };
  return signedChange(req, {
    call: 'cancel',
    path: cancelPath(req.target.storeId),
    payload,
    async send(transport, userAction) {
      const answer = await transport.post('cancel', this.path, req.body, { 'x-dfns-useraction': userAction });
      const requestId = answer.requestId ?? null;
      if (answer.status === 202) return { kind: 'pending-approval', httpStatus: 202, detail: describeApproval(answer.bodyText), requestId };
      expectOk('cancel', req.target, answer);
      return { kind: 'canceled', httpStatus: answer.status, group: parseAnswer('cancel', answer, CanceledGroup), requestId };
    },
  });
}
