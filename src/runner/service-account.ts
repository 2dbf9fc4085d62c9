/**
 * What every action does with the service account's credentials, written once: the checks
 * before any call (the token's prefix, expiry and organisation; the key), the request of a change
 * as the run makes it, and an online dry run's checks against Dfns, logged and recorded.
 */
import type { Logger } from '../base/logger.ts';
import { USER_AGENT } from '../base/version.ts';
import { loadSigningKey, type ServiceAccountKey } from '../dfns/credentials.ts';
import type { ChangeTarget } from '../dfns/errors.ts';
import type { RequestRecord } from '../dfns/http.ts';
import type { IntendedRequest, OnlineCheck } from '../dfns/online-check.ts';
import type { SignedChangeRequest } from '../dfns/signed-change.ts';
import { checkToken } from '../dfns/token.ts';
import type { Credentials, CredentialStepInputs } from './step-input-values.ts';
import type { ActionIO, RunEnv } from './io.ts';

/**
 * The checks before any call: the token (a "Bearer " prefix removed, with a warning; its expiry;
 * its organisation against `outputOrgId`, when there is an output), then the key, loaded and
 * described. In an offline dry run, only the credentials given are checked; the key is returned
 * when there is one.
 */
export function checkCredentials(
  inputs: CredentialStepInputs & { dryRun: undefined | 'online' },
  log: Logger,
  outputOrgId?: string,
): ServiceAccountKey;
export function checkCredentials(inputs: CredentialStepInputs, log: Logger, outputOrgId?: string): ServiceAccountKey | undefined;
export function checkCredentials(inputs: CredentialStepInputs, log: Logger, outputOrgId?: string): ServiceAccountKey | undefined {
  const { credentials } = inputs;
  if (inputs.bearerPrefixRemoved) {
    log.warning(
      'step input "dfns-token" starts with "Bearer ", which the action adds itself: the prefix was removed. Store the token alone in the secret',
      'Dfns token prefix removed',
    );
  }
  if (credentials.token !== undefined) checkToken(credentials.token, outputOrgId, log);
  return credentials.privateKey === undefined ? undefined : loadSigningKey(credentials.privateKey, credentials.credentialId, log);
}

/** What the run keeps of its calls: every request, the attempts, and an online dry run's checks. */
export interface CallFacts {
  requests: RequestRecord[];
  progress: { attempts: number };
  checks: OnlineCheck[];
}

/** The request of a change as the run makes it: the service account, the deadline from `started`, the log, the trail. */
export function changeRequest(
  inputs: { apiUrl: URL; credentials: Credentials; timeoutSeconds: number },
  key: ServiceAccountKey,
  target: ChangeTarget,
  started: number,
  env: RunEnv,
  io: ActionIO,
  facts: CallFacts,
): SignedChangeRequest {
  return {
    apiUrl: inputs.apiUrl,
    token: inputs.credentials.token,
    credentialId: inputs.credentials.credentialId,
    key,
    target,
    timeoutSeconds: inputs.timeoutSeconds,
    deadline: started + inputs.timeoutSeconds * 1000,
    userAgent: USER_AGENT,
    setSecret: (v) => io.setSecret(v),
    log: io,
    onRequest: (record) => facts.requests.push(record),
    progress: facts.progress,
    ...(env.sleep ? { sleep: env.sleep } : {}),
  };
}

/** An online dry run: each check against Dfns logged as it ends and recorded for the receipt; a failed one throws. */
export async function runOnlineChecks(req: SignedChangeRequest, request: IntendedRequest, facts: CallFacts, io: ActionIO): Promise<void> {
  const { checkOnline } = await import('../dfns/online-check.ts');
  io.info(`Online dry run: checking the set-up against Dfns (${req.apiUrl.origin}), without changing anything there.`);
  await checkOnline(req, request, (check) => {
    facts.checks.push(check);
    io.info(`  ${check.check}: ${check.result}, ${check.detail}`);
  });
}
