/**
 * An online dry run's checks against Dfns, which change nothing there:
 * 1. `GET /key-stores` (not signed): the token is accepted in this region, the key store exists in
 *    the organisation, and it is an offline signer fleet (`OfflineSigner`). A 403 means the service
 *    account lacks `KeyStores:Read`, which the real work does not need: a warning, not a failure.
 * 2. The user action challenge created for the exact request the run would send, and signed: Dfns
 *    itself checks the credential id and the private key. The token it issues is never used.
 * Each check's result is told to `record` as it is known; a failed check throws.
 */
import { ActionError } from '../base/errors.ts';
import { safeText } from '../base/safe-text.ts';
import * as z from '../documents/zod.ts';
import { expectOk, parseAnswer } from './answers.ts';
import type { SlicedText } from './data-part.ts';
import { MAX_CALL_ATTEMPTS, withRetries } from './retry.ts';
import { logFailure, obtainUserAction, openTransport, retryContext, type SignedChangeRequest } from './signed-change.ts';

/** The permission `GET /key-stores` needs. */
const KEY_STORES_READ = 'KeyStores:Read';

type CheckName = 'token and region' | 'key store' | 'credential and key';

/** One check of an online dry run, as the log, the summary and the receipt list it. */
export interface OnlineCheck {
  check: CheckName;
  result: 'passed' | 'failed' | 'not checked';
  detail: string;
}

/** A check against Dfns failed: the key store is not there, or not an offline signer fleet. */
class OnlineCheckError extends ActionError {
  override name = 'OnlineCheckError';
  readonly title = 'Online check failed';
}

const KeyStores = z.looseObject({
  items: z.array(z.looseObject({ id: z.string(), kind: z.string(), name: z.optional(z.string()) })),
});

/** The request the run would send: its path and its exact body (or `data` part), the signed payload. */
export interface IntendedRequest {
  path: string;
  payload: SlicedText;
  fileBytes?: number;
}

export async function checkOnline(req: SignedChangeRequest, request: IntendedRequest, record: (check: OnlineCheck) => void): Promise<void> {
  const transport = openTransport(req);
  const retry = retryContext(req, undefined);
  const { storeId } = req.target;
  const fail = (check: CheckName, error: unknown): never => {
    record({ check, result: 'failed', detail: error instanceof Error ? error.message : String(error) });
    throw error;
  };
  try {
    // 1. The token, the region, the key store.
    let stores: z.infer<typeof KeyStores> | undefined;
    try {
      const answer = await withRetries('stores', MAX_CALL_ATTEMPTS, retry, async () => {
        const got = await transport.get('stores', '/key-stores');
        return got.status === 403 ? got : expectOk('stores', req.target, got);
      });
      if (answer.status !== 403) stores = parseAnswer('stores', answer, KeyStores);
    } catch (error) {
      fail('token and region', error);
    }
    record({ check: 'token and region', result: 'passed', detail: `Dfns accepted the token at ${req.apiUrl.origin}` });
    if (stores === undefined) {
      const detail =
        `the service account lacks the permission ${KEY_STORES_READ}, so the key store could not be looked up; the action needs no ` +
        `such permission for its real work: grant ${KEY_STORES_READ} to have the key store checked too`;
      record({ check: 'key store', result: 'not checked', detail });
      req.log.warning(detail, 'Key store not checked');
    } else {
      const store = stores.items.find((item) => item.id === storeId);
      if (!store) {
        fail(
          'key store',
          new OnlineCheckError(
            `the key store "${safeText(storeId, 100)}" is not among the key stores of this organisation at ${req.apiUrl.origin}: ` +
              'check "store-id" (or the file it was taken from) and "dfns-api-url" (the organisation\'s region)',
          ),
        );
      } else if (store.kind !== 'OfflineSigner') {
        fail(
          'key store',
          new OnlineCheckError(
            `the key store "${safeText(storeId, 100)}" is a key store of kind ${safeText(store.kind, 40)}, not an offline signer fleet (OfflineSigner): ` +
              'check "store-id"',
          ),
        );
      } else {
        record({
          check: 'key store',
          result: 'passed',
          detail: `${safeText(storeId, 100)} is an OfflineSigner key store${store.name ? ` named "${safeText(store.name, 100)}"` : ''}`,
        });
      }
    }

    // 2. The credential and the key, for the exact request.
    try {
      await obtainUserAction(transport, req, retry, request);
    } catch (error) {
      fail('credential and key', error);
    }
    record({
      check: 'credential and key',
      result: 'passed',
      detail:
        `Dfns created the challenge for POST ${request.path} and accepted the signature of credential ${safeText(req.credentialId, 100)}; ` +
        'the user action token it issued was not used, so nothing changed at Dfns',
    });
  } catch (error) {
    logFailure(req.log, error);
    throw error;
  } finally {
    await transport.close();
  }
}
