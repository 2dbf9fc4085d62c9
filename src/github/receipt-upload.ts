/** Uploads the receipt as an artifact of the current run; a failure is a warning, never a failed step. */
import { basename, dirname } from 'node:path';
import { messageOf } from '../base/errors.ts';
import type { Logger } from '../base/logger.ts';

/** `retentionDays` undefined: the repository's default. */
export async function uploadReceipt(name: string, receiptPath: string, retentionDays: number | undefined, log: Logger): Promise<void> {
  try {
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const result = await new DefaultArtifactClient().uploadArtifact(name, [receiptPath], dirname(receiptPath), {
      ...(retentionDays === undefined ? {} : { retentionDays }),
    });
    log.info(
      `Receipt uploaded as artifact "${name}" (id ${result.id ?? 'unknown'}, file ${basename(receiptPath)}` +
        `${retentionDays === undefined ? '' : `, kept ${retentionDays} days`})`,
    );
  } catch (error) {
    // The submission has happened: failing the step now would invite a re-run, and a second submission.
    log.warning(
      `could not upload the receipt as artifact "${name}": ${messageOf(error)}. ` +
        'The receipt is still at receipt-path for a later step',
      'Receipt not uploaded',
    );
  }
}
