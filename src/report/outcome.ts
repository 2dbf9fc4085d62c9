/**
 * What a run ended in, the `status` output it maps to, and how a thrown error is classified:
 * in particular whether a failed submission may nevertheless have reached Dfns.
 */
import { DfnsApiError, DfnsDeadlineError, DfnsNetworkError, DfnsProtocolError } from '../dfns/errors.ts';

export type Outcome = 'submitted' | 'partial' | 'pending-approval' | 'dry-run' | 'rejected' | 'failed' | 'unknown';
export type StepStatus = 'success' | 'partial' | 'pending-approval' | 'dry-run' | 'rejected' | 'failed' | 'unknown';

/** Outcomes after which the step succeeds. */
export const SUCCESSFUL_OUTCOMES: ReadonlySet<Outcome> = new Set(['submitted', 'partial', 'pending-approval', 'dry-run']);

/** Answers to the submission that do not tell whether Dfns processed it. */
const AMBIGUOUS_SUBMIT_STATUSES = new Set([500, 502, 504]);

export function statusFor(outcome: Outcome): StepStatus {
  return outcome === 'submitted' ? 'success' : outcome;
}

export interface Failure {
  outcome: 'rejected' | 'failed' | 'unknown';
  message: string;
  /** The title of the `::error` annotation. */
  title: string;
}

/** Annotation titles, by the `name` of the error that ended the run. */
const TITLES: Record<string, string> = {
  InputError: 'Invalid input',
  CredentialError: 'Invalid input',
  LocateError: 'Output file not found',
  ArtifactError: 'Artifact not usable',
  OutputFileError: 'Invalid output file',
  StoreIdError: 'Key store not determined',
  ChecksumMismatchError: 'Checksum mismatch',
  PreflightError: 'Dfns token expired',
  CredentialMismatchError: 'Credential not accepted',
  DfnsApiError: 'Dfns refused the request',
  DfnsNetworkError: 'Dfns not reachable',
  DfnsDeadlineError: 'Dfns not reachable',
  DfnsProtocolError: 'Unexpected answer from Dfns',
};
export const DEFAULT_FAILURE_TITLE = 'Dfns key store output not submitted';
export const UNKNOWN_OUTCOME_TITLE = 'Submission outcome unknown';

export const UNKNOWN_OUTCOME_ADVICE =
  'The submission may have reached Dfns. Check the key store in Dfns before re-running this workflow: ' +
  're-running could submit the output a second time.';

export function classifyFailure(error: unknown): Failure {
  const { outcome, message } = classifyOutcome(error);
  const own = error instanceof Error && 'title' in error && typeof error.title === 'string' ? error.title : undefined;
  const title =
    outcome === 'unknown' ? UNKNOWN_OUTCOME_TITLE : (own ?? ((error instanceof Error && TITLES[error.name]) || DEFAULT_FAILURE_TITLE));
  return { outcome, message, title };
}

function classifyOutcome(error: unknown): Omit<Failure, 'title'> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DfnsApiError) {
    if (error.call === 'submit' && AMBIGUOUS_SUBMIT_STATUSES.has(error.status)) {
      return { outcome: 'unknown', message: `${message}. ${UNKNOWN_OUTCOME_ADVICE}` };
    }
    // 429 and 5xx that ran out of retries: Dfns did not refuse the output, it did not take it.
    if (error.status === 429 || error.status >= 500) return { outcome: 'failed', message: `${message}. Nothing was submitted.` };
    return { outcome: 'rejected', message };
  }
  if (error instanceof DfnsNetworkError || error instanceof DfnsDeadlineError) {
    if (error.call === 'submit' && error.sent) return { outcome: 'unknown', message: `${message}. ${UNKNOWN_OUTCOME_ADVICE}` };
    return { outcome: 'failed', message: `${message}. Nothing was submitted.` };
  }
  if (error instanceof DfnsProtocolError && error.call === 'submit') {
    return { outcome: 'unknown', message: `${message}. ${UNKNOWN_OUTCOME_ADVICE}` };
  }
  return { outcome: 'failed', message };
}
