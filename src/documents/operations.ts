/**
 * The seven offline signer operations: everything that differs between them, in one table.
 * Each is submitted to `POST /key-stores/{storeId}/<operation>/output`; adding an eighth means
 * one row here (and its document's schema, if it brings a new one).
 */
import * as z from './zod.ts';
import type { DocumentType } from './documents.ts';

/** What Dfns answered to an accepted submission, whichever its form. */
export interface AcceptedAnswer {
  status: 'success' | 'partial';
  /** The message of a fleet operation's answer; null for the keystore operations, which answer none. */
  message: string | null;
}

/** onchain-sign and proof-of-control: `200 {"status": "success" | "partial"}`. */
const KeystoreAnswer: z.ZodMiniType<AcceptedAnswer> = z.pipe(
  z.looseObject({ status: z.enum(['success', 'partial']) }),
  z.transform(({ status }): AcceptedAnswer => ({ status, message: null })),
);

/** The five fleet operations: `200 {"message": string}`. */
const FleetAnswer: z.ZodMiniType<AcceptedAnswer> = z.pipe(
  z.looseObject({ message: z.string() }),
  z.transform(({ message }): AcceptedAnswer => ({ status: 'success', message })),
);

interface OperationSpec {
  /** The path segment, and the value of step input `operation`. */
  name: string;
  /** The document type its output is. */
  document: DocumentType;
  /** The kind of the entries that belong to it: a keystore entry's `type`, a fleet entry's `success.type`. */
  entryKind: string;
  /** The permission the service account needs (it covers the input archive and the output endpoints). */
  permission: { current: string; earlier: string };
  /** Dfns's 200 answer. */
  answer: z.ZodMiniType<AcceptedAnswer>;
}

const TABLE = [
  {
    name: 'onchain-sign',
    document: 'keystore-output',
    entryKind: 'onchain-sign-v1',
    permission: { current: 'KeyStores:Instructions:Keys:Sign', earlier: 'KeyStores:OnchainSignatures:Create' },
    answer: KeystoreAnswer,
  },
  {
    name: 'proof-of-control',
    document: 'keystore-output',
    entryKind: 'proof-of-control-v1',
    permission: { current: 'KeyStores:Instructions:Keys:ProveControl', earlier: 'KeyStores:ProofOfControl:Create' },
    answer: KeystoreAnswer,
  },
  {
    name: 'genesis',
    document: 'fleet-output',
    entryKind: 'genesis-registration',
    permission: { current: 'KeyStores:Instructions:Fleets:Create', earlier: 'KeyStores:Fleets:Create' },
    answer: FleetAnswer,
  },
  {
    name: 'clone',
    document: 'fleet-output',
    entryKind: 'clone-registration',
    permission: { current: 'KeyStores:Instructions:Fleets:Clone', earlier: 'KeyStores:Fleets:Clone' },
    answer: FleetAnswer,
  },
  {
    name: 'add-mac-user',
    document: 'fleet-output',
    entryKind: 'add-mac-user',
    permission: { current: 'KeyStores:Instructions:Fleets:Users:Add', earlier: 'KeyStores:Fleets:AddMacUser' },
    answer: FleetAnswer,
  },
  {
    name: 'add-provisioner',
    document: 'fleet-output',
    entryKind: 'add-provisioner',
    permission: { current: 'KeyStores:Instructions:Fleets:Provisioners:Add', earlier: 'KeyStores:Fleets:AddProvisioner' },
    answer: FleetAnswer,
  },
  {
    name: 'key-harvest',
    document: 'fleet-output',
    entryKind: 'key-harvest',
    permission: { current: 'KeyStores:Instructions:Fleets:Keys:Harvest', earlier: 'KeyStores:Fleets:KeyHarvest' },
    answer: FleetAnswer,
  },
] as const satisfies readonly OperationSpec[];

export type Operation = (typeof TABLE)[number]['name'];
export type OperationRow = OperationSpec & { name: Operation };

export const OPERATIONS: readonly Operation[] = TABLE.map((row) => row.name);

const BY_NAME = new Map<string, OperationRow>(TABLE.map((row) => [row.name, row]));

export function isOperation(value: string): value is Operation {
  return BY_NAME.has(value);
}

export function operationSpec(operation: Operation): OperationRow {
  return BY_NAME.get(operation)!;
}

/** The operations whose output is `document`, in the table's order. */
export function operationsOf(document: DocumentType): Operation[] {
  return TABLE.filter((row) => row.document === document).map((row) => row.name);
}

/** The operation an entry kind belongs to. */
export function operationOfKind(kind: string): OperationRow | undefined {
  return TABLE.find((row) => row.entryKind === kind);
}

/** The permission that cancels a fleet operation (`POST /key-stores/{storeId}/fleet-operations/cancel`). */
const CANCEL_PERMISSION = { current: 'KeyStores:Instructions:Cancel', earlier: 'KeyStores:Fleets:Cancel' } as const;

/** "KeyStores:Instructions:Keys:Sign (formerly KeyStores:OnchainSignatures:Create)": an operation's, or the cancel's. */
export function describePermission(operation: Operation | 'cancel'): string {
  const { current, earlier } = operation === 'cancel' ? CANCEL_PERMISSION : operationSpec(operation).permission;
  return `${current} (formerly ${earlier})`;
}

/** The submission's URL path; the store id is percent-encoded here and in the signed path alike. */
export function submissionPath(storeId: string, operation: Operation): string {
  return `/key-stores/${encodeURIComponent(storeId)}/${operation}/output`;
}

/** The URL path that cancels the key store's open fleet operation. */
export function cancelPath(storeId: string): string {
  return `/key-stores/${encodeURIComponent(storeId)}/fleet-operations/cancel`;
}

/** The URL path that creates the operation's input archive. */
export function createInputPath(storeId: string, operation: Operation): string {
  return `/key-stores/${encodeURIComponent(storeId)}/${operation}/input`;
}
