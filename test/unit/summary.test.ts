/**
 * The job summary, built from a receipt written by hand: the verdict, the facts of every kind of
 * run, the warnings and the failed outputs; and the Markdown escaping that keeps text from the
 * file or from Dfns inert.
 */
import { describe, expect, it } from 'vitest';
import { code, md } from '../../src/report/markdown.ts';
import type { OutputReceipt, Receipt } from '../../src/report/receipt.ts';
import { buildSummary, MAX_SUMMARY_FAILED_OUTPUTS } from '../../src/report/summary.ts';

const github: Receipt['github'] = {
  serverUrl: 'https://github.com',
  repository: 'acme/ops',
  workflow: 'Submit | <b>',
  job: 'submit',
  runId: 7,
  runAttempt: 2,
  runUrl: 'https://github.com/acme/ops/actions/runs/7/attempts/2',
  event: 'workflow_run',
  actor: 'octocat',
  sha: 'abc123',
  ref: 'refs/heads/main',
};

/** A receipt of a run that failed on its inputs: nothing known but the run. */
const early: OutputReceipt = {
  receiptVersion: 2,
  kind: 'output',
  action: { name: 'dfns-keystore-output-action', version: '0.1.0' },
  startedAt: '2026-12-02T10:00:00.000Z',
  finishedAt: '2026-12-02T10:00:01.000Z',
  outcome: 'failed',
  status: 'failed',
  message: 'input "timeout-seconds" must be a number\nNothing was submitted.',
  github,
  dryRun: null,
  pin: { expectedChecksum: null, matched: null },
  artifact: null,
  file: null,
  output: null,
  request: null,
  answer: null,
  requests: [],
  warnings: [],
};

const submitted: OutputReceipt = {
  ...early,
  outcome: 'submitted',
  status: 'success',
  message: null,
  dryRun: false,
  pin: { expectedChecksum: 'ab'.repeat(32), matched: true },
  file: { name: 'out.json', path: 'out.json', size: 1234567, sha256: 'cd'.repeat(32), shape: 'json', entry: null },
  output: {
    type: 'fleet-output',
    org_id: 'or-1',
    fleet_id: 'fl-1',
    keystore_id: 'ks-1',
    group_id: 'gr-1',
    status: 'success',
    counts: { total: 1, byKind: { 'genesis-registration': 1 }, success: 1, fail: 0 },
  },
  request: { apiUrl: 'https://api.dfns.io', credentialId: 'cr-1', endpoint: 'https://api.dfns.io/key-stores/ks-1/genesis/output', operation: 'genesis', operationFrom: 'file', storeId: 'ks-1' },
  answer: { call: 'submit', httpStatus: 200, dfnsStatus: 'success', dfnsMessage: 'Genesis *registered*', errorMessage: null, errorId: null, attempts: 2 },
  requests: [
    { call: 'init', attempt: 1, at: '2026-12-02T10:00:00.100Z', durationMs: 40, httpStatus: 200, networkError: null },
    { call: 'action', attempt: 1, at: '2026-12-02T10:00:00.200Z', durationMs: 40, httpStatus: 200, networkError: null },
    { call: 'submit', attempt: 1, at: '2026-12-02T10:00:00.300Z', durationMs: 40, httpStatus: null, networkError: 'socket hang up (ECONNRESET)' },
    { call: 'init', attempt: 2, at: '2026-12-02T10:00:00.900Z', durationMs: 40, httpStatus: 200, networkError: null },
  ],
  warnings: [{ title: 'Dfns call retried', message: 'Dfns submit attempt 1 of 3 failed: <script>' }],
};

describe('buildSummary', () => {
  it('for a run that failed on its inputs: the verdict, the message and the run', () => {
    expect(buildSummary(early, [])).toBe(
      [
        '### ❌ Output not submitted',
        '',
        '> input "timeout-seconds" must be a number<br>Nothing was submitted.',
        '',
        '| | |',
        '| --- | --- |',
        '| Commit | `abc123` |',
        '| Actor | `octocat` |',
        '| Workflow | Submit \\| &lt;b&gt;, job `submit`, attempt 2 |',
        '| Workflow run | [https://github.com/acme/ops/actions/runs/7/attempts/2](https://github.com/acme/ops/actions/runs/7/attempts/2) |',
        '',
      ].join('\n'),
    );
  });

  it('for a submission: every fact, the requests, the warnings', () => {
    expect(buildSummary(submitted, [])).toBe(
      [
        '### ✅ Output submitted to Dfns (`genesis`)',
        '',
        '| | |',
        '| --- | --- |',
        '| Key store | `ks-1` |',
        '| Operation | `genesis` (taken from the file) |',
        '| File | `out.json` |',
        '| Size | 1,234,567 bytes |',
        `| SHA-256 | \`${'cd'.repeat(32)}\` |`,
        `| Pinned checksum | \`${'ab'.repeat(32)}\`: the file has it |`,
        '| Document | `fleet-output` |',
        '| Output status | `success` |',
        '| Outputs | 1 output (1 genesis-registration) |',
        '| Organisation | `or-1` |',
        '| Fleet | `fl-1` |',
        '| Group | `gr-1` |',
        '| Dfns API | `https://api.dfns.io` |',
        '| Credential | `cr-1` |',
        '| Dfns answer | success (HTTP 200) |',
        '| Dfns message | Genesis \\*registered\\* |',
        '| Requests to Dfns | init 200, action 200, submit socket hang up (ECONNRESET), init 200 |',
        '| Commit | `abc123` |',
        '| Actor | `octocat` |',
        '| Workflow | Submit \\| &lt;b&gt;, job `submit`, attempt 2 |',
        '| Workflow run | [https://github.com/acme/ops/actions/runs/7/attempts/2](https://github.com/acme/ops/actions/runs/7/attempts/2) |',
        '',
        '#### Warnings (1)',
        '',
        '- **Dfns call retried**: Dfns submit attempt 1 of 3 failed: &lt;script&gt;',
        '',
      ].join('\n'),
    );
  });

  it('lists the outputs the fleet failed, the first few then a count', () => {
    const failed = Array.from({ length: MAX_SUMMARY_FAILED_OUTPUTS + 3 }, (_, i) => ({ key: `req-${i}`, code: 'KEY_NOT_FOUND', message: 'no | key' }));
    const summary = buildSummary(early, failed);
    expect(summary).toContain(`#### Outputs the fleet reported as failed (${MAX_SUMMARY_FAILED_OUTPUTS + 3})`);
    expect(summary).toContain('| `req-0` | `KEY_NOT_FOUND` | no \\| key |');
    expect(summary).not.toContain(`req-${MAX_SUMMARY_FAILED_OUTPUTS}\``);
    expect(summary).toContain('… and 3 more (see the output file).');
  });
});

describe('Markdown escaping', () => {
  it('neutralises HTML, table pipes, emphasis and line breaks', () => {
    expect(md('<b>x</b> | *y* & `z`\nnext')).toBe('&lt;b&gt;x&lt;/b&gt; \\| \\*y\\* &amp; \\`z\\` next');
    expect(md('a'.repeat(400)).length).toBe(301);
    expect(code('ks|1`x\u202e')).toBe("`ks 1'x`");
  });
});
