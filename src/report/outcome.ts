/**
 * What a run ended in, the `status` output it maps to, and what a user reads of the error that
 * ended it: the annotation's title and outcome come with the error itself (base/errors.ts); here
 * the message gets what it must say about the submission.
 */
import { ActionError, messageOf, type FailureOutcome } from '../base/errors.ts';

/** `created`: the input action's success (Dfns created the input archive); `canceled`: the cancel action's. */
export type Outcome = 'submitted' | 'created' | 'canceled' | 'partial' | 'pending-approval' | 'dry-run' | FailureOutcome;
export type StepStatus = Exclude<Outcome, 'submitted'> | 'success';

/** Outcomes after which the step succeeds. */
export const SUCCESSFUL_OUTCOMES: ReadonlySet<Outcome> = new Set(['submitted', 'created', 'canceled', 'partial', 'pending-approval', 'dry-run']);

export function statusFor(outcome: Outcome): StepStatus {
  return outcome === 'submitted' ? 'success' : outcome;
}

export interface Failure {
  outcome: FailureOutcome;
  message: string;
  /** The title of the `::error` annotation. */
  title: string;
}

/** The title of an error that is not one of the action's own (a bug, or a library's failure). */
export const DEFAULT_FAILURE_TITLE = 'Dfns key store output not submitted';
export const UNKNOWN_OUTCOME_TITLE = 'Submission outcome unknown';

export const UNKNOWN_OUTCOME_ADVICE =
  'The submission may have reached Dfns. Check the key store in Dfns before re-running this workflow: ' +
  're-running could submit the output a second time.';
export const NOTHING_SUBMITTED = 'Nothing was submitted.';

/**
 * The outcome, title and message of whatever ended a run. A run that stopped before sending the
 * output says so ("Nothing was submitted."), so that a re-run is known to be safe; one whose
 * submission may have reached Dfns says to check before re-running.
 */
export function classifyFailure(error: unknown, words: FailureWords): Failure {
  const message = messageOf(error);
  if (!(error instanceof ActionError)) return { outcome: 'failed', message, title: words.defaultTitle };
  const { outcome } = error;
  if (error.changeMade) return { outcome, message, title: error.title };
  if (outcome === 'unknown') return { outcome, message: addSentence(message, words.unknownAdvice), title: words.unknownTitle };
  return { outcome, message: error.nothingSubmitted ? addSentence(message, words.nothingDone) : message, title: error.title };
}

/** What a failure says of the change each action makes. */
export interface FailureWords {
  /** Said when the run stopped before the change was sent. */
  nothingDone: string;
  /** Said when the change may have reached Dfns. */
  unknownAdvice: string;
  /** The title of an error that is not one of the action's own. */
  defaultTitle: string;
  /** The title of a failure after which the change may have reached Dfns. */
  unknownTitle: string;
}

export const OUTPUT_WORDS: FailureWords = {
  nothingDone: NOTHING_SUBMITTED,
  unknownAdvice: UNKNOWN_OUTCOME_ADVICE,
  defaultTitle: DEFAULT_FAILURE_TITLE,
  unknownTitle: UNKNOWN_OUTCOME_TITLE,
};

/** `message` followed by `sentence`, unless it says it already; on a line of its own after a list. */
function addSentence(message: string, sentence: string): string {
  if (message.toLowerCase().includes(sentence.toLowerCase().replace(/\.$/, ''))) return message;
  if (message.includes('\n')) return `${message}\n${sentence}`;
  return `${message}${message.endsWith('.') ? '' : '.'} ${sentence}`;
}
