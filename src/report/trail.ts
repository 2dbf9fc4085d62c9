/**
 * The trail a run leaves, whatever ended it: the receipt at its target (and as an artifact when
 * asked), the `receipt-path` output, and the job summary. A receipt that cannot be written where
 * `receipt-path` said fails the step; at the default place it is a warning.
 */
import { messageOf } from '../base/errors.ts';
import { safeText } from '../base/safe-text.ts';
import { shown } from '../file/write-target.ts';
import type { Logger } from '../base/logger.ts';
import type { FailedOutput } from '../documents/documents.ts';
import { SUCCESSFUL_OUTCOMES, type Failure } from './outcome.ts';
import { writeReceipt, type Receipt, type ReceiptTarget } from './receipt.ts';
import { buildSummary } from './summary.ts';

/** What a receipt that could not be written says was done all the same. */
const DONE: Record<Receipt['kind'], string> = {
  output: 'output WAS submitted',
  'input-archive': 'input archive WAS created',
  cancel: 'fleet operation WAS canceled',
};

export interface TrailIO extends Logger {
  setOutput(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
}

export interface Trail {
  /** Where the receipt was written. */
  receiptPath?: string;
  /** Set when the receipt could not be written where `receipt-path` said. */
  failure?: Failure;
}

export async function leaveTrail(receipt: Receipt, failed: readonly FailedOutput[], target: ReceiptTarget, io: TrailIO): Promise<Trail> {
  const trail: Trail = {};
  try {
    writeReceipt(target.path, receipt);
    trail.receiptPath = target.path;
    io.setOutput('receipt-path', target.path);
    io.info(`Receipt written to ${shown(target.path)}`);
  } catch (error) {
    const reason = `could not write the receipt to ${shown(target.path)}: ${messageOf(error)}`;
    if (!target.explicit) {
      io.warning(`${reason}. The job summary holds the same facts`, 'Receipt not written');
    } else {
      const done = SUCCESSFUL_OUTCOMES.has(receipt.outcome) && receipt.outcome !== 'dry-run';
      trail.failure = {
        outcome: receipt.outcome === 'rejected' || receipt.outcome === 'unknown' ? receipt.outcome : 'failed',
        title: 'Receipt not written',
        message: done
          ? `${reason}. The ${DONE[receipt.kind]} (status ${receipt.status}): ` +
            'do not re-run this workflow to get a receipt; the job summary holds the same facts'
          : `${reason} ("receipt-path")`,
      };
    }
  }
  if (trail.receiptPath && target.artifactName) {
    const { uploadReceipt } = await import('../github/receipt-upload.ts');
    await uploadReceipt(target.artifactName, trail.receiptPath, target.retentionDays, io);
  }
  try {
    await io.writeSummary(buildSummary(receipt, failed));
  } catch (error) {
    io.warning(`could not write the job summary: ${safeText(messageOf(error), 300)}`, 'Job summary not written');
  }
  return trail;
}
