/**
 * The errors a user meets carry what the user sees of them: the title of the `::error`
 * annotation, and the outcome the run ends in. Nothing looks a title up by an error's name.
 */

/** How a failed run ends: Dfns refused it, nothing was submitted, or the submission may have reached Dfns. */
export type FailureOutcome = 'rejected' | 'failed' | 'unknown';

export abstract class ActionError extends Error {
  /** The title of the `::error` annotation. */
  abstract readonly title: string;

  /** What the run ends in when this error ends it; most errors stop a run before anything is sent. */
  get outcome(): FailureOutcome {
    return 'failed';
  }

  /** Whether the run stopped before the output was sent to Dfns: the message then says "Nothing was submitted." */
  get nothingSubmitted(): boolean {
    return this.outcome === 'failed' && !this.changeMade;
  }

  /**
   * The change was made at Dfns, and the message says what became of it (an input created whose
   * archive could not be kept): the message is not followed by the generic sentence of its outcome.
   */
  get changeMade(): boolean {
    return false;
  }
}

/** The message of anything thrown, Error or not. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
