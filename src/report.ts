/**
 * What a run leaves for an auditor: the receipt (versioned JSON, documented field by field in
 * the README) and the job summary. Pure: both are built from the facts a run gathered; no
 * secret is among those facts.
 */
import type { Outcome, OutputCounts, StepStatus } from './outcome.ts';
import type { KeystoreOutput } from './output-schema.ts';

export const RECEIPT_VERSION = 1;
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
    org_id: string;
    fleet_id: string;
    keystore_id: string;
    group_id: string;
    status: KeystoreOutput['status'];
    counts: { total: number; byType: OutputCounts['byType']; success: number; fail: number };
  } | null;
  request: { apiUrl: string; endpoint: string; operation: string; storeId: string; credentialId: string | null } | null;
  answer: {
    call: 'init' | 'action' | 'submit' | null;
    httpStatus: number | null;
    dfnsStatus: string | null;
    errorMessage: string | null;
    errorId: string | null;
    attempts: number | null;
  } | null;
}

export function runUrl(github: GitHubFacts): string {
  const base = `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}`;
  return github.runAttempt > 1 ? `${base}/attempts/${github.runAttempt}` : base;
}

const VERDICTS: Record<Outcome, string> = {
  submitted: '✅ Keystore output submitted to Dfns',
  partial: '🟡 Keystore output submitted to Dfns: Dfns answered partial',
  'pending-approval': '⏳ Keystore output submitted: held by a Dfns policy for approval',
  'dry-run': '🧪 Dry run: the keystore output is valid; nothing was submitted to Dfns',
  rejected: '❌ Dfns refused the keystore output',
  failed: '❌ Keystore output not submitted',
  unknown: '⚠️ Submission outcome unknown: check the key store in Dfns before re-running',
};

export interface FailedOutput {
  key: string;
  code: string;
  message: string;
}

/** The job summary: a verdict line, a table of facts, and the outputs the fleet failed. */
export function buildSummary(
  receipt: Pick<Receipt, 'outcome' | 'message' | 'output' | 'request' | 'answer' | 'artifact'> & {
    file: Receipt['file'] | null;
    runUrl?: string;
  },
  failedOutputs: readonly FailedOutput[],
): string {
  const lines = [`### ${VERDICTS[receipt.outcome]}`, ''];
  if (receipt.message) lines.push(`> ${md(receipt.message).replace(/\n/g, '<br>')}`, '');
  const rows: Array<[string, string]> = [];
  if (receipt.request) {
    rows.push(['Key store', code(receipt.request.storeId)], ['Operation', code(receipt.request.operation)]);
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
    const c = receipt.output.counts;
    const types = Object.entries(c.byType)
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${n} ${t}`)
      .join(', ');
    rows.push(
      ['Output status', code(receipt.output.status)],
      ['Outputs', `${c.total}${c.total ? ` (${types}; ${c.success} success, ${c.fail} fail)` : ''}`],
    );
  }
  if (receipt.answer) {
    const a = receipt.answer;
    const status = a.dfnsStatus ?? (a.errorMessage ? md(a.errorMessage) : 'no answer');
    rows.push([
      'Dfns answer',
      `${status}${a.httpStatus ? ` (HTTP ${a.httpStatus})` : ''}${a.errorId ? `, error id ${code(a.errorId)}` : ''}`,
    ]);
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

export function failedOutputs(output: KeystoreOutput): FailedOutput[] {
  return Object.entries(output.outputs).flatMap(([key, entry]) =>
    'fail' in entry.result ? [{ key, code: entry.result.fail.code, message: entry.result.fail.message }] : [],
  );
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
