/**
 * User action signing, the two calls before every change: create the challenge for the exact
 * request (`POST /auth/action/init`), sign it with the service account's key and exchange it for
 * a single-use user action token (`POST /auth/action`). Every answer is checked with zod.
 */
import { ActionError } from '../base/errors.ts';
import type { Logger } from '../base/logger.ts';
import { safeText } from '../base/safe-text.ts';
import * as z from '../documents/zod.ts';
import { expectOk, parseAnswer } from './answers.ts';
import type { StreamedBody } from './body.ts';
import type { ServiceAccountKey } from './credentials.ts';
import type { ChangeTarget } from './errors.ts';
import type { DfnsTransport } from './http.ts';

const nonEmpty = () => z.string().check(z.minLength(1, { error: 'must not be empty' }));

const ChallengeAnswer = z.looseObject({
  challenge: nonEmpty(),
  challengeIdentifier: nonEmpty(),
  allowCredentials: z.looseObject({
    key: z.array(z.looseObject({ type: z.string(), id: z.string() })),
  }),
});
type Challenge = z.infer<typeof ChallengeAnswer>;

const UserActionAnswer = z.looseObject({ userAction: nonEmpty() });

/** The service account's credential is not one the token's user may sign with. */
class CredentialMismatchError extends ActionError {
  override name = 'CredentialMismatchError';
  readonly title = 'Credential not accepted';
}

/** Who signs: the service account's credential and key. */
export interface Signer {
  credentialId: string;
  key: ServiceAccountKey;
  log: Logger;
}

/**
 * Creates the challenge for the request whose init body is `init`, and checks that the credential
 * may sign it. `fileBytes`: of the output file the payload carries, for a 413's message.
 */
export async function createChallenge(
  transport: DfnsTransport,
  signer: Signer,
  target: ChangeTarget,
  init: StreamedBody,
  fileBytes: number | undefined,
): Promise<Challenge> {
  const sizes = fileBytes === undefined ? undefined : { request: init.byteLength, file: fileBytes };
  const answer = expectOk('init', target, await transport.post('init', '/auth/action/init', init), sizes);
  const challenge = parseAnswer('init', answer, ChallengeAnswer);
  const ids = challenge.allowCredentials.key.map((k) => k.id);
  if (!ids.includes(signer.credentialId)) {
    throw new CredentialMismatchError(
      ids.length === 0
        ? 'the Dfns token accepts no key credential: the service account has no active key credential; register the public key of "dfns-private-key" with the service account'
        : `"dfns-credential-id" (${safeText(signer.credentialId, 80)}) is not a key credential of this service account; ` +
            `the token accepts: ${ids.map((id) => safeText(id, 80)).join(', ')}`,
    );
  }
  signer.log.debug(`Dfns challenge created; ${ids.length} key credential(s) allowed`);
  return challenge;
}

/** Signs the challenge with the service account's key; Dfns answers a single-use user action token. */
export async function signChallenge(transport: DfnsTransport, signer: Signer, target: ChangeTarget, challenge: Challenge): Promise<string> {
  const clientData = Buffer.from(JSON.stringify({ type: 'key.get', challenge: challenge.challenge }), 'utf8');
  const signature = Buffer.from(signer.key.sign(clientData));
  const body = JSON.stringify({
    challengeIdentifier: challenge.challengeIdentifier,
    firstFactor: {
      kind: 'Key',
      credentialAssertion: {
        credId: signer.credentialId,
        clientData: clientData.toString('base64url'),
        signature: signature.toString('base64url'),
      },
    },
  });
  const answer = expectOk('action', target, await transport.post('action', '/auth/action', body));
  return parseAnswer('action', answer, UserActionAnswer).userAction;
}
