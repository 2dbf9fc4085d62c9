import type { Operation } from '../inputs.ts';

/** The submission's URL path; the store id is percent-encoded here and in the signed path alike. */
export function submissionPath(storeId: string, operation: Operation): string {
  return `/key-stores/${encodeURIComponent(storeId)}/${operation}/output`;
}
