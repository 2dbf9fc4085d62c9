/**
 * The two documents an offline signer fleet brings back: a `keystore-output` (onchain-sign,
 * proof-of-control) or a `fleet-output` (the five fleet ceremonies). A file is validated by its
 * own `type`; what the rest of the run reads of it (ids, entries and their kinds) is read here.
 */
import { safeText } from '../base/safe-text.ts';
import { validateFleetOutput, type FleetOutput } from './fleet-output.ts';
import { validateKeystoreOutput, type KeystoreOutput } from './keystore-output.ts';
import { describeValue, isPlainObject, SchemaError } from './violations.ts';

export type OfflineSignerOutput = KeystoreOutput | FleetOutput;
export type DocumentType = OfflineSignerOutput['type'];

/** How messages name each document. */
export const DOCUMENT_LABELS: Record<DocumentType, string> = {
  'keystore-output': 'keystore output',
  'fleet-output': 'fleet output',
};

const VALIDATORS: Record<DocumentType, (value: unknown) => OfflineSignerOutput> = {
  'keystore-output': validateKeystoreOutput,
  'fleet-output': validateFleetOutput,
};

/** Validates a parsed document against the schema its `type` names, reporting every violation with its path. */
export function validateOutput(value: unknown): OfflineSignerOutput {
  const type = isPlainObject(value) ? value['type'] : undefined;
  if (type === 'keystore-output' || type === 'fleet-output') return VALIDATORS[type](value);
  const expected = `expected "keystore-output" or "fleet-output"`;
  throw new SchemaError('output', [
    isPlainObject(value)
      ? `type: ${type === undefined ? 'is required' : `${expected}, got ${describeValue(type)}`} (the document type of a Dfns offline signer output)`
      : `(root): expected an object (a keystore-output or fleet-output document), got ${describeValue(value)}`,
  ]);
}

/** The kind of each entry, in the file's order: a keystore entry's `type`, a fleet entry's `success.type`. */
function entryKinds(output: OfflineSignerOutput): string[] {
  return output.type === 'keystore-output'
    ? Object.values(output.outputs).map((entry) => entry.type)
    : Object.values(output.outputs).map((entry) => entry.success.type);
}

export interface OutputCounts {
  total: number;
  /** Entries by kind, the kinds present only, in order of first appearance. */
  byKind: Record<string, number>;
  /** Entries whose result is a success (every entry of a fleet output). */
  success: number;
  /** Entries the fleet reported as failed (keystore outputs only). */
  fail: number;
}

export function countOutputs(output: OfflineSignerOutput): OutputCounts {
  const byKind: Record<string, number> = {};
  for (const kind of entryKinds(output)) byKind[kind] = (byKind[kind] ?? 0) + 1;
  const fail = output.type === 'keystore-output' ? Object.values(output.outputs).filter((entry) => 'fail' in entry.result).length : 0;
  const total = Object.values(byKind).reduce((sum, n) => sum + n, 0);
  return { total, byKind, success: total - fail, fail };
}

/** "2 onchain-sign-v1, 1 proof-of-control-v1"; "none" when there are no entries. */
export function describeKinds(byKind: Readonly<Record<string, number>>): string {
  const parts = Object.entries(byKind).map(([kind, n]) => `${n} ${safeText(kind, 60)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** "2 outputs (2 onchain-sign-v1; 1 success, 1 fail)", "1 output (1 genesis-registration)", "0 outputs". */
export function describeCounts(counts: OutputCounts, document: DocumentType): string {
  const head = `${counts.total} output${counts.total === 1 ? '' : 's'}`;
  if (counts.total === 0) return head;
  const results = document === 'keystore-output' ? `; ${counts.success} success, ${counts.fail} fail` : '';
  return `${head} (${describeKinds(counts.byKind)}${results})`;
}

/** An entry the fleet reported as failed, its texts through the gate. */
export interface FailedOutput {
  key: string;
  code: string;
  message: string;
}

/** The entries the fleet reported as failed: only a keystore output's entries can fail. */
export function failedOutputs(output: OfflineSignerOutput): FailedOutput[] {
  if (output.type !== 'keystore-output') return [];
  return Object.entries(output.outputs).flatMap(([key, entry]) =>
    'fail' in entry.result
      ? [{ key: safeText(key), code: safeText(entry.result.fail.code), message: safeText(entry.result.fail.message, 500) }]
      : [],
  );
}
