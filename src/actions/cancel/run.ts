/**
 * One run of the cancel action, top to bottom: step inputs -> the group and the key store (given,
 * or read from a file) -> the checks before the network -> sign and cancel -> report. As the other
 * actions: never reads the environment itself, never exits, and leaves a status, a summary and a
 * receipt on every run.
 */
import { resolve } from 'node:path';
import type { ActionIO, RunEnv, RunResult } from '../../runner/io.ts';
import type { RawStepInputs } from '../../runner/step-input-values.ts';
import { runWithTrail } from '../../runner/run-frame.ts';
import type { Action } from '../../runner/step.ts';
import { changeRequest, checkCredentials, runOnlineChecks } from '../../runner/service-account.ts';
import { ActionError } from '../../base/errors.ts';
import { NOTHING_DONE } from '../../base/changes.ts';
import type { Logger } from '../../base/logger.ts';
import { safeText } from '../../base/safe-text.ts';
import type { ChangeTarget } from '../../dfns/errors.ts';
import { PATH_MAX_CHARS } from '../../file/write-target.ts';
import { newCancelFacts, noteDfnsStepInputs, type CancelFacts } from '../../report/facts.ts';
import type { FailureWords, Outcome } from '../../report/outcome.ts';
import { cancelPath, describePermission } from '../../documents/operations.ts';
import { readIds } from './id-source.ts';
import { parseCancelStepInputs, type CancelStepInputs } from './step-inputs.ts';

/** What the cancel action's failures say of its change. */
const CANCEL_WORDS: FailureWords = {
  nothingDone: NOTHING_DONE.cancel,
  unknownAdvice: 'Dfns may have canceled the fleet operation. Check it in Dfns before re-running this workflow.',
  defaultTitle: 'Fleet operation not canceled',
  unknownTitle: 'Cancel outcome unknown',
};

/** The file names no group or no key store, and no step input gives it. */
class CancelTargetError extends ActionError {
  override name = 'CancelTargetError';
  readonly title = 'Fleet operation not determined';
}

/** The action (src/index.ts starts it). */
export const CANCEL_ACTION: Action = { run: runCancel, words: CANCEL_WORDS };

export function runCancel(raw: RawStepInputs, env: RunEnv, baseIO: ActionIO): Promise<RunResult> {
  const facts = newCancelFacts();
  return runWithTrail(raw, env, baseIO, {
    facts,
    secretStepInputs: ['dfns-token', 'dfns-private-key'],
    receiptPrefix: 'dfns-keystore-cancel-receipt',
    words: CANCEL_WORDS,
    inputs(raw) {
      const inputs = parseCancelStepInputs(raw);
      noteDfnsStepInputs(facts, inputs, { storeId: inputs.storeId ?? null });
      return inputs;
    },
    files: (inputs) =>
      inputs.path === undefined ? [] : [{ path: resolve(env.workspace, inputs.path), what: 'the file the group is read from ("path")' }],
    work: async (inputs, io) => ({ outcome: await cancel(inputs, env, io, facts) }),
  });
}

async function cancel(inputs: CancelStepInputs, env: RunEnv, io: ActionIO, facts: CancelFacts): Promise<Outcome> {
  const started = Date.now();

  // Which group, of which key store: the step inputs, else the file's ids.
  let { storeId, groupId } = inputs;
  if (inputs.path !== undefined) {
    const source = readIds(inputs.path, env.workspace);
    const shownPath = safeText(source.located.displayPath, PATH_MAX_CHARS);
    facts.source = { path: shownPath, document: source.document };
    io.info(
      `Ids read from ${shownPath} (${source.document === 'input-archive' ? 'an input archive' : 'an output'}): key store ${source.storeId ?? 'none'}, group ${source.groupId ?? 'none'}`,
    );
    storeId = pick({ input: 'store-id', field: 'keystore_id', title: 'store-id differs from the file' }, storeId, source.storeId, io);
    groupId = pick({ input: 'group-id', field: 'group_id', title: 'group-id differs from the file' }, groupId, source.groupId, io);
  }
  if (storeId === undefined || groupId === undefined) {
    const missing = [storeId === undefined && ['"store-id"', 'keystore_id'], groupId === undefined && ['"group-id"', 'group_id']].filter(
      (m) => m !== false,
    );
    throw new CancelTargetError(
      `the file names no ${missing.map(([, field]) => field).join(' and ')} that is a Dfns id: set ${missing.map(([input]) => input).join(' and ')}`,
    );
  }
  io.setOutput('store-id', storeId);
  io.setOutput('group-id', groupId);
  const path = cancelPath(storeId);
  const endpoint = new URL(path, inputs.apiUrl).href;
  facts.request = { ...facts.request!, endpoint, storeId };
  const body = { groupId, ...(inputs.reason === undefined ? {} : { reason: inputs.reason }) };
  const json = JSON.stringify(body);
  facts.body = { groupId, ...(inputs.reason === undefined ? {} : { reason: safeText(inputs.reason, 1000) }) };

  // The checks before the network; then, as a dry run asks, the checks against Dfns.
  const dryRunLine = (): void => io.info(`Dry run: nothing was canceled. The cancel would POST ${safeText(json, 1100)} to ${endpoint}.`);
  if (inputs.dryRun === 'offline') {
    checkCredentials(inputs, io);
    dryRunLine();
    return 'dry-run';
  }
  const key = checkCredentials(inputs, io);
  const target: ChangeTarget = {
    storeId,
    groupId,
    permission: describePermission('cancel'),
    subject: `(canceling the fleet operation of group "${groupId}")`,
  };
  const request = changeRequest(inputs, key, target, started, env, io, facts);
  const payload = { byteLength: Buffer.byteLength(json), slices: () => [json] };
  if (inputs.dryRun === 'online') {
    dryRunLine();
    await runOnlineChecks(request, { path, payload }, facts, io);
    return 'dry-run';
  }

  // Cancel.
  const { cancelFleetOperation } = await import('../../dfns/cancel-operation.ts');
  io.info(
    `Canceling the fleet operation of group ${groupId}: POST ${endpoint} as credential ${inputs.credentials.credentialId}, body ${safeText(json, 1100)}`,
  );
  const answer = await cancelFleetOperation({ ...request, body: json });
  facts.answer = {
    call: 'cancel',
    httpStatus: answer.httpStatus,
    dfnsStatus: answer.kind === 'canceled' ? safeText(answer.group.status) : 'pending-approval',
    dfnsMessage: null,
    errorMessage: answer.kind === 'pending-approval' ? answer.detail : null,
    errorId: null,
    requestId: answer.requestId,
    attempts: answer.attempts,
  };
  if (answer.kind === 'pending-approval') {
    io.warning(
      `Dfns holds the cancel for approval by a policy (HTTP 202): ${answer.detail}. The fleet operation is canceled once it is approved in Dfns.`,
      'Cancel pending approval',
    );
    return 'pending-approval';
  }
  const { group } = answer;
  facts.group = {
    groupId: safeText(group.groupId),
    status: group.status,
    operations: (group.operations ?? []).map((o) => ({
      operationId: o.operationId === undefined ? null : safeText(o.operationId),
      kind: o.kind === undefined ? null : safeText(o.kind),
      status: o.status === undefined ? null : safeText(o.status),
    })),
  };
  io.setOutput('group-status', group.status);
  reportGroup(io, facts.group);
  return 'canceled';
}

/** An id from its step input, else from the file; a step input that differs from the file wins, with a warning. */
function pick(
  names: { input: string; field: string; title: string },
  given: string | undefined,
  fromFile: string | undefined,
  log: Logger,
): string | undefined {
  if (given === undefined) return fromFile;
  if (fromFile !== undefined && fromFile !== given) {
    log.warning(
      `step input "${names.input}" (${given}) differs from the file's ${names.field} (${fromFile}); canceling with step input "${names.input}". ` +
        'Check that the file belongs to that fleet operation.',
      names.title,
    );
  }
  return given;
}

function reportGroup(io: Logger, group: NonNullable<CancelFacts['group']>): void {
  const operations = group.operations.map((o) => `${o.kind ?? 'unknown'} ${o.status ?? 'unknown'}`).join(', ');
  io.info(`Dfns answered the group ${group.groupId}: status ${group.status}${operations ? `; operations: ${operations}` : ''}.`);
  if (group.status !== 'Canceled') {
    io.warning(
      `Dfns took the cancel, but answered the group with status ${group.status}, not Canceled: check the fleet operation in Dfns`,
      'Group not canceled',
    );
  }
}
