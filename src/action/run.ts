/**
 * One run of the action: locate -> read -> parse -> validate -> checksum -> sign -> submit ->
 * report. Never reads inputs itself and never exits: it returns what happened and the entry
 * point turns that into the step's result. Every run that read the file leaves a receipt.
 */
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ChecksumMismatchError, startSha256 } from '../file/checksum.ts';
import { DataPart } from '../dfns/data-part.ts';
import { loadServiceAccountKey, type ServiceAccountKey } from '../dfns/credentials.ts';
import type { RunContext } from '../github/artifact.ts';
import type { SubmitAnswer } from '../dfns/client.ts';
import { DfnsApiError, DfnsDeadlineError, DfnsNetworkError, DfnsProtocolError } from '../dfns/errors.ts';
import type { Inputs } from './inputs.ts';
import { parseOutputFile, readFileOnce, type OutputFile } from '../file/output-file.ts';
import { locateFile, type LocatedFile } from '../file/locate.ts';
import type { Logger } from '../base/logger.ts';
import { classifyFailure, statusFor, type Outcome, type StepStatus } from '../report/outcome.ts';
import { preflight } from '../dfns/token.ts';
import { buildSummary, RECEIPT_VERSION, runUrl, type GitHubFacts, type Receipt } from '../report/summary.ts';
import { safeText } from '../base/safe-text.ts';
import { countOutputs, describeCounts, DOCUMENT_LABELS, failedOutputs, type FailedOutput } from '../schemas/documents.ts';
import { chooseOperation } from '../schemas/operation-choice.ts';
import { submissionPath } from '../schemas/operations.ts';
import { resolveStoreId } from '../schemas/store-id.ts';
import { isZip } from '../file/zip.ts';
import { ACTION_NAME, ACTION_VERSION, USER_AGENT } from '../base/version.ts';

export interface ActionIO extends Logger {
  setOutput(name: string, value: string): void;
  setSecret(value: string): void;
  error(message: string, title?: string): void;
  writeSummary(markdown: string): Promise<void>;
}

export interface RunEnv {
  /** GITHUB_WORKSPACE, the base of relative paths. */
  workspace: string;
  /** The current run, for artifacts. */
  run: RunContext;
  /** The GitHub context recorded in the receipt. */
  github: GitHubFacts;
  /** Replaces the retry waits in tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RunResult {
  outcome: Outcome;
  status: StepStatus;
  /** Set when the step must fail. */
  failure?: { message: string; title: string };
  receiptPath?: string;
}

/** What the run learnt, in the order it learnt it: the receipt and the summary are made of it. */
interface Facts {
  startedAt: Date;
  artifact: Receipt['artifact'];
  file: Receipt['file'] | null;
  output: Receipt['output'];
  failed: FailedOutput[];
  request: Receipt['request'];
  answer: Receipt['answer'];
}

export async function run(inputs: Inputs, env: RunEnv, io: ActionIO): Promise<RunResult> {
  const facts: Facts = { startedAt: new Date(), artifact: null, file: null, output: null, failed: [], request: null, answer: null };
  let outcome: Outcome;
  let failure: RunResult['failure'];
  try {
    outcome = await submit(inputs, env, io, facts);
    if (outcome === 'partial' && inputs.failOnPartial) {
      failure = {
        message: 'Dfns answered "partial" and "fail-on-partial" is true: the output was submitted, but not every entry was accepted',
        title: 'Partial submission',
      };
    }
  } catch (error) {
    const classified = classifyFailure(error);
    outcome = classified.outcome;
    failure = { message: classified.message, title: classified.title };
    facts.answer ??= answerFromError(error);
  }
  const status = statusFor(outcome);
  io.setOutput('status', status);
  const receiptPath = await report(inputs, env, io, facts, outcome, failure?.message ?? null);
  return { outcome, status, ...(failure ? { failure } : {}), ...(receiptPath ? { receiptPath } : {}) };
}

async function submit(inputs: Inputs, env: RunEnv, io: ActionIO, facts: Facts): Promise<Outcome> {
  const started = Date.now();
  const output = (name: string, value: string | number): void => io.setOutput(name, String(value));
  const source = await obtainFile(inputs, env, io, facts);
  const { located } = source;
  output('file', source.fileOutput);
  const bytes = source.parsed?.bytes ?? readFileOnce(located.path, located.displayPath);
  // A large file is hashed in a worker thread while this thread parses and validates it.
  const hashing = startSha256(bytes);
  let file: OutputFile | undefined;
  let invalid: unknown;
  try {
    file = source.parsed ?? parseOutputFile(bytes, located.displayPath);
  } catch (error) {
    invalid = error;
  }
  const digest = await hashing;
  const checksum = digest.hex;
  io.debug(`SHA-256 computed ${digest.hashedIn === 'worker' ? 'in a worker thread' : digest.hashedIn}`);
  output('checksum', checksum);
  facts.file = {
    name: located.displayPath,
    path: source.fileOutput,
    size: bytes.byteLength,
    sha256: checksum,
    // A file that could not be read still has the shape the reader took it for.
    shape: file?.shape ?? (isZip(bytes) ? 'archive' : 'json'),
    entry: file?.entryName ?? null,
  };
  if (file === undefined) throw invalid;
  delete source.parsed; // `file` is the only reference left (see below)
  const counts = countOutputs(file.output);
  facts.output = {
    type: file.output.type,
    org_id: file.output.org_id,
    fleet_id: file.output.fleet_id,
    keystore_id: file.output.keystore_id,
    group_id: file.output.group_id,
    status: file.output.status,
    counts,
  };
  facts.failed = failedOutputs(file.output);
  describeFile(io, located.displayPath, file, checksum);
  output('output-status', file.output.status);
  output('outputs-count', counts.total);

  if (inputs.expectedChecksum !== undefined && inputs.expectedChecksum !== checksum) {
    throw new ChecksumMismatchError(located.displayPath, inputs.expectedChecksum, checksum);
  }
  if (inputs.expectedChecksum !== undefined) io.info('The checksum equals "expected-checksum".');

  const { operation, from } = chooseOperation(inputs.operation, file.output, io);
  output('operation', operation);
  io.info(`Operation: ${operation} (${from === 'file' ? "taken from the file's entries" : 'given by the "operation" input'})`);
  const storeId = resolveStoreId(inputs.storeId, file.output, io);
  output('store-id', storeId);
  const endpoint = new URL(submissionPath(storeId, operation), inputs.apiUrl).href;
  facts.request = {
    apiUrl: inputs.apiUrl.origin,
    endpoint,
    operation,
    operationFrom: from,
    storeId,
    credentialId: inputs.credentialId ?? null,
  };

  preflight(inputs.token, file.output, io);
  const key = inputs.privateKey === undefined ? undefined : loadServiceAccountKey(inputs.privateKey);
  if (key) io.info(`Service account key: ${key.description}, credential ${inputs.credentialId ?? '(not given)'}`);

  if (inputs.dryRun) {
    io.info(
      `Dry run: nothing was sent. A submission would POST to ${endpoint}: ` +
        `store ${storeId}, operation ${operation}, file ${located.displayPath} (${bytes.byteLength} bytes, SHA-256 ${checksum}), ` +
        `data part ${new DataPart(file.jsonText, checksum).byteLength} bytes, ${describeCounts(counts, facts.output.type)}.`,
    );
    return 'dry-run';
  }
  const dataPart = new DataPart(file.jsonText, checksum);
  // eslint-disable-next-line no-useless-assignment -- the parsed output is not needed any more: let it go
  file = undefined;

  const { submitOutput } = await import('../dfns/client.ts');
  io.info(`Submitting to ${endpoint} as credential ${inputs.credentialId ?? ''}`);
  const answer = await submitOutput({
    apiUrl: inputs.apiUrl,
    token: requireValue(inputs.token),
    credentialId: requireValue(inputs.credentialId),
    key: requireValue<ServiceAccountKey>(key),
    storeId,
    operation,
    dataPart,
    file: { bytes, name: basename(located.displayPath) },
    timeoutSeconds: inputs.timeoutSeconds,
    deadline: started + inputs.timeoutSeconds * 1000,
    userAgent: USER_AGENT,
    setSecret: (v) => io.setSecret(v),
    log: io,
    ...(env.sleep ? { sleep: env.sleep } : {}),
  });
  facts.answer = {
    call: 'submit',
    httpStatus: answer.httpStatus,
    dfnsStatus: answer.kind === 'answered' ? answer.status : 'pending-approval',
    dfnsMessage: answer.kind === 'answered' ? answer.message : null,
    errorMessage: answer.kind === 'pending-approval' ? answer.detail : null,
    errorId: null,
    attempts: answer.attempts,
  };
  if (answer.kind === 'answered' && answer.message !== null) output('dfns-message', answer.message);
  return reportAnswer(io, answer);
}

/** What Dfns (or the network) said, from the error that ended the run. */
function answerFromError(error: unknown): Receipt['answer'] {
  if (error instanceof DfnsApiError) {
    return {
      call: error.call,
      httpStatus: error.status,
      dfnsStatus: null,
      dfnsMessage: null,
      errorMessage: error.dfnsMessage ?? error.message,
      errorId: error.errorId ?? null,
      attempts: null,
    };
  }
  if (error instanceof DfnsProtocolError || error instanceof DfnsNetworkError || error instanceof DfnsDeadlineError) {
    return {
      call: error.call,
      httpStatus: error instanceof DfnsProtocolError ? error.status : null,
      dfnsStatus: null,
      dfnsMessage: null,
      errorMessage: error.message,
      errorId: null,
      attempts: null,
    };
  }
  return null;
}

/** Writes the job summary always, and the receipt when the file was read. */
async function report(
  inputs: Inputs,
  env: RunEnv,
  io: ActionIO,
  facts: Facts,
  outcome: Outcome,
  message: string | null,
): Promise<string | undefined> {
  const receipt: Receipt | undefined = facts.file
    ? {
        receiptVersion: RECEIPT_VERSION,
        action: { name: ACTION_NAME, version: ACTION_VERSION },
        startedAt: facts.startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        outcome,
        status: statusFor(outcome),
        message,
        github: { ...env.github, runUrl: runUrl(env.github) },
        artifact: facts.artifact,
        file: facts.file,
        output: facts.output,
        request: facts.request,
        answer: facts.answer,
      }
    : undefined;
  let receiptPath: string | undefined;
  if (receipt) {
    receiptPath = inputs.receiptPath
      ? resolve(env.workspace, inputs.receiptPath)
      : join(env.run.runnerTemp, `dfns-keystore-output-receipt-${env.github.runId}-${env.github.runAttempt}-${Date.now()}.json`);
    try {
      writeFileSync(receiptPath, `${JSON.stringify(receipt, null, 2)}\n`);
      io.setOutput('receipt-path', receiptPath);
      io.info(`Receipt written to ${receiptPath}`);
    } catch (error) {
      io.warning(`could not write the receipt to ${receiptPath}: ${(error as Error).message}`, 'Receipt not written');
      receiptPath = undefined;
    }
    if (receiptPath && inputs.receiptArtifactName) {
      const { uploadReceipt } = await import('../github/receipt-upload.ts');
      await uploadReceipt(inputs.receiptArtifactName, receiptPath, io);
    }
  }
  const summary = buildSummary(
    { outcome, message, file: facts.file, output: facts.output, request: facts.request, answer: facts.answer, artifact: facts.artifact, runUrl: runUrl(env.github) },
    facts.failed,
  );
  try {
    await io.writeSummary(summary);
  } catch (error) {
    io.warning(`could not write the job summary: ${(error as Error).message}`, 'Job summary not written');
  }
  return receiptPath;
}

interface ObtainedFile {
  located: LocatedFile;
  /** The `file` output: relative to the workspace, or absolute for a file of an artifact. */
  fileOutput: string;
  /** Already read and parsed while searching an artifact. */
  parsed?: OutputFile;
}

/** The file named by `path` in the workspace, or taken from the artifact `artifact-name`. */
async function obtainFile(inputs: Inputs, env: RunEnv, io: ActionIO, facts: Facts): Promise<ObtainedFile> {
  if (!inputs.artifact) {
    const located = locateFile(inputs.path, env.workspace);
    return { located, fileOutput: located.displayPath };
  }
  const { fetchArtifact } = await import('../github/artifact.ts');
  const artifact = await fetchArtifact(inputs.artifact, env.run, io);
  io.setOutput('artifact-id', String(artifact.id));
  io.setOutput('artifact-digest', artifact.digest ?? '');
  io.setOutput('run-id', String(artifact.runId));
  facts.artifact = {
    name: artifact.name,
    id: artifact.id,
    digest: artifact.digest ?? null,
    repository: artifact.repository,
    runId: artifact.runId,
  };
  const label = `the artifact "${safeText(artifact.name)}"`;
  if (inputs.path) {
    const located = locateFile(inputs.path, artifact.downloadPath, label);
    return { located, fileOutput: located.path };
  }
  const { findOutputIn } = await import('../github/artifact-files.ts');
  const found = findOutputIn(artifact.downloadPath, label);
  return { located: found.located, fileOutput: found.located.path, parsed: found.file };
}

function reportAnswer(io: ActionIO, answer: SubmitAnswer): Outcome {
  if (answer.kind === 'pending-approval') {
    io.warning(
      `Dfns holds the submission for approval by a policy (HTTP 202): ${answer.detail}. ` +
        'It takes effect once approved in Dfns.',
      'Submission pending approval',
    );
    return 'pending-approval';
  }
  io.info(
    `Dfns accepted the submission: status "${answer.status}" (HTTP ${answer.httpStatus})` +
      `${answer.message === null ? '' : `, message "${safeText(answer.message, 300)}"`}.`,
  );
  return answer.status === 'partial' ? 'partial' : 'submitted';
}

function describeFile(io: ActionIO, displayPath: string, file: OutputFile, checksum: string): void {
  const o = file.output;
  const label = DOCUMENT_LABELS[o.type];
  io.info(
    `${label.charAt(0).toUpperCase()}${label.slice(1)}: ${displayPath}${file.entryName ? ` (archive entry "${safeText(file.entryName)}")` : ''}, ` +
      `${file.bytes.byteLength} bytes, SHA-256 ${checksum}`,
  );
  io.info(
    `  org ${safeText(o.org_id)}, fleet ${safeText(o.fleet_id)}, key store ${safeText(o.keystore_id)}, ` +
      `group ${safeText(o.group_id)}, status ${o.status}, ${describeCounts(countOutputs(o), o.type)}`,
  );
}

function requireValue<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('internal: a credential input is missing although inputs were checked');
  return value;
}
