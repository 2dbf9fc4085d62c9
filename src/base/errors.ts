/**
 * The errors a user meets carry what the user sees of them as data: the title of the `::error`
 * annotation, and what became of the run's change at Dfns (`effect`). One function
 * (report/outcome.ts, classifyFailure) turns that into the run's outcome and its message's last
 * sentence. Nothing looks a title up by an error's name.
 */

/** How a failed run ends: Dfns refused it, nothing was done, or the change may have reached Dfns. */
export type FailureOutcome = 'rejected' | 'failed' | 'unknown';

/** What a failure tells of the run's change at Dfns (an output submitted, an input archive created, a fleet operation canceled). */
export type ChangeEffect =
  /** Not made: the run stopped before it, or Dfns did not take a call (out of retries). A re-run is safe. */
  | 'not-made'
  /** Not made: Dfns refused a call before it, or refused to read it (too large). A re-run is safe once fixed. */
  | 'refused-before'
  /** Dfns refused the change itself. */
  | 'refused'
  /** It may have reached Dfns: nothing tells whether it was made. */
  | 'uncertain'
  /** It was made, but what it produced could not be kept: the message says what, and what to do. */
  | 'made';

export interface ActionErrorOptions extends ErrorOptions {
  /** Default: not made. */
  effect?: ChangeEffect;
}

export abstract class ActionError extends Error {
  /** The title of the `::error` annotation. */
  abstract readonly title: string;
  readonly effect: ChangeEffect;

  constructor(message: string, options: ActionErrorOptions = {}) {
    super(message, options);
    this.effect = options.effect ?? 'not-made';
  }
}

/** The message of anything thrown, Error or not. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
