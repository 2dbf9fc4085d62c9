/** Kept equal to package.json's version by a test. */
export const ACTION_NAME = 'dfns-keystore-output-action';
export const ACTION_VERSION = '0.1.0';
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`;
