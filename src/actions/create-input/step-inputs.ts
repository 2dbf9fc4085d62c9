/**
 * The `input` action's step inputs: raw strings in, one typed object out. Pure. The values both actions
 * share are parsed as the main action parses them (runner/step-input-values.ts).
 */
import { isOperation, OPERATIONS, type Operation } from '../../documents/operations.ts';
import {
  checkPathStepInput,
  parseDfnsId,
  parseDfnsStepInputs,
  shorten,
  StepInputError,
  type DfnsStepInputs,
  type RawStepInputs,
} from '../../runner/step-input-values.ts';

/** The body of onchain-sign's input archive request, and step input `request`'s default. */
const DEFAULT_REQUEST = '{}';

interface CommonStepInputs {
  operation: Operation;
  storeId: string;
  /** The `request` input's text: the JSON body, checked against the operation's documented one. */
  request: string;
  /** Where to write the archive, as given (relative to the workspace); undefined: under RUNNER_TEMP. */
  path: string | undefined;
  /** When set, the archive is also uploaded as an artifact of the run under this name. */
  artifactName: string | undefined;
}

export type CreateInputStepInputs = CommonStepInputs & DfnsStepInputs;

export function parseCreateInputStepInputs(raw: RawStepInputs): CreateInputStepInputs {
  const get = (name: string): string => raw(name).trim();
  const operation = get('operation');
  if (!isOperation(operation)) {
    throw new StepInputError(
      operation === ''
        ? `step input "operation" is required: the operation to create the input archive for, one of ${OPERATIONS.join(', ')}`
        : `step input "operation" must be one of ${OPERATIONS.join(', ')}; got "${shorten(operation)}"`,
    );
  }
  const storeIdValue = get('store-id');
  if (storeIdValue === '')
    throw new StepInputError('step input "store-id" is required: the id of the key store (ks-…) to create the input archive for');
  const storeId = parseDfnsId('store-id', storeIdValue, 'a Dfns key store id (ks-…)');
  const common: CommonStepInputs = {
    operation,
    storeId,
    request: get('request') || DEFAULT_REQUEST,
    path: get('path') || undefined,
    artifactName: get('artifact-name') || undefined,
  };
  checkPathStepInput('path', get('path'));
  return {
    ...common,
    ...parseDfnsStepInputs(get, {
      required: 'to create the input archive',
      dryRun: 'to check the request without creating the input archive',
    }),
  };
}
