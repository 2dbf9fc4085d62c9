/**
 * The frame both actions' runs share: the receipt's target decided before the step inputs are checked,
 * every warning recorded, every error turned into an outcome, and then, whatever ended the run,
 * `status`, the receipt and the job summary. A pipeline brings its facts, its step inputs and its work.
 */
import { keepSecret } from '../base/secrets.ts';
import { privateKeySecretForms } from '../dfns/credentials.ts';
import { answerFromError, buildReceipt, type RunFacts } from '../report/facts.ts';
import { classifyFailure, statusFor, type Failure, type FailureWords, type Outcome } from '../report/outcome.ts';
import { checkReceiptIsNot, prepareReceiptTarget, receiptTarget } from '../report/receipt.ts';
import { leaveTrail } from '../report/trail.ts';
import type { FailedOutput } from '../documents/documents.ts';
import type { RawStepInputs } from './step-input-values.ts';
import { guardedIO, type ActionIO, type RunEnv, type RunResult } from './io.ts';

/** How a pipeline's work ended: its outcome, and a failure when that outcome fails the step without an error. */
interface WorkEnding {
  outcome: Outcome;
  failure?: Failure;
}

/** The step inputs that hold secrets. */
type SecretStepInput = 'dfns-token' | 'dfns-private-key' | 'github-token';

export interface Pipeline<I> {
  /** The action's step inputs that hold secrets: masked, and taken out of every text, before anything else. */
  secretStepInputs: readonly SecretStepInput[];
  /** What the run learns as it goes; the receipt is built from it. */
  facts: RunFacts;
  /** The default receipt's file name starts with this (under RUNNER_TEMP). */
  receiptPrefix: string;
  /** What a failure says of the change this action makes. */
  words: FailureWords;
  /** Checks the step inputs, and notes in `facts` what they tell. Throws on a wrong value. */
  inputs(raw: RawStepInputs): I;
  /**
   * The files the run reads or writes besides the receipt, as far as the step inputs tell (`what`: "the
   * output file being submitted", say): `receipt-path` may name none of them.
   */
  files?(inputs: I): Array<{ path: string; what: string }>;
  /** The work itself, once the step inputs are known good and the receipt can be written. */
  work(inputs: I, io: ActionIO): Promise<WorkEnding>;
  /** The fleet's failed entries, for the summary. */
  failed?(): readonly FailedOutput[];
}

export async function runWithTrail<I>(raw: RawStepInputs, env: RunEnv, baseIO: ActionIO, pipeline: Pipeline<I>): Promise<RunResult> {
  const { facts } = pipeline;
  keepSecrets(raw, pipeline.secretStepInputs, baseIO);
  const io = guardedIO(baseIO, (message, title) => facts.warnings.push({ title: title ?? 'Warning', message }));
  // Decided before the step inputs are checked, so that a run with wrong step inputs still leaves a receipt.
  const target = receiptTarget(
    {
      path: raw('receipt-path').trim(),
      artifactName: raw('receipt-artifact-name').trim(),
      retentionDays: raw('receipt-retention-days').trim(),
    },
    { workspace: env.workspace, runnerTemp: env.run.runnerTemp, runId: env.github.runId, runAttempt: env.github.runAttempt },
    pipeline.receiptPrefix,
  );
  let ending: WorkEnding;
  try {
    const inputs = pipeline.inputs(raw);
    if (target.explicit) {
      for (const file of pipeline.files?.(inputs) ?? []) checkReceiptIsNot(target, file.path, file.what);
      prepareReceiptTarget(target);
    }
    ending = await pipeline.work(inputs, io);
  } catch (error) {
    const failure = classifyFailure(error, pipeline.words);
    ending = { outcome: failure.outcome, failure };
    facts.answer ??= answerFromError(error, facts.progress.attempts);
  }
  const { outcome } = ending;
  const status = statusFor(outcome);
  io.setOutput('status', status);
  const receipt = buildReceipt(facts, { outcome, message: ending.failure?.message ?? null }, env.github);
  const trail = await leaveTrail(receipt, pipeline.failed?.() ?? [], target, io);
  const failure = ending.failure ?? trail.failure;
  return { outcome, status, ...(failure ? { failure } : {}), ...(trail.receiptPath ? { receiptPath: trail.receiptPath } : {}) };
}

/** Masks each secret step input in the log and registers it with the gate, before anything is read or logged. */
function keepSecrets(raw: RawStepInputs, names: readonly SecretStepInput[], io: ActionIO): void {
  const mask = (value: string): void => io.setSecret(value);
  for (const name of names) {
    const value = raw(name);
    if (!value.trim()) continue;
    if (name === 'dfns-private-key') privateKeySecretForms(value).forEach((form) => keepSecret(form, mask));
    else keepSecret(value.trim(), mask);
  }
}
