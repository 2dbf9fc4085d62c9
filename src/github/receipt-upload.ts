/** Uploads the receipt as an artifact of the current run; a failure is a warning, never a failed step. */
import { basename, dirname } from 'node:path';
import type { Logger } from '../base/logger.ts';

export async function uploadReceipt(name: string, receiptPath: string, log: Logger): Promise<void> {
  try {
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const result = await new DefaultArtifactClient().uploadArtifact(name, [receiptPath], dirname(receiptPath));
    log.info(`Receipt uploaded as artifact "${name}" (id ${result.id ?? 'unknown'}, file ${basename(receiptPath)})`);
  } catch (error) {
    // The submission has happened: failing the step now would invite a re-run, and a second submission.
    log.warning(
      `could not upload the receipt as artifact "${name}": ${error instanceof Error ? error.message : String(error)}. ` +
        'The receipt is still at receipt-path for a later step',
      'Receipt not uploaded',
    );
  }
}
