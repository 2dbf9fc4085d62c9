/**
 * What a run learns, as it learns it: the receipt and the job summary are made of these facts.
 * They start empty (`null`: not known) and are filled by the pipeline; a run that fails early
 * leaves the rest `null`.
 */
import { ACTION_NAME, ACTION_VERSION } from '../base/version.ts';
import { DfnsApiError, DfnsDeadlineError, DfnsNetworkError, DfnsProtocolError } from '../dfns/errors.ts';
import type { RequestRecord } from '../dfns/http.ts';
import type { OnlineCheck } from '../dfns/online-check.ts';
import type { FailedOutput } from '../documents/documents.ts';
import { statusFor, type Outcome } from './outcome.ts';
import {
  RECEIPT_VERSION,
  runUrl,
  type CancelReceipt,
  type GitHubFacts,
  type CreateInputReceipt,
  type OutputReceipt,
  type Receipt,
} from './receipt.ts';

/** The fields of a receipt that the run fills as it goes. */
type Draft<R extends Receipt> = Omit<
  R,
  'receiptVersion' | 'action' | 'startedAt' | 'finishedAt' | 'outcome' | 'status' | 'message' | 'github'
> & {
  startedAt: Date;
  /** Challenge-sign-change sequences started (the client counts them). */
  progress: { attempts: number };
};

export type OutputFacts = Draft<OutputReceipt> & {
  /** The entries the fleet reported as failed: for the summary (the receipt counts them). */
  failed: FailedOutput[];
};
export type CreateInputFacts = Draft<CreateInputReceipt>;
export type CancelFacts = Draft<CancelReceipt>;
export type RunFacts = OutputFacts | CreateInputFacts | CancelFacts;

function common() {
  return {
    startedAt: new Date(),
    dryRun: null,
    request: null,
    answer: null,
    requests: [] as RequestRecord[],
    checks: [] as OnlineCheck[],
    warnings: [] as Receipt['warnings'],
    progress: { attempts: 0 },
  };
}

export function newFacts(): OutputFacts {
  return {
    ...common(),
    kind: 'output',
    pin: { expectedChecksum: null, matched: null },
    artifact: null,
    file: null,
    output: null,
    failed: [],
  };
}

export function newCreateInputFacts(): CreateInputFacts {
  return { ...common(), kind: 'input-archive', body: null, archive: null, artifact: null };
}

export function newCancelFacts(): CancelFacts {
  return { ...common(), kind: 'cancel', source: null, body: null, group: null };
}

/**
 * What the step inputs every action has tell the receipt: dry run or not, the Dfns API and the
 * credential; `known`: what else of the request the action knows from its own step inputs.
 */
export function noteDfnsStepInputs(
  facts: RunFacts,
  inputs: { dryRun: string | undefined; apiUrl: URL; credentials: { credentialId?: string | undefined } },
  known: Partial<NonNullable<Receipt['request']>> = {},
): void {
  facts.dryRun = inputs.dryRun !== undefined;
  facts.request = {
    apiUrl: inputs.apiUrl.origin,
    credentialId: inputs.credentials.credentialId ?? null,
    endpoint: null,
    operation: null,
    operationFrom: null,
    storeId: null,
    ...known,
  };
}

/** What Dfns (or the network) said, from the error that ended the run; null when no call was made. */
export function answerFromError(error: unknown, attempts: number): Receipt['answer'] {
  const common = { dfnsStatus: null, dfnsMessage: null, attempts: attempts || null };
  if (error instanceof DfnsApiError) {
    return {
      ...common,
      call: error.call,
      httpStatus: error.status,
      errorMessage: error.dfnsMessage ?? error.message,
      errorId: error.errorId ?? null,
      requestId: error.requestId ?? null,
    };
  }
  if (error instanceof DfnsProtocolError || error instanceof DfnsNetworkError || error instanceof DfnsDeadlineError) {
    return {
      ...common,
      call: error.call,
      httpStatus: error instanceof DfnsProtocolError ? error.status : null,
      errorMessage: error.message,
      errorId: null,
      requestId: error instanceof DfnsProtocolError ? (error.requestId ?? null) : null,
    };
  }
  return null;
}

/** The names each action's receipts carry. */
const ACTION_NAMES: Record<Receipt['kind'], string> = {
  output: ACTION_NAME,
  'input-archive': `${ACTION_NAME}/input`,
  cancel: `${ACTION_NAME}/cancel`,
};

export function buildReceipt(facts: OutputFacts, ending: Ending, github: GitHubFacts): OutputReceipt;
export function buildReceipt(facts: CreateInputFacts, ending: Ending, github: GitHubFacts): CreateInputReceipt;
export function buildReceipt(facts: CancelFacts, ending: Ending, github: GitHubFacts): CancelReceipt;
export function buildReceipt(facts: RunFacts, ending: Ending, github: GitHubFacts): Receipt;
export function buildReceipt(facts: RunFacts, ending: Ending, github: GitHubFacts): Receipt {
  const head = {
    receiptVersion: RECEIPT_VERSION as typeof RECEIPT_VERSION,
    action: { name: ACTION_NAMES[facts.kind], version: ACTION_VERSION },
    startedAt: facts.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    outcome: ending.outcome,
    status: statusFor(ending.outcome),
    message: ending.message,
    github: { ...github, runUrl: runUrl(github) },
  };
  const tail = {
    dryRun: facts.dryRun,
    checks: facts.checks,
    request: facts.request,
    answer: facts.answer,
    requests: facts.requests,
    warnings: facts.warnings,
  };
  if (facts.kind === 'input-archive') {
    return { ...head, kind: 'input-archive', body: facts.body, archive: facts.archive, artifact: facts.artifact, ...tail };
  }
  if (facts.kind === 'cancel') return { ...head, kind: 'cancel', source: facts.source, body: facts.body, group: facts.group, ...tail };
  return { ...head, kind: 'output', pin: facts.pin, artifact: facts.artifact, file: facts.file, output: facts.output, ...tail };
}

interface Ending {
  outcome: Outcome;
  message: string | null;
}
