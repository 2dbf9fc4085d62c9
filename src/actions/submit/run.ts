/**
 * One run of the action, top to bottom: step inputs -> locate -> read -> parse and validate ->
 * checksum -> operation and key store -> checks before the network -> sign and submit -> report.
 * Never reads the environment itself and never exits: it returns what happened, and the entry
 * point turns that into the step's result. Every run, however it ends, sets `status` and leaves
 * a job summary and a receipt.
 */
import { basename, resolve } from 'node:path';
import type { Logger } from '../../base/logger.ts';
import { safeText } from '../../base/safe-text.ts';
import type { SubmitAnswer } from '../../dfns/submit-output.ts';
import { DataPart } from '../../dfns/data-part.ts';
import type { ChangeTarget } from '../../dfns/errors.ts';
import { ChecksumMismatchError } from '../../file/checksum.ts';
import { parseOutputFile, readFileOnce, type OutputFile } from '../../file/output-file.ts';
import { isZip } from '../../file/zip.ts';
import { isGlob } from '../../file/locate.ts';
import { PATH_MAX_CHARS } from '../../file/write-target.ts';
import { newFacts, noteDfnsStepInputs, type OutputFacts } from '../../report/facts.ts';
import type { FailureWords, Outcome } from '../../report/outcome.ts';
import { NOTHING_DONE } from '../../base/changes.ts';
import {
  countOutputs,
  describeCounts,
  DOCUMENT_LABELS,
  failedOutputs,
  type FailedOutput,
  type OutputCounts,
} from '../../documents/documents.ts';
import { chooseOperation } from './operation-choice.ts';
import { warnOnFleetFailure } from './fleet-failure.ts';
import { describePermission, submissionPath } from '../../documents/operations.ts';
import { listFirst } from '../../base/lists.ts';
import { resolveStoreId } from './store-id.ts';
import { parseSubmitStepInputs, type SubmitStepInputs, type RawStepInputs } from './step-inputs.ts';
import type { ActionIO, RunEnv, RunResult } from '../../runner/io.ts';
import { changeRequest, checkCredentials, runOnlineChecks } from '../../runner/service-account.ts';
import { runWithTrail } from '../../runner/run-frame.ts';
import type { Action } from '../../runner/step.ts';
import { obtainFile } from './source.ts';

export type { ActionIO, RunEnv, RunResult } from '../../runner/io.ts';

/** Characters of Dfns's message kept (the `dfns-message` output, the receipt, the summary). */
const MAX_DFNS_MESSAGE_CHARS = 1000;

/** What the output action's failures say of its change. */
const SUBMIT_WORDS: FailureWords = {
  nothingDone: NOTHING_DONE.submit,
  unknownAdvice:
    'The submission may have reached Dfns. Check the key store in Dfns before re-running this workflow: ' +
    're-running could submit the output a second time.',
  defaultTitle: 'Dfns key store output not submitted',
  unknownTitle: 'Submission outcome unknown',
};

/** The action (src/index.ts starts it). */
export const SUBMIT_ACTION: Action = { run: runSubmit, words: SUBMIT_WORDS };

export function runSubmit(raw: RawStepInputs, env: RunEnv, baseIO: ActionIO): Promise<RunResult> {
  const facts = newFacts();
  return runWithTrail(raw, env, baseIO, {
    facts,
    secretStepInputs: ['dfns-token', 'dfns-private-key', 'github-token'],
    receiptPrefix: 'dfns-keystore-output-receipt',
    words: SUBMIT_WORDS,
    inputs(raw) {
      const inputs = parseSubmitStepInputs(raw);
      noteStepInputs(facts, inputs);
      return inputs;
    },
    // A file named in the workspace; a glob's match, or an artifact's file, is found later (and a
    // receipt-path that names an existing file other than a receipt is refused anyway).
    files: (inputs) =>
      inputs.artifact || isGlob(inputs.path)
        ? []
        : [{ path: resolve(env.workspace, inputs.path), what: 'the output file being submitted' }],
    async work(inputs, io) {
      const outcome = await submit(inputs, env, io, facts);
      if (outcome !== 'partial' || !inputs.failOnPartial) return { outcome };
      return {
        outcome,
        failure: {
          outcome: 'failed',
          message: 'Dfns answered "partial" and "fail-on-partial" is true: the output was submitted, but not every entry was accepted',
          title: 'Partial submission',
        },
      };
    },
    failed: () => facts.failed,
  });
}

/** What the step inputs tell the receipt: dry run or not, the pin, the API and the credential. */
function noteStepInputs(facts: OutputFacts, inputs: SubmitStepInputs): void {
  noteDfnsStepInputs(facts, inputs);
  facts.pin = { expectedChecksum: inputs.expectedChecksum ?? null, matched: null };
}

async function submit(inputs: SubmitStepInputs, env: RunEnv, io: ActionIO, facts: OutputFacts): Promise<Outcome> {
  const started = Date.now();
  const output = (name: string, value: string | number): void => io.setOutput(name, String(value));

  // The file: located (or taken from an artifact), read once; those bytes are hashed, parsed and sent.
  const source = await obtainFile(inputs, env, io, (artifact) => (facts.artifact = artifact));
  const { located } = source;
  // Names that cannot be shown as they are were refused (file/locate.ts): the path is given back as it is.
  output('file', source.fileOutput);
  // Hashed as it was read.
  const { bytes, sha256: checksum } = source.found?.read ?? readFileOnce(located.path, located.displayPath);
  let file: OutputFile | undefined;
  let invalid: unknown;
  try {
    file = source.found?.file ?? parseOutputFile(bytes, located.displayPath);
  } catch (error) {
    invalid = error;
  }
  output('checksum', checksum);
  facts.file = {
    name: safeText(located.displayPath, PATH_MAX_CHARS),
    path: safeText(source.fileOutput, PATH_MAX_CHARS),
    size: bytes.byteLength,
    sha256: checksum,
    // A file that could not be read still has the shape the reader took it for.
    shape: file?.shape ?? (isZip(bytes) ? 'archive' : 'json'),
    entry: file?.entryName ?? null,
  };
  if (inputs.expectedChecksum !== undefined) facts.pin.matched = inputs.expectedChecksum === checksum;
  if (file === undefined) throw invalid;

  // What the file is: its document, entries and ids.
  const counts = countOutputs(file.output);
  facts.output = {
    type: file.output.type,
    org_id: safeText(file.output.org_id),
    fleet_id: safeText(file.output.fleet_id),
    keystore_id: safeText(file.output.keystore_id),
    group_id: safeText(file.output.group_id),
    status: file.output.status,
    counts,
  };
  facts.failed = failedOutputs(file.output);
  describeFile(io, located.displayPath, file, checksum, counts);
  output('output-status', file.output.status);
  output('outputs-count', counts.total);

  // The pin, then where the output goes: all before any network call.
  if (inputs.expectedChecksum !== undefined && inputs.expectedChecksum !== checksum) {
    throw new ChecksumMismatchError(located.displayPath, inputs.expectedChecksum, checksum);
  }
  if (inputs.expectedChecksum !== undefined) io.info('The checksum equals "expected-checksum".');
  const { operation, from } = chooseOperation(inputs.operation, file.output.type, counts.byKind, io);
  output('operation', operation);
  io.info(`Operation: ${operation} (${from === 'file' ? "taken from the file's entries" : 'given by step input "operation"'})`);
  const storeId = resolveStoreId(inputs.storeId, file.output, io);
  output('store-id', storeId);
  const endpoint = new URL(submissionPath(storeId, operation), inputs.apiUrl).href;
  facts.request = { ...facts.request!, endpoint, operation, operationFrom: from, storeId };

  // The checks that need no network: the fleet's own verdict, the token, the key.
  warnOnFleetFailure(file.output, counts, io);
  const dataPart = new DataPart(file.jsonText, checksum);
  const dryRunLine = (): void =>
    io.info(
      `Dry run: nothing was submitted. A submission would POST to ${endpoint}: ` +
        `store ${storeId}, operation ${operation}, file ${safeText(located.displayPath, PATH_MAX_CHARS)} (${bytes.byteLength} bytes, SHA-256 ${checksum}), ` +
        `data part ${dataPart.byteLength} bytes, ${describeCounts(counts, file.output.type)}.`,
    );
  if (inputs.dryRun === 'offline') {
    checkCredentials(inputs, io, file.output.org_id);
    dryRunLine();
    return 'dry-run';
  }
  const key = checkCredentials(inputs, io, file.output.org_id);
  const target: ChangeTarget = { storeId, permission: describePermission(operation), subject: `(operation "${operation}")` };
  if (inputs.dryRun === 'online') {
    dryRunLine();
    const request = { path: submissionPath(storeId, operation), payload: dataPart, fileBytes: bytes.byteLength };
    await runOnlineChecks(changeRequest(inputs, key, target, started, env, io, facts), request, facts, io);
    return 'dry-run';
  }

  // Sign and submit.
  const { credentials } = inputs;
  const { submitOutput } = await import('../../dfns/submit-output.ts');
  io.info(`Submitting to ${endpoint} as credential ${credentials.credentialId}`);
  const answer = await submitOutput({
    ...changeRequest(inputs, key, target, started, env, io, facts),
    operation,
    dataPart,
    file: { bytes, name: basename(located.displayPath) },
  });
  const dfnsMessage = answer.kind === 'answered' && answer.message !== null ? safeText(answer.message, MAX_DFNS_MESSAGE_CHARS) : null;
  facts.answer = {
    call: 'submit',
    httpStatus: answer.httpStatus,
    dfnsStatus: answer.kind === 'answered' ? answer.status : 'pending-approval',
    dfnsMessage,
    errorMessage: answer.kind === 'pending-approval' ? answer.detail : null,
    errorId: null,
    requestId: answer.requestId,
    attempts: answer.attempts,
  };
  if (dfnsMessage !== null) output('dfns-message', dfnsMessage);
  return reportAnswer(io, answer, dfnsMessage, facts.failed);
}

/** Entries of a partial answer's warning named before "and N more" (the summary lists more). */
const MAX_WARNED_FAILED_ENTRIES = 5;

function reportAnswer(io: Logger, answer: SubmitAnswer, dfnsMessage: string | null, failed: readonly FailedOutput[]): Outcome {
  if (answer.kind === 'pending-approval') {
    io.warning(
      `Dfns holds the submission for approval by a policy (HTTP 202): ${answer.detail}. ` + 'It takes effect once approved in Dfns.',
      'Submission pending approval',
    );
    return 'pending-approval';
  }
  io.info(
    `Dfns accepted the submission: status "${answer.status}" (HTTP ${answer.httpStatus})${dfnsMessage === null ? '' : `, message "${dfnsMessage}"`}.`,
  );
  if (answer.status !== 'partial') return 'submitted';
  io.warning(
    'Dfns answered "partial": not every entry of the output was accepted. ' +
      (failed.length === 0
        ? 'The fleet reported no entry as failed; Dfns did not say which it refused: check the key store in Dfns'
        : `The fleet reported ${failed.length} entr${failed.length === 1 ? 'y' : 'ies'} as failed: ` +
          `${listFirst(failed, MAX_WARNED_FAILED_ENTRIES, (f) => `"${f.key}" (${f.code}: ${safeText(f.message, 80)})`)}`),
    'Partial submission',
  );
  return 'partial';
}

function describeFile(io: Logger, displayPath: string, file: OutputFile, checksum: string, counts: OutputCounts): void {
  const o = file.output;
  const label = DOCUMENT_LABELS[o.type];
  io.info(
    `${label.charAt(0).toUpperCase()}${label.slice(1)}: ${safeText(displayPath, PATH_MAX_CHARS)}${file.entryName ? ` (archive entry "${safeText(file.entryName)}")` : ''}, ` +
      `${file.bytes.byteLength} bytes, SHA-256 ${checksum}`,
  );
  io.info(
    `  org ${safeText(o.org_id)}, fleet ${safeText(o.fleet_id)}, key store ${safeText(o.keystore_id)}, ` +
      `group ${safeText(o.group_id)}, status ${o.status}, ${describeCounts(counts, o.type)}`,
  );
}
