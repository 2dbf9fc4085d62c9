/**
 * Which operation a file is submitted to: the one its entries belong to, or step input
 * `operation`, checked against the file. Decided before any network call; a file that does not say,
 * or says otherwise than the step input, is refused with what was found and what to set.
 */
import type { Logger } from '../../base/logger.ts';
import { describeKinds, DOCUMENT_LABELS, type DocumentType } from '../../documents/documents.ts';
import { operationOfKind, operationSpec, operationsOf, type Operation } from '../../documents/operations.ts';
import { ActionError } from '../../base/errors.ts';

export interface OperationChoice {
  operation: Operation;
  /** Taken from the file's entries, or given by step input `operation`. */
  from: 'file' | 'step-input';
}

/** The operation cannot be taken from the file, or the file is not for the one given. */
export class OperationError extends ActionError {
  override name = 'OperationError';
  readonly title: string;
  constructor(message: string, title: 'Operation not determined' | 'Operation does not match the file') {
    super(message);
    this.title = title;
  }
}

/** `type` and `byKind`: the file's document type and its entries counted by kind (countOutputs). */
export function chooseOperation(
  requested: Operation | undefined,
  type: DocumentType,
  byKind: Readonly<Record<string, number>>,
  log: Logger,
): OperationChoice {
  const kinds = Object.keys(byKind);
  const document = DOCUMENT_LABELS[type];
  const choices = operationsOf(type).join(', ');

  if (requested === undefined) {
    const only = kinds.length === 1 ? operationOfKind(kinds[0]!) : undefined;
    if (only) return { operation: only.name, from: 'file' };
    throw new OperationError(
      kinds.length === 0
        ? `the ${document} has no entries, so the operation it is for cannot be taken from it: ` +
            `set "operation" to the one it is for (${choices})`
        : `the ${document} holds entries of several kinds (${describeKinds(byKind)}), so the operation it is for ` +
            `cannot be taken from it: set "operation" to the one it is for (${choices})`,
      'Operation not determined',
    );
  }

  const spec = operationSpec(requested);
  const fitting = kinds.length === 1 ? operationOfKind(kinds[0]!)?.name : undefined;
  const advice = fitting
    ? `set "operation" to ${fitting}, or leave it empty to take the operation from the file`
    : 'check that this is the file meant for this operation';
  if (type !== spec.document) {
    throw new OperationError(
      `step input "operation" is ${requested}, which takes a ${spec.document} document, but the file is a ${type}` +
        `${kinds.length > 0 ? ` (entries: ${describeKinds(byKind)})` : ''}: ${advice}`,
      'Operation does not match the file',
    );
  }
  if (kinds.length > 0 && !(spec.entryKind in byKind)) {
    throw new OperationError(
      `step input "operation" is ${requested}, which takes ${spec.entryKind} entries, but the ${document} holds none ` +
        `(entries: ${describeKinds(byKind)}): ${advice}`,
      'Operation does not match the file',
    );
  }
  const others = Object.entries(byKind).filter(([kind]) => kind !== spec.entryKind);
  if (others.length > 0) {
    log.warning(
      `the ${document} also holds entries of other kinds (${describeKinds(Object.fromEntries(others))}), which do not ` +
        `belong to ${requested}; they are submitted with it, and Dfns decides what to do with them`,
      'Entries of other kinds',
    );
  }
  return { operation: requested, from: 'step-input' };
}
