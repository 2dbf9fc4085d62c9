/**
 * The change each action makes at Dfns, and what its messages say when the change was not made
 * (so that a re-run is known to be safe): each sentence is written here once, for the failure
 * messages, the retry lines and the Node version check alike. No imports: the Node check, the
 * first module to run, reads it.
 */

/** Submitting an output, creating an input archive, canceling a fleet operation. */
export type ChangeCall = 'submit' | 'create' | 'cancel';

export const NOTHING_DONE: Record<ChangeCall, string> = {
  submit: 'Nothing was submitted.',
  create: 'No input archive was created.',
  cancel: 'Nothing was canceled.',
};
