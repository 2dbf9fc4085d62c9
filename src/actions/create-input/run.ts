/**
 * One run of the input action, top to bottom: step inputs -> the request body, checked -> where the
 * archive goes, checked -> the checks before the network -> sign and create the input archive -> the
 * archive, read whole and written -> upload -> report. As the main action: never reads the
 * environment itself, never exits, and leaves a status, a summary and a receipt on every run.
 */
import type { Logger } from '../../base/logger.ts';
import { size } from '../../base/units.ts';
import { listNames } from '../../base/lists.ts';
import type { ActionIO, RunEnv, RunResult } from '../../runner/io.ts';
import { changeRequest, checkCredentials, runOnlineChecks } from '../../runner/service-account.ts';
import { sha256Hex } from '../../file/checksum.ts';
import { messageOf } from '../../base/errors.ts';
import { newCreateInputFacts, noteDfnsStepInputs, type CreateInputFacts } from '../../report/facts.ts';
import type { FailureWords, Outcome } from '../../report/outcome.ts';
import { runWithTrail } from '../../runner/run-frame.ts';
import type { Action } from '../../runner/step.ts';
import { safeJsonValue, safeText } from '../../base/safe-text.ts';
import { shown } from '../../file/write-target.ts';
import { CANCEL_ADVICE } from '../../base/version.ts';
import { NOTHING_DONE } from '../../base/changes.ts';
import { describePermission, createInputPath } from '../../documents/operations.ts';
import { archivePath, checkArchivePath, writeArchive } from './archive.ts';
import { parseCreateInputStepInputs, type CreateInputStepInputs } from './step-inputs.ts';
import { parseRequestBody } from './request-body.ts';
import type { RawStepInputs } from '../../runner/step-input-values.ts';

/** Archive entries the log names before "and N more" (the `entries` output and the receipt hold all). */
const MAX_LOGGED_ENTRIES = 20;
/** Characters of the request body shown in the log (the receipt keeps it whole). */
const MAX_LOGGED_BODY_CHARS = 2000;

/** What the input action's failures say of its change. */
const CREATE_INPUT_WORDS: FailureWords = {
  nothingDone: NOTHING_DONE.create,
  unknownAdvice:
    'Dfns may have created the input archive (and opened a fleet operation). Check the key store in Dfns before re-running this ' +
    `workflow: re-running could create a second input archive. ${CANCEL_ADVICE}`,
  defaultTitle: 'Input archive not created',
  unknownTitle: 'Input archive outcome unknown',
};

/** The action (src/index.ts starts it). */
export const CREATE_INPUT_ACTION: Action = { run: runCreateInput, words: CREATE_INPUT_WORDS };

export function runCreateInput(raw: RawStepInputs, env: RunEnv, baseIO: ActionIO): Promise<RunResult> {
  const facts = newCreateInputFacts();
  return runWithTrail(raw, env, baseIO, {
    facts,
    secretStepInputs: ['dfns-token', 'dfns-private-key'],
    receiptPrefix: 'dfns-keystore-input-archive-receipt',
    words: CREATE_INPUT_WORDS,
    inputs(raw) {
      const inputs = parseCreateInputStepInputs(raw);
      noteDfnsStepInputs(facts, inputs, {
        endpoint: new URL(createInputPath(inputs.storeId, inputs.operation), inputs.apiUrl).href,
        operation: inputs.operation,
        operationFrom: 'step-input',
        storeId: inputs.storeId,
      });
      return inputs;
    },
    files: (inputs) => [{ path: archivePathOf(inputs, env), what: 'the path the input archive is written to ("path")' }],
    work: async (inputs, io) => ({ outcome: await createArchive(inputs, env, io, facts) }),
  });
}

/** Where the archive goes: `path`, or a file under RUNNER_TEMP named after the operation and the store. */
function archivePathOf(inputs: CreateInputStepInputs, env: RunEnv): string {
  return archivePath(inputs.path, inputs.operation, inputs.storeId, { workspace: env.workspace, runnerTemp: env.run.runnerTemp });
}

async function createArchive(inputs: CreateInputStepInputs, env: RunEnv, io: ActionIO, facts: CreateInputFacts): Promise<Outcome> {
  const started = Date.now();
  const { operation, storeId } = inputs;
  const endpoint = facts.request!.endpoint!;

  // Everything that can be known before asking Dfns: the body, where the archive goes, the credentials.
  const body = parseRequestBody(operation, inputs.request);
  facts.body = safeJsonValue(body.value);
  const path = archivePathOf(inputs, env);
  checkArchivePath(path);
  const dryRunLine = (): void =>
    io.info(
      `Dry run: no input archive was created. Creating it would POST ${safeText(body.json, MAX_LOGGED_BODY_CHARS)} to ${endpoint}, ` +
        `and write the archive to ${shown(path)}.`,
    );
  if (inputs.dryRun === 'offline') {
    checkCredentials(inputs, io);
    dryRunLine();
    return 'dry-run';
  }
  const key = checkCredentials(inputs, io);
  const request = changeRequest(
    inputs,
    key,
    { storeId, permission: describePermission(operation), subject: `(operation "${operation}")` },
    started,
    env,
    io,
    facts,
  );
  const payload = { byteLength: Buffer.byteLength(body.json), slices: () => [body.json] };
  if (inputs.dryRun === 'online') {
    dryRunLine();
    await runOnlineChecks(request, { path: createInputPath(storeId, operation), payload }, facts, io);
    return 'dry-run';
  }

  // Ask Dfns; its answer is the archive.
  const { createInputArchive } = await import('../../dfns/create-input-archive.ts');
  io.info(
    `Creating the input archive: POST ${endpoint} as credential ${inputs.credentials.credentialId}, body ${safeText(body.json, MAX_LOGGED_BODY_CHARS)}`,
  );
  const answer = await createInputArchive({ ...request, operation, body: body.json });
  facts.answer = {
    call: 'create',
    httpStatus: answer.httpStatus,
    dfnsStatus: answer.kind,
    dfnsMessage: null,
    errorMessage: answer.kind === 'pending-approval' ? answer.detail : null,
    errorId: null,
    requestId: answer.requestId,
    attempts: answer.attempts,
  };
  if (answer.kind === 'pending-approval') return reportPending(io, answer.detail);

  // The archive: written whole, described, kept.
  writeArchive(path, answer.archive);
  const checksum = sha256Hex(answer.archive);
  const entries = answer.entries.map((name) => safeText(name));
  facts.archive = { path, size: answer.archive.byteLength, sha256: checksum, entries, groupId: answer.groupId ?? null };
  io.setOutput('path', path);
  io.setOutput('checksum', checksum);
  io.setOutput('size', String(answer.archive.byteLength));
  io.setOutput('entries', JSON.stringify(entries));
  if (answer.groupId !== undefined) io.setOutput('group-id', answer.groupId);
  io.info(
    `Dfns created the input archive (HTTP ${answer.httpStatus}): ${shown(path)}, ${size(answer.archive.byteLength)}, SHA-256 ${checksum}, ` +
      `entries ${listNames(answer.entries, MAX_LOGGED_ENTRIES)}` +
      (answer.groupId === undefined ? '' : `; its fleet operation's group is ${answer.groupId}`),
  );
  if (inputs.artifactName) await uploadArchive(inputs.artifactName, path, io, facts);
  return 'created';
}

function reportPending(io: Logger, detail: string): Outcome {
  io.warning(
    `Dfns holds the input archive's creation for approval by a policy (HTTP 202): ${detail}. No archive was answered: ` +
      'create it again once the request is approved in Dfns',
    'Input archive pending approval',
  );
  return 'pending-approval';
}

/** Keeps the archive as an artifact of the run; a failure is a warning: the input archive exists, and the file is at `path`. */
async function uploadArchive(name: string, path: string, io: ActionIO, facts: CreateInputFacts): Promise<void> {
  try {
    const { uploadFile } = await import('../../github/upload.ts');
    const { id } = await uploadFile(name, path, undefined);
    facts.artifact = { name: safeText(name), id: id ?? null };
    if (id !== undefined) io.setOutput('artifact-id', String(id));
    io.info(`Input archive uploaded as artifact "${safeText(name)}" (id ${id ?? 'unknown'})`);
  } catch (error) {
    io.warning(
      `could not upload the input archive as artifact "${safeText(name)}": ${safeText(messageOf(error), 300)}. The input archive WAS created: do not re-run ` +
        `this workflow for it; the archive is at ${shown(path)} (the "path" output) for a later step to keep. ${CANCEL_ADVICE}`,
      'Input archive not uploaded',
    );
  }
}
