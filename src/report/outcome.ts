/**
 * What a run ended in, the `status` output it maps to, and what a user reads of the error that
 * ended it: its outcome, its annotation's title and its message, decided here from what the error
 * says became of the change (base/errors.ts).
 */
import { ActionError, messageOf, type FailureOutcome } from '../base/errors.ts';

/** `created`: the input action's success (Dfns created the input archive); `canceled`: the cancel action's. */
export type Outcome = 'submitted' | 'created' | 'canceled' | 'partial' | 'pending-approval' | 'dry-run' | FailureOutcome;
export type StepStatus = Exclude<Outcome, 'submitted'> | 'success';

/** Outcomes after which the step succeeds. */
export const SUCCESSFUL_OUTCOMES: ReadonlySet<Outcome> = new Set([
  'submitted',
  'created',
  'canceled',
  'partial',
  'pending-approval',
  'dry-run',
]);

export function statusFor(outcome: Outcome): StepStatus {
  return outcome === 'submitted' ? 'success' : outcome;
}

export interface Failure {
  outcome: FailureOutcome;
  message: string;
  /** The title of the `::error` annotation. */
  title: string;
}

/**
 * The one place that decides what a failure ends in: its outcome, its annotation's title, and
 * what its message says of the change. An error that is not one of the action's own (a bug, a
 * library's failure) is `failed`, under the action's default title. Of the action's own:
 * - not made (the run stopped before the change, or Dfns did not take a call): `failed`, and the
 *   message says so ("Nothing was submitted."), so that a re-run is known to be safe;
 * - Dfns refused a call before the change: `rejected`, saying the same;
 * - Dfns refused the change itself: `rejected`;
 * - the change may have reached Dfns: `unknown`, with the advice to check before re-running, under
 *   the action's "outcome unknown" title;
 * - the change was made but its result not kept: `unknown`, under the error's own title, its
 *   message saying what to do.
 */
export function classifyFailure(error: unknown, words: FailureWords): Failure {
  const message = messageOf(error);
  if (!(error instanceof ActionError)) return { outcome: 'failed', message, title: words.defaultTitle };
  switch (error.effect) {
    case 'not-made':
      return { outcome: 'failed', message: addSentence(message, words.nothingDone), title: error.title };
    case 'refused-before':
      return { outcome: 'rejected', message: addSentence(message, words.nothingDone), title: error.title };
    case 'refused':
      return { outcome: 'rejected', message, title: error.title };
    case 'uncertain':
      return { outcome: 'unknown', message: addSentence(message, words.unknownAdvice), title: words.unknownTitle };
    case 'made':
      return { outcome: 'unknown', message, title: error.title };
  }
}

/** What a failure says of the change each action makes (each action defines its own). */
export interface FailureWords {
  /** Said when the run stopped before the change was sent (base/changes.ts). */
  nothingDone: string;
  /** Said when the change may have reached Dfns. */
  unknownAdvice: string;
  /** The title of an error that is not one of the action's own. */
  defaultTitle: string;
  /** The title of a failure after which the change may have reached Dfns. */
  unknownTitle: string;
}

/** `message` followed by `sentence`, unless it says it already; on a line of its own after a list. */
function addSentence(message: string, sentence: string): string {
  if (message.toLowerCase().includes(sentence.toLowerCase().replace(/\.$/, ''))) return message;
  if (message.includes('\n')) return `${message}\n${sentence}`;
  return `${message}${message.endsWith('.') ? '' : '.'} ${sentence}`;
}
