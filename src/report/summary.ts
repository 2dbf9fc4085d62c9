/**
 * The job summary: what an auditor reads on the run's page. Built from the receipt itself (so
 * the two never disagree) and the outputs the fleet reported as failed. Text from the file or
 * from Dfns is escaped, so that an output cannot inject Markdown or HTML.
 */
import { describeCounts, type FailedOutput } from '../documents/documents.ts';
import { code, factTable, md } from './markdown.ts';
import type { Outcome } from './outcome.ts';
import type { CancelReceipt, CreateInputReceipt, OutputReceipt, Receipt } from './receipt.ts';
import { listFirst } from '../base/lists.ts';
import { byteCount } from '../base/units.ts';

/** Failed outputs listed in the job summary before "and N more". */
export const MAX_SUMMARY_FAILED_OUTPUTS = 20;
/** Requests to Dfns listed before "and N more". */
export const MAX_SUMMARY_REQUESTS = 12;
/** Archive entries listed before "and N more". */
export const MAX_SUMMARY_ENTRIES = 20;

type Verdicts = Record<Outcome, (op: string) => string>;

/** The verdict line, by the receipt's kind; `op` is " (`genesis`)" when the operation is known, else empty. */
const VERDICTS: Record<Receipt['kind'], Verdicts> = {
  output: {
    submitted: (op) => `✅ Output submitted to Dfns${op}`,
    created: (op) => `✅ Output submitted to Dfns${op}`,
    canceled: (op) => `✅ Output submitted to Dfns${op}`,
    partial: (op) => `🟡 Output submitted to Dfns${op}: Dfns answered partial`,
    'pending-approval': (op) => `⏳ Output submitted${op}: held by a Dfns policy for approval`,
    'dry-run': (op) => `🧪 Dry run${op}: the output is valid; nothing was submitted to Dfns`,
    rejected: (op) => `❌ Dfns refused the output${op}`,
    failed: (op) => `❌ Output not submitted${op}`,
    unknown: () => '⚠️ Submission outcome unknown: check the key store in Dfns before re-running',
  },
  'input-archive': {
    created: (op) => `✅ Input archive created by Dfns${op}`,
    submitted: (op) => `✅ Input archive created by Dfns${op}`,
    canceled: (op) => `✅ Input archive created by Dfns${op}`,
    partial: (op) => `✅ Input archive created by Dfns${op}`,
    'pending-approval': (op) => `⏳ Input requested${op}: held by a Dfns policy for approval`,
    'dry-run': (op) => `🧪 Dry run${op}: the request is valid; nothing was sent to Dfns`,
    rejected: (op) => `❌ Dfns refused to create the input archive${op}`,
    failed: (op) => `❌ Input not created${op}`,
    unknown: () => "⚠️ Outcome unknown: check the key store's fleet operations in Dfns before re-running",
  },
  cancel: {
    canceled: () => '✅ Fleet operation canceled',
    submitted: () => '✅ Fleet operation canceled',
    created: () => '✅ Fleet operation canceled',
    partial: () => '✅ Fleet operation canceled',
    'pending-approval': () => '⏳ Cancel requested: held by a Dfns policy for approval',
    'dry-run': () => '🧪 Dry run: the cancel request is valid; nothing was canceled',
    rejected: () => '❌ Dfns refused to cancel the fleet operation',
    failed: () => '❌ Fleet operation not canceled',
    unknown: () => '⚠️ Cancel outcome unknown: check the fleet operation in Dfns before re-running',
  },
};

/** The rows a receipt's own kind adds. */
function kindRows(receipt: Receipt): Array<[string, string]> {
  switch (receipt.kind) {
    case 'output':
      return outputRows(receipt);
    case 'input-archive':
      return createInputRows(receipt);
    case 'cancel':
      return cancelRows(receipt);
  }
}

export function buildSummary(receipt: Receipt, failedOutputs: readonly FailedOutput[] = []): string {
  const { request, answer, github } = receipt;
  const op = request?.operation ? ` (${code(request.operation)})` : '';
  const lines = [`### ${VERDICTS[receipt.kind][receipt.outcome](op)}`, ''];
  // Line by line: md() folds line breaks, and a list of violations must stay a list.
  if (receipt.message)
    lines.push(
      `> ${receipt.message
        .split('\n')
        .map((line) => md(line, 2000))
        .join('<br>')}`,
      '',
    );

  const rows: Array<[string, string]> = [];
  if (request?.storeId) rows.push(['Key store', code(request.storeId)]);
  if (request?.operation) {
    const from =
      request.operationFrom === null ? '' : request.operationFrom === 'file' ? ' (taken from the file)' : ' (given by a step input)';
    rows.push(['Operation', `${code(request.operation)}${from}`]);
  }
  rows.push(...kindRows(receipt));
  if (request) {
    rows.push(['Dfns API', code(request.apiUrl)], ['Credential', request.credentialId ? code(request.credentialId) : 'none given']);
  }
  if (answer) {
    const status = answer.dfnsStatus ?? (answer.errorMessage ? md(answer.errorMessage) : 'no answer');
    rows.push([
      'Dfns answer',
      `${status}${answer.httpStatus ? ` (HTTP ${answer.httpStatus})` : ''}${answer.errorId ? `, error id ${code(answer.errorId)}` : ''}` +
        (answer.requestId ? `, request id ${code(answer.requestId)}` : ''),
    ]);
    if (answer.dfnsMessage !== null) rows.push(['Dfns message', md(answer.dfnsMessage)]);
  } else if (receipt.outcome === 'dry-run') {
    rows.push([
      'Dfns answer',
      receipt.checks.length > 0 ? 'none: online dry run, nothing was changed (see the checks below)' : 'none: dry run, no request was sent',
    ]);
  }
  if (receipt.requests.length > 0) rows.push(['Requests to Dfns', describeRequests(receipt.requests)]);
  if (receipt.kind === 'output' && receipt.artifact) {
    const a = receipt.artifact;
    rows.push([
      'Artifact',
      `${code(a.name)} (id ${a.id}${a.digest ? `, ${code(a.digest)}` : ', no digest'}) of run ${a.runId} in ${code(a.repository)}`,
    ]);
  }
  if (receipt.kind === 'input-archive' && receipt.artifact) {
    rows.push(['Artifact', `${code(receipt.artifact.name)} (id ${receipt.artifact.id ?? 'unknown'}), uploaded to this run`]);
  }
  rows.push(
    ['Commit', github.sha ? code(github.sha) : 'unknown'],
    ['Actor', github.actor ? code(github.actor) : 'unknown'],
    ['Workflow', `${md(github.workflow || 'unknown')}, job ${code(github.job || 'unknown')}, attempt ${github.runAttempt}`],
    // The run's own address (the runner's values, through the gate): the one link of the summary.
    ['Workflow run', `[${github.runUrl.replace(/[\\[\]]/g, '\\$&')}](${github.runUrl})`],
  );
  lines.push(...factTable(rows));

  if (receipt.checks.length > 0) {
    lines.push('#### Checks against Dfns (online dry run)', '', '| check | result | detail |', '| --- | --- | --- |');
    for (const c of receipt.checks) lines.push(`| ${md(c.check)} | ${CHECK_RESULTS[c.result]} | ${md(c.detail, 1000)} |`);
    lines.push('');
  }
  if (receipt.warnings.length > 0) {
    lines.push(`#### Warnings (${receipt.warnings.length})`, '');
    for (const w of receipt.warnings) lines.push(`- **${md(w.title)}**: ${md(w.message, 1000)}`);
    lines.push('');
  }
  if (failedOutputs.length > 0) {
    lines.push(
      `#### Outputs the fleet reported as failed (${failedOutputs.length})`,
      '',
      '| output | code | message |',
      '| --- | --- | --- |',
    );
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

/** The submitted file and what it holds. */
function outputRows({ file, output, pin, dryRun }: OutputReceipt): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (file) {
    rows.push(
      ['File', `${code(file.name)}${file.entry ? ` (archive entry ${code(file.entry)})` : ''}`],
      ['Size', byteCount(file.size)],
      ['SHA-256', code(file.sha256)],
    );
  }
  if (dryRun !== null) {
    rows.push([
      'Pinned checksum',
      pin.expectedChecksum === null
        ? 'none (no `expected-checksum`)'
        : `${code(pin.expectedChecksum)}${pin.matched === null ? '' : pin.matched ? ': the file has it' : ': the file does not have it'}`,
    ]);
  }
  if (output) {
    rows.push(
      ['Document', code(output.type)],
      ['Output status', code(output.status)],
      ['Outputs', md(describeCounts(output.counts, output.type))],
      ['Organisation', code(output.org_id)],
      ['Fleet', code(output.fleet_id)],
      ['Group', code(output.group_id)],
    );
  }
  return rows;
}

/** How the summary shows a check's result. */
const CHECK_RESULTS: Record<CancelReceipt['checks'][number]['result'], string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  'not checked': '⚠️ not checked',
};

/** Operations of a canceled group listed before "and N more". */
const MAX_SUMMARY_OPERATIONS = 10;

/** The group canceled, where its ids came from, and what Dfns answered of it. */
function cancelRows({ source, body, group }: CancelReceipt): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (body) rows.push(['Group', code(body.groupId)]);
  if (source)
    rows.push(['Ids taken from', `${code(source.path)} (${source.document === 'input-archive' ? 'an input archive' : 'an output'})`]);
  if (body?.reason !== undefined) rows.push(['Reason', md(body.reason)]);
  if (group) {
    rows.push(['Group status', code(group.status)]);
    if (group.operations.length > 0) {
      rows.push([
        'Operations',
        listFirst(
          group.operations,
          MAX_SUMMARY_OPERATIONS,
          (o) => `${code(o.kind ?? 'unknown')} ${code(o.operationId ?? '?')}: ${code(o.status ?? 'unknown')}`,
        ),
      ]);
    }
  }
  return rows;
}

/** The request sent and the archive Dfns answered. */
function createInputRows({ body, archive }: CreateInputReceipt): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (body !== null) rows.push(['Request body', code(JSON.stringify(body), 300)]);
  if (archive) {
    rows.push(
      ['Archive', code(archive.path)],
      ['Size', byteCount(archive.size)],
      ['SHA-256', code(archive.sha256)],
      ['Entries', listFirst(archive.entries, MAX_SUMMARY_ENTRIES, (name) => code(name))],
    );
    if (archive.groupId !== null) rows.push(["Fleet operation's group", code(archive.groupId)]);
  }
  return rows;
}

/** "init 503, init 200, action 200, submit 200", the first few then a count. */
function describeRequests(requests: Receipt['requests']): string {
  return listFirst(requests, MAX_SUMMARY_REQUESTS, (r) => `${r.call} ${r.httpStatus ?? md(r.networkError ?? 'no answer', 80)}`);
}
