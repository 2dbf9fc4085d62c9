/**
 * Fleet operations as the sandbox keeps them: each input Dfns creates opens an operation in a
 * group (`gr-…`), which `POST /key-stores/{storeId}/fleet-operations/cancel` with
 * `{"groupId", "reason"?}` cancels. The answer is the group as Dfns's SDK types describe it
 * (`CancelFleetOperationResponse`). And `GET /key-stores`, which lists the organisation's key
 * stores (`{items: [{id, kind, name?, primary}]}`).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { checkIntent, checkPermission, parseStrictJson, type ChangeRecord, type StorePermissions } from './change.ts';
import { refuse } from './errors.ts';
import { randomDfnsId } from './ids.ts';
import { parseHeaderParams } from './multipart.ts';
import type { Operation } from './submission.ts';
import type { SignedIntent } from './user-action.ts';

/** Raw path of a cancel: the store id segment stays percent-encoded. */
export const CANCEL_PATH = /^\/key-stores\/([^/]+)\/fleet-operations\/cancel$/;

type GroupStatus = 'Initialized' | 'InReview' | 'Rejected' | 'Approved' | 'Canceled';
/** The operation kinds of Dfns's SDK types; the keystore operations' groups get theirs by the same rule. */
const KINDS: Record<Operation, string> = {
  genesis: 'Genesis',
  clone: 'Clone',
  'add-mac-user': 'AddMacUser',
  'add-provisioner': 'AddProvisioner',
  'key-harvest': 'KeyHarvest',
  'onchain-sign': 'OnchainSign',
  'proof-of-control': 'ProofOfControl',
};

/** A fleet operation group, as `CancelFleetOperationResponse` types it. */
export interface FleetGroup {
  groupId: string;
  storeId: string;
  orgId: string;
  status: GroupStatus;
  createdBy: string;
  submittedBy: string | null;
  dateSubmitted: string | null;
  reviewedBy: string | null;
  dateReviewed: string | null;
  canceledBy: string | null;
  dateCanceled: string | null;
  reason: string | null;
  dateCreated: string;
  operations: Array<{ operationId: string; kind: string; status: GroupStatus; dateCreated: string }>;
}

/** The groups of the sandbox's organisation, by id. */
export class FleetGroups {
  readonly #groups = new Map<string, FleetGroup>();

  /** Opens a group of one operation (an input was created, or a test seeds the group of a fixture). */
  open(groupId: string, storeId: string, operation: Operation, ids: { orgId: string; userId: string }): FleetGroup {
    const now = new Date().toISOString();
    const group: FleetGroup = {
      groupId,
      storeId,
      orgId: ids.orgId,
      status: 'Initialized',
      createdBy: ids.userId,
      submittedBy: null,
      dateSubmitted: null,
      reviewedBy: null,
      dateReviewed: null,
      canceledBy: null,
      dateCanceled: null,
      reason: null,
      dateCreated: now,
      operations: [{ operationId: randomDfnsId('op'), kind: KINDS[operation], status: 'Initialized', dateCreated: now }],
    };
    this.#groups.set(groupId, group);
    return group;
  }

  get(groupId: string): FleetGroup | undefined {
    return this.#groups.get(groupId);
  }

  /** Cancels a group that is not decided yet: 404 for another store's or an unknown group, 409 once decided or canceled. */
  cancel(storeId: string, groupId: string, reason: string | undefined, userId: string): FleetGroup {
    const group = this.#groups.get(groupId);
    if (!group || group.storeId !== storeId) refuse(404, 'fleet operation group not found');
    if (group.status !== 'Initialized' && group.status !== 'InReview') {
      refuse(409, `fleet operation group is ${group.status}: only an Initialized or InReview group can be canceled`);
    }
    const now = new Date().toISOString();
    group.status = 'Canceled';
    group.canceledBy = userId;
    group.dateCanceled = now;
    group.reason = reason ?? null;
    for (const operation of group.operations) operation.status = 'Canceled';
    return group;
  }
}

/** What the sandbox saw of one cancel request, refused or not. */
export interface RecordedCancel extends ChangeRecord {
  /** The request body, as UTF-8 text ('' when empty). */
  body: string;
  /** The group canceled (set once accepted). */
  groupId?: string;
}

export function describeCancel(rawPath: string, storeId: string, userAction: string | undefined, body: Buffer): RecordedCancel {
  return {
    storeId,
    operation: 'cancel',
    path: rawPath,
    body: body.toString('utf8'),
    userActionToken: userAction ?? '',
    accepted: false,
    status: null,
  };
}

/** `{"groupId", "reason"?}`, strict about unknown fields (Dfns's SDK body type). */
const CancelBody = z.strictObject({ groupId: z.string().min(1), reason: z.optional(z.string()) });

/**
 * Every check of a cancel after the bearer token and the spending of the user action token, in
 * order: the intent (method, path, payload byte for byte), the content type, the key store and
 * its permission, the body. Returns the body; otherwise throws a `Refusal`.
 */
export function checkCancel(
  record: RecordedCancel,
  intent: SignedIntent,
  contentType: string | undefined,
  body: Buffer,
  permissions: StorePermissions,
): z.infer<typeof CancelBody> {
  checkIntent(intent, record);
  if (!Buffer.from(intent.payload, 'utf8').equals(body)) refuse(403, 'user action payload does not match the request body');
  if (!contentType || parseHeaderParams(contentType).value !== 'application/json') refuse(400, 'content-type must be application/json');
  checkPermission(record, permissions);
  const parsed = CancelBody.safeParse(parseStrictJson(body, 'request body is not valid JSON'));
  if (!parsed.success)
    refuse(400, `invalid request body: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A key store the organisation has, as `GET /key-stores` lists it. */
export interface ListedKeyStore {
  id: string;
  kind: 'Hsm' | 'Mpc' | 'OfflineSigner';
  name?: string;
  primary: boolean;
}

/** An X-Request-ID, in the shape Dfns's would have. */
export function requestId(): string {
  return `req-${randomBytes(12).toString('hex')}`;
}
