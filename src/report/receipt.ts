/**
 * The receipt: a versioned JSON record of one run, for an auditor who reads it without the logs
 * (documented field by field in docs/receipt.md). It holds what the run learnt, `null` for what
 * it did not, and never a secret. Where it goes is decided from the raw step inputs, before anything
 * else, so that a run whose step inputs are wrong still leaves one.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ActionError, messageOf } from '../base/errors.ts';
import { hasUnshowableChars } from '../base/safe-text.ts';
import { redactSecrets } from '../base/secrets.ts';
import { ACTION_NAME } from '../base/version.ts';
import { isSameFile, prepareTarget, shown, writeTarget, type TargetRules } from '../file/write-target.ts';
import * as z from '../documents/zod.ts';
import type { DfnsCall } from '../dfns/errors.ts';
import type { RequestRecord } from '../dfns/http.ts';
import type { OnlineCheck } from '../dfns/online-check.ts';
import type { DocumentType, OfflineSignerOutput, OutputCounts } from '../documents/documents.ts';
import type { Outcome, StepStatus } from './outcome.ts';

export const RECEIPT_VERSION = 3;
/** `receipt-retention-days`, as actions/upload-artifact's `retention-days`: 1 to 90. */
export const MAX_RETENTION_DAYS = 90;

export interface GitHubFacts {
  serverUrl: string;
  repository: string;
  workflow: string;
  job: string;
  runId: number;
  runAttempt: number;
  event: string;
  actor: string;
  sha: string;
  ref: string;
}

/** What every receipt holds, of either action. */
interface ReceiptCommon {
  receiptVersion: typeof RECEIPT_VERSION;
  /**
   * `output`: a submission of the main action; `input`: an input archive created by the input
   * action; `cancel`: a fleet operation canceled by the cancel action.
   */
  kind: 'output' | 'input-archive' | 'cancel';
  action: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  outcome: Outcome;
  status: StepStatus;
  /** Why the step failed, when it did. */
  message: string | null;
  github: GitHubFacts & { runUrl: string };
  /** Whether this was a dry run; null when the step inputs could not be read. */
  dryRun: boolean | null;
  /** The checks of an online dry run against Dfns, each with its result (empty for any other run). */
  checks: OnlineCheck[];
  /** Where the request goes and as whom; null when the step inputs could not be read, each field null until known. */
  request: {
    apiUrl: string;
    credentialId: string | null;
    endpoint: string | null;
    operation: string | null;
    /** Where the operation came from: the file's entries, or step input `operation`. */
    operationFrom: 'file' | 'step-input' | null;
    storeId: string | null;
  } | null;
  answer: {
    call: DfnsCall | null;
    httpStatus: number | null;
    dfnsStatus: string | null;
    /** The message of Dfns's answer to a fleet operation's submission. */
    dfnsMessage: string | null;
    errorMessage: string | null;
    errorId: string | null;
    /** Dfns's X-Request-ID of the answer (each request's is in `requests`). */
    requestId: string | null;
    /** Challenge-sign-submit sequences started. */
    attempts: number | null;
  } | null;
  /** Every request made to Dfns, in order. */
  requests: RequestRecord[];
  /** Every warning the run printed, in order. */
  warnings: Array<{ title: string; message: string }>;
}

/** The receipt of a submission (the main action). */
export interface OutputReceipt extends ReceiptCommon {
  kind: 'output';
  /** The checksum the workflow pinned (`expected-checksum`), and whether the file had it. */
  pin: { expectedChecksum: string | null; matched: boolean | null };
  artifact: { name: string; id: number; digest: string | null; repository: string; runId: number } | null;
  file: { name: string; path: string; size: number; sha256: string; shape: 'json' | 'archive'; entry: string | null } | null;
  output: {
    type: DocumentType;
    org_id: string;
    fleet_id: string;
    keystore_id: string;
    group_id: string;
    status: OfflineSignerOutput['status'];
    counts: OutputCounts;
  } | null;
}

/** The receipt of an input archive's creation (the input action). */
export interface CreateInputReceipt extends ReceiptCommon {
  kind: 'input-archive';
  /** The request body sent (it holds no secret); null when it could not be read. */
  body: unknown;
  /** The archive Dfns answered, as written: where, how large, its SHA-256, entry names, and the group its input/input.json names. */
  archive: { path: string; size: number; sha256: string; entries: string[]; groupId: string | null } | null;
  /** The artifact the archive was uploaded as. */
  artifact: { name: string; id: number | null } | null;
}

/** The receipt of a fleet operation's cancel (the cancel action). */
export interface CancelReceipt extends ReceiptCommon {
  kind: 'cancel';
  /** The file the group and the key store were read from, when they were: its path, and whether it is an output or an input archive. */
  source: { path: string; document: 'output' | 'input-archive' } | null;
  /** The request body sent (it holds no secret); null when it could not be made. */
  body: { groupId: string; reason?: string } | null;
  /** The fleet operation's group as Dfns answered it: its status, and each operation's. */
  group: {
    groupId: string;
    status: string;
    operations: Array<{ operationId: string | null; kind: string | null; status: string | null }>;
  } | null;
}

export type Receipt = OutputReceipt | CreateInputReceipt | CancelReceipt;

export function runUrl(github: GitHubFacts): string {
  const base = `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}`;
  return github.runAttempt > 1 ? `${base}/attempts/${github.runAttempt}` : base;
}

/** Where the receipt goes, and whether it is also kept as an artifact. */
export interface ReceiptTarget {
  path: string;
  /** Given by `receipt-path`: a receipt that cannot be written there fails the step. */
  explicit: boolean;
  artifactName: string | undefined;
  /** Days the receipt artifact is kept; undefined: the repository's default. */
  retentionDays: number | undefined;
}

/** The receipt cannot be written where `receipt-path` says. */
class ReceiptError extends ActionError {
  override name = 'ReceiptError';
  readonly title = 'Receipt not written';
}

/**
 * The receipt's target from the raw step inputs; it never throws, so that a run whose step inputs are wrong
 * still leaves a receipt. An invalid `receipt-retention-days` is left to the step-input checks, which
 * fail the run (its receipt is then kept for the repository's default time).
 */
export function receiptTarget(
  raw: { path: string; artifactName: string; retentionDays: string },
  place: { workspace: string; runnerTemp: string; runId: number; runAttempt: number },
  prefix: string,
): ReceiptTarget {
  // A `receipt-path` that cannot be shown as it is fails the step-input checks; the receipt then goes to the default place.
  const given = raw.path !== '' && !hasUnshowableChars(raw.path);
  return {
    path: given
      ? resolve(place.workspace, raw.path)
      : join(place.runnerTemp, `${prefix}-${place.runId}-${place.runAttempt}-${Date.now()}.json`),
    explicit: given,
    artifactName: raw.artifactName || undefined,
    retentionDays: retentionDaysOf(raw.retentionDays),
  };
}

/** `receipt-retention-days` in days: a whole number from 1 to MAX_RETENTION_DAYS, else undefined. */
export function retentionDaysOf(value: string): number | undefined {
  const days = /^\d+$/.test(value) ? Number(value) : undefined;
  return days !== undefined && days >= 1 && days <= MAX_RETENTION_DAYS ? days : undefined;
}

/** A receipt replaces only a receipt of one of this repository's actions (an earlier run's, say). */
const RECEIPT_RULES: TargetRules = {
  mayReplace: isReceiptOfThisAction,
  existingFile: 'a receipt replaces only an earlier receipt of this action: give the path of a new file, or remove that one first',
};

/** Files larger than this are not read to see whether they are a receipt (receipts are a few kilobytes). */
const MAX_RECEIPT_BYTES_READ = 16 * 1024 * 1024;

/** What identifies a receipt of this repository's actions, of any version so far. */
const ReceiptHead = z.looseObject({
  receiptVersion: z.int().check(z.positive()),
  action: z.looseObject({ name: z.string().check(z.regex(new RegExp(`^${ACTION_NAME}(/[a-z-]+)?$`))) }),
});

/** Whether the regular file at `path` is a receipt written by one of this repository's actions. */
function isReceiptOfThisAction(path: string): boolean {
  try {
    if (statSync(path).size > MAX_RECEIPT_BYTES_READ) return false;
    return ReceiptHead.safeParse(JSON.parse(readFileSync(path, 'utf8'))).success;
  } catch {
    return false;
  }
}

/**
 * Makes sure the receipt can be written before anything is sent: its folders made, nothing there
 * that it may not replace, and a probe written and placed as the receipt will be. Throws ReceiptError.
 */
export function prepareReceiptTarget(target: ReceiptTarget): void {
  try {
    prepareTarget(target.path, RECEIPT_RULES);
  } catch (error) {
    throw new ReceiptError(`cannot write the receipt to ${shown(target.path)} ("receipt-path"): ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Refuses a `receipt-path` that names a file the run reads or writes itself (`what`: "the output
 * file being submitted", say): the receipt would replace it. Throws ReceiptError.
 */
export function checkReceiptIsNot(target: ReceiptTarget, path: string, what: string): void {
  if (!target.explicit || !isSameFile(target.path, path)) return;
  throw new ReceiptError(
    `"receipt-path" (${shown(target.path)}) is ${what}: the receipt would replace it. Give the receipt a path of its own`,
  );
}

/** Writes the receipt whole, its folders made, secrets taken out once more. Throws TargetError. */
export function writeReceipt(path: string, receipt: Receipt): void {
  writeTarget(path, Buffer.from(`${redactSecrets(JSON.stringify(receipt, null, 2))}\n`, 'utf8'), RECEIPT_RULES);
}
