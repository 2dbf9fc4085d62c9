/** Uploads the receipt as an artifact of the current run; a failure is a warning, never a failed step. */
import { messageOf } from '../base/errors.ts';
import type { Logger } from '../base/logger.ts';
import { safeText } from '../base/safe-text.ts';
import { uploadFile } from './upload.ts';

/** `retentionDays` undefined: the repository's default. */
export async function uploadReceipt(name: string, receiptPath: string, retentionDays: number | undefined, log: Logger): Promise<void> {
  try {
    const { id, file } = await uploadFile(name, receiptPath, retentionDays);
    log.info(
      `Receipt uploaded as artifact "${safeText(name)}" (id ${id ?? 'unknown'}, file ${safeText(file)}${retentionDays === undefined ? '' : `, kept ${retentionDays} days`})`,
    );
  } catch (error) {
    // The change has happened: failing the step now would invite a re-run, and a second one.
    log.warning(
      `could not upload the receipt as artifact "${safeText(name)}": ${safeText(messageOf(error), 300)}. The receipt is still at receipt-path for a later step`,
      'Receipt not uploaded',
    );
  }
}
