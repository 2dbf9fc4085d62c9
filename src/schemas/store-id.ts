/** Which key store the output is submitted to: the `store-id` input, else the output's own `keystore_id`. */
import type { Logger } from '../base/logger.ts';
import { safeText } from '../base/safe-text.ts';
import type { OfflineSignerOutput } from './documents.ts';
import { ActionError } from '../base/errors.ts';

/** No key store to submit to: the output names none and no input does. */
export class StoreIdError extends ActionError {
  override name = 'StoreIdError';
  readonly title = 'Key store not determined';
}

export function resolveStoreId(input: string | undefined, output: OfflineSignerOutput, log: Logger): string {
  const fromFile = output.keystore_id;
  if (input === undefined) {
    // A fleet output's keystore_id may be empty (its schema sets no minimum length).
    if (fromFile === '') {
      throw new StoreIdError(
        'the output\'s keystore_id is empty, so it names no key store: set "store-id" to the key store it belongs to',
      );
    }
    return fromFile;
  }
  if (input !== fromFile) {
    log.warning(
      `input "store-id" (${safeText(input)}) differs from the output's keystore_id (${safeText(fromFile)}); ` +
        'submitting to the store-id input. Check that this output belongs to that key store.',
      'store-id differs from the output',
    );
  }
  return input;
}
