/**
 * What a run leaves for an auditor: the receipt (versioned JSON, documented field by field in
 * the README) and the job summary. Pure: both are built from the facts a run gathered; no
 * secret is among those facts.
 */
import type { Outcome, StepStatus } from './outcome.ts';
import { describeCounts, type DocumentType, type FailedOutput, type OfflineSignerOutput, type OutputCounts } from '../schemas/documents.ts';

export const RECEIPT_VERSION = 2;
/** Failed outputs listed in the job summary before "and N more". */
export const MAX_SUMMARY_FAILED_OUTPUTS = 20;

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

export interface Receipt {
  receiptVersion: typeof RECEIPT_VERSION;
  action: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  outcome: Outcome;
  status: StepStatus;
  /** Why the step failed, when it did. */
  message: string | null;
  github: GitHubFacts & { runUrl: string };
  artifact: { name: string; id: number; digest: string | null; repository: string; runId: number } | null;
  file: { name: string; path: string; size: number; sha256: string; shape: 'json' | 'archive'; entry: string | null };
  output: {
    type: DocumentType;
    org_id: string;
    fleet_id: string;
    keystore_id: string;
    group_id: string;
    status: OfflineSignerOutput['status'];
    counts: OutputCounts;
  } | null;
  request: {
    apiUrl: string;
    endpoint: string;
    operation: string;
    /** Where the operation came from: the file's entries, or the `operation` input. */
    operationFrom: 'file' | 'input';
    storeId: string;
    credentialId: string | null;
  } | null;
  answer: {
    call: 'init' | 'action' | 'submit' | null;
    httpStatus: number | null;
    dfnsStatus: string | null;
    /** The message of Dfns's answer to a fleet operation's submission. */
    dfnsMessage: string | null;
    errorMessage: string | null;
    errorId: string | null;
    attempts: number | null;
  } | null;
}

export function runUrl(github: GitHubFacts): string {
  const base = `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}`;
  return github.runAttempt > 1 ? `${base}/attempts/${github.runAttempt}` : base;
}

/** The verdict line; `op` is " (`genesis`)" when the operation is known, else empty. */
const VERDICTS: Record<Outcome, (op: string) => string> = {
  submitted: (op) => `✅ Output submitted to Dfns${op}`,
  partial: (op) => `🟡 Output submitted to Dfns${op}: Dfns answered partial`,
  'pending-approval': (op) => `⏳ Output submitted${op}: held by a Dfns policy for approval`,
  'dry-run': (op) => `🧪 Dry run${op}: the output is valid; nothing was submitted to Dfns`,
  rejected: (op) => `❌ Dfns refused the output${op}`,
  failed: (op) => `❌ Output not submitted${op}`,
  unknown: () => '⚠️ Submission outcome unknown: check the key store in Dfns before re-running',
};

/** The job summary: a verdict line, a table of facts, and the outputs the fleet failed. */
export function buildSummary(
  receipt: Pick<Receipt, 'outcome' | 'message' | 'output' | 'request' | 'answer' | 'artifact'> & {
    file: Receipt['file'] | null;
    runUrl?: string;
  },
  failedOutputs: readonly FailedOutput[],
): string {
  const op = receipt.request ? ` (${code(receipt.request.operation)})` : '';
  const lines = [`### ${VERDICTS[receipt.outcome](op)}`, ''];
  if (receipt.message) lines.push(`> ${md(receipt.message).replace(/\n/g, '<br>')}`, '');
  const rows: Array<[string, string]> = [];
  if (receipt.request) {
    const from = receipt.request.operationFrom === 'file' ? 'taken from the file' : 'given by the input';
    rows.push(['Key store', code(receipt.request.storeId)], ['Operation', `${code(receipt.request.operation)} (${from})`]);
  }
  if (receipt.file) {
    const f = receipt.file;
    rows.push(
      ['File', `${code(f.name)}${f.entry ? ` (archive entry ${code(f.entry)})` : ''}`],
      // Not toLocaleString: its first call loads ICU's number formats, about 10 ms of every run.
      ['Size', `${String(f.size).replace(/\B(?=(\d{3})+$)/g, ',')} bytes`],
      ['SHA-256', code(f.sha256)],
    );
  }
  if (receipt.output) {
    rows.push(
      ['Document', code(receipt.output.type)],
      ['Output status', code(receipt.output.status)],
      ['Outputs', md(describeCounts(receipt.output.counts, receipt.output.type))],
    );
  }
  if (receipt.answer) {
    const a = receipt.answer;
    const status = a.dfnsStatus ?? (a.errorMessage ? md(a.errorMessage) : 'no answer');
    rows.push([
      'Dfns answer',
      `${status}${a.httpStatus ? ` (HTTP ${a.httpStatus})` : ''}${a.errorId ? `, error id ${code(a.errorId)}` : ''}`,
    ]);
    if (a.dfnsMessage !== null) rows.push(['Dfns message', md(a.dfnsMessage)]);
  } else if (receipt.outcome === 'dry-run') {
    rows.push(['Dfns answer', 'none: dry run, no request was sent']);
  }
  if (receipt.artifact) {
    const a = receipt.artifact;
    const run = receipt.runUrl && a.runId ? ` of run ${a.runId}` : '';
    rows.push([
      'Artifact',
      `${code(a.name)} (id ${a.id}${a.digest ? `, ${code(a.digest)}` : ', no digest'})${run} in ${code(a.repository)}`,
    ]);
  }
  if (receipt.runUrl) rows.push(['Workflow run', `[${md(receipt.runUrl)}](${receipt.runUrl})`]);
  if (rows.length > 0) {
    lines.push('| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), '');
  }
  if (failedOutputs.length > 0) {
    lines.push(`#### Outputs the fleet reported as failed (${failedOutputs.length})`, '', '| output | code | message |', '| --- | --- | --- |');
    for (const f of failedOutputs.slice(0, MAX_SUMMARY_FAILED_OUTPUTS)) {
      lines.push(`| ${code(f.key)} | ${code(f.code)} | ${md(f.message)} |`);
    }
    if (failedOutputs.length > MAX_SUMMARY_FAILED_OUTPUTS) {
      lines.push('', `… and ${failedOutputs.length - MAX_SUMMARY_FAILED_OUTPUTS} more (see the output file).`);
    }
    lines.push('');
  }
  return lines.join('\n');
}


/** Text for a Markdown table cell: no HTML, no pipes, no line breaks, bounded. */
export function md(text: string, max = 300): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/\p{Cc}|\p{Cf}/gu, '');
}

/** Inline code for identifiers, digests and names; backticks inside are dropped. */
export function code(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `\`${cut.replace(/`/g, "'").replace(/[\r\n|]/g, ' ').replace(/\p{Cc}|\p{Cf}/gu, '')}\``;
}
