/** Kept equal to package.json's version by a test. */
export const ACTION_NAME = 'dfns-keystore-output-action';
export const ACTION_VERSION = '0.1.0';
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`;

/** How a workflow uses the cancel action (cancel/action.yml). */
const CANCEL_ACTION = 'dfns/keystore-output-action/cancel';
/** What a message that leaves a fleet operation open at Dfns adds: how to close it. */
export const CANCEL_ADVICE = `If the ceremony is abandoned, cancel its fleet operation with the cancel action (uses: ${CANCEL_ACTION}).`;
