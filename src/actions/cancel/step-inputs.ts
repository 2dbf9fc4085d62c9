/**
 * The cancel action's step inputs: raw strings in, one typed object out. Pure. The group and the
 * key store may be given, or read from a file (`path`) that names them; one of the two is needed.
 */
import { hasUnshowableChars } from '../../base/safe-text.ts';
import {
  checkPathStepInput,
  parseDfnsId,
  parseDfnsStepInputs,
  shorten,
  StepInputError,
  type DfnsStepInputs,
  type RawStepInputs,
} from '../../runner/step-input-values.ts';

/** The longest `reason` sent. */
export const MAX_REASON_CHARS = 1000;

interface CommonStepInputs {
  storeId: string | undefined;
  groupId: string | undefined;
  reason: string | undefined;
  /** An output file or an input archive whose `keystore_id` and `group_id` are used when the inputs are empty. */
  path: string | undefined;
}

export type CancelStepInputs = CommonStepInputs & DfnsStepInputs;

export function parseCancelStepInputs(raw: RawStepInputs): CancelStepInputs {
  const get = (name: string): string => raw(name).trim();
  const path = get('path') || undefined;
  const storeId = get('store-id') ? parseDfnsId('store-id', get('store-id'), 'a Dfns key store id (ks-…)') : undefined;
  const groupId = get('group-id') ? parseDfnsId('group-id', get('group-id'), "a fleet operation's group id (gr-…)") : undefined;
  if (path === undefined && (groupId === undefined || storeId === undefined)) {
    const missing = [storeId === undefined && '"store-id"', groupId === undefined && '"group-id"'].filter(Boolean).join(' and ');
    throw new StepInputError(
      `${missing} ${missing.includes(' and ') ? 'are' : 'is'} required: the key store and the fleet operation's group to cancel, ` +
        'or "path" to an output or an input archive of that operation, which names them',
    );
  }
  checkPathStepInput('path', path ?? '');
  const common: CommonStepInputs = {
    storeId,
    groupId,
    reason: parseReason(raw('reason')),
    path,
  };
  return { ...common, ...parseDfnsStepInputs(get, { required: 'to cancel', dryRun: 'to check the request without canceling' }) };
}

/** One line of text, sent to Dfns as it is (blank space around it cut). */
function parseReason(value: string): string | undefined {
  const reason = value.trim();
  if (reason === '') return undefined;
  if (hasUnshowableChars(reason) || reason.length > MAX_REASON_CHARS) {
    throw new StepInputError(
      `step input "reason" must be one line of at most ${MAX_REASON_CHARS} characters, without control or invisible characters; got ${reason.length} characters ("${shorten(reason)}")`,
    );
  }
  return reason;
}
