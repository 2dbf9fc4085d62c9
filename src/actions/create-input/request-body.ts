/**
 * The `request` input: the JSON body of the input archive's creation, read strictly (no duplicate key)
 * and checked against the operation's documented body before any call. What is sent, and
 * signed, is its compact serialization.
 */
import { ActionError, messageOf } from '../../base/errors.ts';
import { parseStrictJson } from '../../file/json.ts';
import { validateCreateInputBody } from '../../documents/create-input-bodies.ts';
import type { Operation } from '../../documents/operations.ts';
import { listViolations, SchemaError } from '../../documents/violations.ts';

/** The `request` input is not the operation's documented body. */
class RequestBodyError extends ActionError {
  override name = 'RequestBodyError';
  readonly title = 'Invalid request body';
}

export interface RequestBody {
  /** The body, parsed: what the receipt records. */
  value: unknown;
  /** The exact text sent, and signed as the user action payload. */
  json: string;
}

export function parseRequestBody(operation: Operation, text: string): RequestBody {
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (error) {
    throw new RequestBodyError(`step input "request" is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
  try {
    validateCreateInputBody(operation, value);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    throw new RequestBodyError(
      `step input "request" does not match the documented body of ${operation} ${listViolations(error.violations)}`,
      {
        cause: error,
      },
    );
  }
  return { value, json: JSON.stringify(value) };
}
