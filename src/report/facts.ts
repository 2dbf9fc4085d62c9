/**
 * What a run learns, as it learns it: the receipt and the job summary are made of these facts.
 * They start empty (`null`: not known) and are filled by the pipeline; a run that fails early
 * leaves the rest `null`.
 */
import type { Logger } from '../base/logger.ts';
import { ACTION_NAME, ACTION_VERSION } from '../base/version.ts';
import { DfnsApiError, DfnsDeadlineError, DfnsNetworkError, DfnsProtocolError } from '../dfns/errors.ts';
import type { RequestRecord } from '../dfns/http.ts';
import type { FailedOutput } from '../schemas/documents.ts';
import { statusFor, type Outcome } from './outcome.ts';
import { RECEIPT_VERSION, runUrl, type GitHubFacts, type Receipt } from './receipt.ts';

export interface RunFacts {
  startedAt: Date;
  dryRun: Receipt['dryRun'];
  pin: Receipt['pin'];
  artifact: Receipt['artifact'];
  file: Receipt['file'];
  output: Receipt['output'];
  /** The entries the fleet reported as failed: for the summary (the receipt counts them). */
  failed: FailedOutput[];
  request: Receipt['request'];
  answer: Receipt['answer'];
  requests: RequestRecord[];
  warnings: Receipt['warnings'];
  /** Challenge-sign-submit sequences started (the client counts them). */
  progress: { attempts: number };
}

export function newFacts(): RunFacts {
  return {
    startedAt: new Date(),
    dryRun: null,
    pin: { expectedChecksum: null, matched: null },
    artifact: null,
    file: null,
    output: null,
    failed: [],
    request: null,
    answer: null,
    requests: [],
    warnings: [],
    progress: { attempts: 0 },
  };
}

/** `log` with every warning also recorded, title and message, for the receipt and the summary. */
export function recordingWarnings<L extends Logger>(log: L, facts: RunFacts): L {
  const warning = (message: string, title?: string): void => {
    facts.warnings.push({ title: title ?? 'Warning', message });
    log.warning(message, title);
  };
  return new Proxy(log, {
    get(target, property) {
      if (property === 'warning') return warning;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
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
    };
  }
  if (error instanceof DfnsProtocolError || error instanceof DfnsNetworkError || error instanceof DfnsDeadlineError) {
    return {
      ...common,
      call: error.call,
      httpStatus: error instanceof DfnsProtocolError ? error.status : null,
      errorMessage: error.message,
      errorId: null,
    };
  }
  return null;
}

export function buildReceipt(facts: RunFacts, ending: { outcome: Outcome; message: string | null }, github: GitHubFacts): Receipt {
  return {
    receiptVersion: RECEIPT_VERSION,
    action: { name: ACTION_NAME, version: ACTION_VERSION },
    startedAt: facts.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    outcome: ending.outcome,
    status: statusFor(ending.outcome),
    message: ending.message,
    github: { ...github, runUrl: runUrl(github) },
    dryRun: facts.dryRun,
    pin: facts.pin,
    artifact: facts.artifact,
    file: facts.file,
    output: facts.output,
    request: facts.request,
    answer: facts.answer,
    requests: facts.requests,
    warnings: facts.warnings,
  };
}
