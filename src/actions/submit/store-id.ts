/** Which key store the output is submitted to: step input `store-id`, else the output's own `keystore_id`. */
import type { Logger } from '../../base/logger.ts';
import { safeQuoted, safeText } from '../../base/safe-text.ts';
import { DFNS_ID_RULE, isDfnsId } from '../../documents/dfns-id.ts';
import type { OfflineSignerOutput } from '../../documents/documents.ts';
import { ActionError } from '../../base/errors.ts';

/** No key store to submit to: the output names none and no step input does. */
class StoreIdError extends ActionError {
  override name = 'StoreIdError';
  readonly title = 'Key store not determined';
}

/** `input`: the `store-id` step input, already checked to be a Dfns id. */
export function resolveStoreId(input: string | undefined, output: OfflineSignerOutput, log: Logger): string {
  const fromFile = output.keystore_id;
  if (input === undefined) {
    // A fleet output's keystore_id may be empty (its schema sets no minimum length).
    if (fromFile === '') {
      throw new StoreIdError('the output\'s keystore_id is empty, so it names no key store: set "store-id" to the key store it belongs to');
    }
    if (!isDfnsId(fromFile)) {
      throw new StoreIdError(
        `the output's keystore_id (${safeQuoted(fromFile, 80)}) is not a Dfns key store id (${DFNS_ID_RULE}), so it cannot name ` +
          'the key store in the request: set "store-id" to the key store the output belongs to',
      );
    }
    return fromFile;
  }
  if (input !== fromFile) {
    log.warning(
      `step input "store-id" (${safeText(input)}) differs from the output's keystore_id (${safeText(fromFile)}); ` +
        'submitting to step input "store-id". Check that this output belongs to that key store.',
      'store-id differs from the output',
    );
  }
  return input;
}
