/**
 * What output submissions and input requests have in common: both are changes, user-action
 * signed, made on a key store for one operation under the permission of that operation. The
 * record both keep, and the checks both make: the signed method and path, the store and the
 * permission, the strict JSON of a body.
 */
import { refuse } from './errors.ts';
import type { Operation } from './submission.ts';
import type { SignedIntent } from './user-action.ts';

/** What a change is made under: one of the seven operations, or the cancel of a fleet operation. */
export type ChangeKind = Operation | 'cancel';

/** What the sandbox saw of one change request (a submission, an input, a cancel), refused or not. */
export interface ChangeRecord {
  /** The store id, percent-decoded from the path. */
  storeId: string;
  operation: ChangeKind;
  /** The raw request path (percent-encoding as sent). */
  path: string;
  /** The `X-DFNS-USERACTION` header ('' when absent). */
  userActionToken: string;
  /**
   * Passed every check and was answered (or would have been) with a 2xx answer: the default
   * or configured answer of a submission, the archive or a configured answer of an input.
   */
  accepted: boolean;
  /** Why it was refused: the error message, `configured answer <status>`, or `fault: …` when a fault answered instead. */
  error?: string;
  /** The fault injected on this request, if any (it may have been processed too). */
  fault?: string;
  /** Status answered; null when none was (reset, hang) or not yet. */
  status: number | null;
}

/**
 * The permission each operation needs on the key store, by its CURRENT name (Dfns renamed them
 * on 2026-08-14, API 1.993.1); one covers the operation's input and output. A refusal names
 * it: `missing permission <name>`.
 */
const PERMISSIONS: Record<ChangeKind, string> = {
  cancel: 'KeyStores:Instructions:Cancel',
  'onchain-sign': 'KeyStores:Instructions:Keys:Sign',
  'proof-of-control': 'KeyStores:Instructions:Keys:ProveControl',
  genesis: 'KeyStores:Instructions:Fleets:Create',
  clone: 'KeyStores:Instructions:Fleets:Clone',
  'add-mac-user': 'KeyStores:Instructions:Fleets:Users:Add',
  'add-provisioner': 'KeyStores:Instructions:Fleets:Provisioners:Add',
  'key-harvest': 'KeyStores:Instructions:Fleets:Keys:Harvest',
};

export interface StorePermissions {
  /** What the service account may do on the store, or undefined for an unknown store. */
  (storeId: string): ReadonlySet<ChangeKind> | undefined;
}

/** 403 unless the user action was signed for this request's method (POST) and raw path. */
export function checkIntent(intent: SignedIntent, record: ChangeRecord): void {
  if (intent.method !== 'POST') refuse(403, `user action was signed for method ${intent.method}, not POST`);
  if (intent.path !== record.path) {
    refuse(403, `user action was signed for path ${intent.path}, not ${record.path}`, {
      signedPath: intent.path,
      requestPath: record.path,
    });
  }
}

/** 404 for an unknown key store; 403 when the service account lacks the operation's permission on it. */
export function checkPermission(record: ChangeRecord, permissions: StorePermissions): void {
  const allowed = permissions(record.storeId);
  if (!allowed) refuse(404, 'key store not found');
  if (!allowed.has(record.operation)) refuse(403, `missing permission ${PERMISSIONS[record.operation]}`);
}

/** `bytes` parsed as JSON text in strict UTF-8 (a malformed byte sequence is refused too); otherwise a 400 `message`. */
export function parseStrictJson(bytes: Uint8Array, message: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return refuse(400, message);
  }
}
