/**
 * The job summary, built from receipts written by hand: the verdict and the facts of every kind of
 * run (failed on its inputs, submitted, a dry run, an outcome unknown, an input archive created),
 * the lists cut after their maximum (requests, archive entries, failed outputs), the warnings; and
 * the Markdown escaping that keeps text from the file or from Dfns inert.
 */
import { describe, expect, it } from 'vitest';
import { code, md } from '../../src/report/markdown.ts';
import type { CancelReceipt, CreateInputReceipt, OutputReceipt, Receipt } from '../../src/report/receipt.ts';
import { buildSummary, MAX_SUMMARY_ENTRIES, MAX_SUMMARY_FAILED_OUTPUTS, MAX_SUMMARY_REQUESTS } from '../../src/report/summary.ts';

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
  receiptVersion: 3,
  kind: 'output',
  action: { name: 'dfns-keystore-output-action', version: '0.1.0' },
  startedAt: '2026-12-02T10:00:00.000Z',
  finishedAt: '2026-12-02T10:00:01.000Z',
  outcome: 'failed',
  status: 'failed',
  message: 'step input "timeout-seconds" must be a number\nNothing was submitted.',
  github,
  dryRun: null,
  checks: [],
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
  request: {
    apiUrl: 'https://api.dfns.io',
    credentialId: 'cr-1',
    endpoint: 'https://api.dfns.io/key-stores/ks-1/genesis/output',
    operation: 'genesis',
    operationFrom: 'file',
    storeId: 'ks-1',
  },
  answer: {
    call: 'submit',
    httpStatus: 200,
    dfnsStatus: 'success',
    dfnsMessage: 'Genesis *registered*',
    errorMessage: null,
    errorId: null,
    requestId: null,
    attempts: 2,
  },
  requests: [
    { call: 'init', attempt: 1, at: '2026-12-02T10:00:00.100Z', durationMs: 40, httpStatus: 200, networkError: null, requestId: null },
    { call: 'action', attempt: 1, at: '2026-12-02T10:00:00.200Z', durationMs: 40, httpStatus: 200, networkError: null, requestId: null },
    {
      call: 'submit',
      attempt: 1,
      at: '2026-12-02T10:00:00.300Z',
      durationMs: 40,
      httpStatus: null,
      networkError: 'socket hang up (ECONNRESET)',
      requestId: null,
    },
    { call: 'init', attempt: 2, at: '2026-12-02T10:00:00.900Z', durationMs: 40, httpStatus: 200, networkError: null, requestId: null },
  ],
  warnings: [{ title: 'Dfns call retried', message: 'Dfns submit attempt 1 of 3 failed: <script>' }],
};

/** The facts of the run every summary ends with. */
const RUN_ROWS = [
  '| Commit | `abc123` |',
  '| Actor | `octocat` |',
  '| Workflow | Submit \\| &lt;b&gt;, job `submit`, attempt 2 |',
  '| Workflow run | [https://github.com/acme/ops/actions/runs/7/attempts/2](https://github.com/acme/ops/actions/runs/7/attempts/2) |',
];

/** A dry run of a keystore output: checked, nothing sent. */
const dryRun: OutputReceipt = {
  ...early,
  outcome: 'dry-run',
  status: 'dry-run',
  message: null,
  dryRun: true,
  file: { name: 'out.zip', path: 'out/out.zip', size: 999, sha256: 'ef'.repeat(32), shape: 'archive', entry: 'keystore-output.json' },
  output: {
    type: 'keystore-output',
    org_id: 'or-1',
    fleet_id: 'fl-1',
    keystore_id: 'ks-1',
    group_id: 'gr-1',
    status: 'partial',
    counts: { total: 3, byKind: { 'onchain-sign-v1': 2, 'proof-of-control-v1': 1 }, success: 2, fail: 1 },
  },
  request: {
    apiUrl: 'https://api.dfns.io',
    credentialId: null,
    endpoint: 'https://api.dfns.io/key-stores/ks-1/onchain-sign/output',
    operation: 'onchain-sign',
    operationFrom: 'step-input',
    storeId: 'ks-1',
  },
};

/** A submission whose answer (a 500) does not tell whether Dfns took it. */
const unknown: OutputReceipt = {
  ...early,
  outcome: 'unknown',
  status: 'unknown',
  message:
    'Dfns answered 500 while submitting the output: internal server error (Dfns error id 4242). The submission may have reached Dfns. ' +
    'Check the key store in Dfns before re-running this workflow: re-running could submit the output a second time.',
  dryRun: false,
  request: {
    apiUrl: 'https://api.dfns.io',
    credentialId: 'cr-1',
    endpoint: 'https://api.dfns.io/key-stores/ks-1/onchain-sign/output',
    operation: 'onchain-sign',
    operationFrom: 'file',
    storeId: 'ks-1',
  },
  answer: {
    call: 'submit',
    httpStatus: 500,
    dfnsStatus: null,
    dfnsMessage: null,
    errorMessage: 'internal server error',
    errorId: '4242',
    requestId: null,
    attempts: 1,
  },
  requests: [
    { call: 'init', attempt: 1, at: '2026-12-02T10:00:00.100Z', durationMs: 40, httpStatus: 200, networkError: null, requestId: null },
    { call: 'action', attempt: 1, at: '2026-12-02T10:00:00.200Z', durationMs: 40, httpStatus: 200, networkError: null, requestId: null },
    { call: 'submit', attempt: 1, at: '2026-12-02T10:00:00.300Z', durationMs: 40, httpStatus: 500, networkError: null, requestId: null },
  ],
};

/** An input archive created by the input action, with more entries than the summary lists, uploaded as an artifact. */
const inputCreated: CreateInputReceipt = {
  receiptVersion: 3,
  kind: 'input-archive',
  action: { name: 'dfns-keystore-output-action', version: '0.1.0' },
  startedAt: '2026-12-02T10:00:00.000Z',
  finishedAt: '2026-12-02T10:00:02.000Z',
  outcome: 'created',
  status: 'created',
  message: null,
  github,
  dryRun: false,
  checks: [],
  request: {
    apiUrl: 'https://api.dfns.io',
    credentialId: 'cr-1',
    endpoint: 'https://api.dfns.io/key-stores/ks-1/proof-of-control/input',
    operation: 'proof-of-control',
    operationFrom: 'step-input',
    storeId: 'ks-1',
  },
  answer: {
    call: 'create',
    httpStatus: 200,
    dfnsStatus: 'created',
    dfnsMessage: null,
    errorMessage: null,
    errorId: null,
    requestId: null,
    attempts: 1,
  },
  requests: [
    { call: 'init', attempt: 1, at: '2026-12-02T10:00:00.100Z', durationMs: 40, httpStatus: 200, networkError: null, requestId: null },
    { call: 'action', attempt: 1, at: '2026-12-02T10:00:00.200Z', durationMs: 40, httpStatus: 200, networkError: null, requestId: null },
    { call: 'create', attempt: 1, at: '2026-12-02T10:00:00.300Z', durationMs: 400, httpStatus: 200, networkError: null, requestId: null },
  ],
  warnings: [],
  body: { walletIds: ['wa-1', 'wa-2'] },
  archive: {
    path: '/runner/temp/dfns-proof-of-control-input-ks-1.zip',
    size: 20480,
    sha256: '12'.repeat(32),
    // The document, then 22 annex parts: MAX_SUMMARY_ENTRIES + 3 entries.
    entries: ['input/input.json', ...Array.from({ length: 22 }, (_, i) => `input-annex/part-${String(i + 1).padStart(2, '0')}.jsonl`)],
    groupId: 'gr-42',
  },
  artifact: { name: 'fleet-input', id: 77 },
};

describe('buildSummary', () => {
  it('for a run that failed on its inputs: the verdict, the message and the run', () => {
    expect(buildSummary(early, [])).toBe(
      [
        '### ❌ Output not submitted',
        '',
        '> step input "timeout-seconds" must be a number<br>Nothing was submitted.',
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
    const failed = Array.from({ length: MAX_SUMMARY_FAILED_OUTPUTS + 3 }, (_, i) => ({
      key: `req-${i}`,
      code: 'KEY_NOT_FOUND',
      message: 'no | key',
    }));
    const summary = buildSummary(early, failed);
    expect(summary).toContain(`#### Outputs the fleet reported as failed (${MAX_SUMMARY_FAILED_OUTPUTS + 3})`);
    expect(summary).toContain('| `req-0` | `KEY_NOT_FOUND` | no \\| key |');
    expect(summary).toContain(`| \`req-${MAX_SUMMARY_FAILED_OUTPUTS - 1}\` | \`KEY_NOT_FOUND\` | no \\| key |`);
    expect(summary).not.toContain(`req-${MAX_SUMMARY_FAILED_OUTPUTS}\``);
    expect(summary).toContain('… and 3 more (see the output file).');
  });

  it('for an input archive created: the request body, the archive, its first entries then a count, the artifact', () => {
    expect(MAX_SUMMARY_ENTRIES).toBe(20);
    expect(buildSummary(inputCreated)).toBe(
      [
        '### ✅ Input archive created by Dfns (`proof-of-control`)',
        '',
        '| | |',
        '| --- | --- |',
        '| Key store | `ks-1` |',
        '| Operation | `proof-of-control` (given by a step input) |',
        '| Request body | `{"walletIds":["wa-1","wa-2"]}` |',
        '| Archive | `/runner/temp/dfns-proof-of-control-input-ks-1.zip` |',
        '| Size | 20,480 bytes |',
        `| SHA-256 | \`${'12'.repeat(32)}\` |`,
        '| Entries | `input/input.json`, `input-annex/part-01.jsonl`, `input-annex/part-02.jsonl`, `input-annex/part-03.jsonl`, ' +
          '`input-annex/part-04.jsonl`, `input-annex/part-05.jsonl`, `input-annex/part-06.jsonl`, `input-annex/part-07.jsonl`, ' +
          '`input-annex/part-08.jsonl`, `input-annex/part-09.jsonl`, `input-annex/part-10.jsonl`, `input-annex/part-11.jsonl`, ' +
          '`input-annex/part-12.jsonl`, `input-annex/part-13.jsonl`, `input-annex/part-14.jsonl`, `input-annex/part-15.jsonl`, ' +
          '`input-annex/part-16.jsonl`, `input-annex/part-17.jsonl`, `input-annex/part-18.jsonl`, `input-annex/part-19.jsonl` and 3 more |',
        "| Fleet operation's group | `gr-42` |",
        '| Dfns API | `https://api.dfns.io` |',
        '| Credential | `cr-1` |',
        '| Dfns answer | created (HTTP 200) |',
        '| Requests to Dfns | init 200, action 200, create 200 |',
        '| Artifact | `fleet-input` (id 77), uploaded to this run |',
        ...RUN_ROWS,
        '',
      ].join('\n'),
    );
  });

  it('for an outcome unknown: a verdict that says to check Dfns before re-running, and the answer', () => {
    expect(buildSummary(unknown)).toBe(
      [
        '### ⚠️ Submission outcome unknown: check the key store in Dfns before re-running',
        '',
        '> Dfns answered 500 while submitting the output: internal server error (Dfns error id 4242). The submission may have reached Dfns. ' +
          'Check the key store in Dfns before re-running this workflow: re-running could submit the output a second time.',
        '',
        '| | |',
        '| --- | --- |',
        '| Key store | `ks-1` |',
        '| Operation | `onchain-sign` (taken from the file) |',
        '| Pinned checksum | none (no `expected-checksum`) |',
        '| Dfns API | `https://api.dfns.io` |',
        '| Credential | `cr-1` |',
        '| Dfns answer | internal server error (HTTP 500), error id `4242` |',
        '| Requests to Dfns | init 200, action 200, submit 500 |',
        ...RUN_ROWS,
        '',
      ].join('\n'),
    );
    // The input action's words for the same: its change is an input (and a fleet operation).
    const inputUnknown: CreateInputReceipt = { ...inputCreated, outcome: 'unknown', status: 'unknown', archive: null, artifact: null };
    expect(buildSummary(inputUnknown).split('\n')[0]).toBe(
      "### ⚠️ Outcome unknown: check the key store's fleet operations in Dfns before re-running",
    );
  });

  it('for a dry run: the verdict, the file and what it holds, and no answer', () => {
    expect(buildSummary(dryRun)).toBe(
      [
        '### 🧪 Dry run (`onchain-sign`): the output is valid; nothing was submitted to Dfns',
        '',
        '| | |',
        '| --- | --- |',
        '| Key store | `ks-1` |',
        '| Operation | `onchain-sign` (given by a step input) |',
        '| File | `out.zip` (archive entry `keystore-output.json`) |',
        '| Size | 999 bytes |',
        `| SHA-256 | \`${'ef'.repeat(32)}\` |`,
        '| Pinned checksum | none (no `expected-checksum`) |',
        '| Document | `keystore-output` |',
        '| Output status | `partial` |',
        '| Outputs | 3 outputs (2 onchain-sign-v1, 1 proof-of-control-v1; 2 success, 1 fail) |',
        '| Organisation | `or-1` |',
        '| Fleet | `fl-1` |',
        '| Group | `gr-1` |',
        '| Dfns API | `https://api.dfns.io` |',
        '| Credential | none given |',
        '| Dfns answer | none: dry run, no request was sent |',
        ...RUN_ROWS,
        '',
      ].join('\n'),
    );
    const inputDryRun: CreateInputReceipt = {
      ...inputCreated,
      outcome: 'dry-run',
      status: 'dry-run',
      dryRun: true,
      answer: null,
      requests: [],
      archive: null,
      artifact: null,
    };
    expect(buildSummary(inputDryRun).split('\n')[0]).toBe(
      '### 🧪 Dry run (`proof-of-control`): the request is valid; nothing was sent to Dfns',
    );
  });

  it('lists the requests to Dfns, the first few then a count', () => {
    expect(MAX_SUMMARY_REQUESTS).toBe(12);
    // Five challenges refused, then the sequence three times over (a 429 each time), then a success: 15 requests.
    const calls: Array<[Receipt['requests'][number]['call'], number | null]> = [
      ['init', 503],
      ['init', 503],
      ['init', 503],
      ['init', null],
      ['init', 200],
      ['action', 200],
      ['submit', 429],
      ['init', 200],
      ['action', 200],
      ['submit', 429],
      ['init', 200],
      ['action', 200],
      ['submit', 200],
      ['init', 200],
      ['action', 200],
    ];
    const requests = calls.map(([call, httpStatus], i) => ({
      call,
      attempt: i + 1,
      at: '2026-12-02T10:00:00.100Z',
      durationMs: 40,
      httpStatus,
      networkError: httpStatus === null ? 'connect ECONNREFUSED 127.0.0.1:443' : null,
      requestId: null,
    }));
    expect(buildSummary({ ...unknown, requests })).toContain(
      '| Requests to Dfns | init 503, init 503, init 503, init connect ECONNREFUSED 127.0.0.1:443, init 200, action 200, submit 429, ' +
        'init 200, action 200, submit 429, init 200, action 200 and 3 more |',
    );
  });
});

describe('Markdown escaping', () => {
  it('neutralises HTML, table pipes, emphasis and line breaks', () => {
    expect(md('<b>x</b> | *y* & `z`\nnext')).toBe('&lt;b&gt;x&lt;/b&gt; \\| \\*y\\* &amp; \\`z\\` next');
    expect(md('a'.repeat(400)).length).toBe(301);
    expect(code('ks|1`x\u202e')).toBe("`ks 1'x`");
  });
});

describe('the cancel action and online dry runs', () => {
  it('for a fleet operation canceled: the group, where its ids came from, its status and operations', () => {
    const canceled: CancelReceipt = {
      ...inputCreated,
      kind: 'cancel',
      action: { name: 'dfns-keystore-output-action/cancel', version: '0.1.0' },
      outcome: 'canceled',
      status: 'canceled',
      request: {
        apiUrl: 'https://api.dfns.io',
        credentialId: 'cr-1',
        endpoint: 'https://api.dfns.io/key-stores/ks-1/fleet-operations/cancel',
        operation: null,
        operationFrom: null,
        storeId: 'ks-1',
      },
      answer: {
        call: 'cancel',
        httpStatus: 200,
        dfnsStatus: 'Canceled',
        dfnsMessage: null,
        errorMessage: null,
        errorId: null,
        requestId: 'req-7',
        attempts: 1,
      },
      requests: [],
      source: { path: 'fleet/in.zip', document: 'input-archive' },
      body: { groupId: 'gr-1', reason: 'HSM *failed*' },
      group: { groupId: 'gr-1', status: 'Canceled', operations: [{ operationId: 'op-1', kind: 'Genesis', status: 'Canceled' }] },
    };
    const summary = buildSummary(canceled);
    expect(summary.slice(0, summary.indexOf('\n') + 1)).toBe('### ✅ Fleet operation canceled\n');
    for (const row of [
      '| Key store | `ks-1` |',
      '| Group | `gr-1` |',
      '| Ids taken from | `fleet/in.zip` (an input archive) |',
      '| Reason | HSM \\*failed\\* |',
      '| Group status | `Canceled` |',
      '| Operations | `Genesis` `op-1`: `Canceled` |',
      '| Dfns answer | Canceled (HTTP 200), request id `req-7` |',
    ]) {
      expect(summary).toContain(row);
    }
  });

  it('for an online dry run: each check against Dfns, with its result', () => {
    const summary = buildSummary({
      ...early,
      outcome: 'dry-run',
      status: 'dry-run',
      message: null,
      dryRun: true,
      checks: [
        { check: 'token and region', result: 'passed', detail: 'Dfns accepted the token at https://api.dfns.io' },
        { check: 'key store', result: 'not checked', detail: 'the service account lacks the permission KeyStores:Read' },
        { check: 'credential and key', result: 'failed', detail: 'Dfns answered 403 | *no*' },
      ],
    });
    expect(summary).toContain('| Dfns answer | none: online dry run, nothing was changed (see the checks below) |');
    expect(summary).toContain(
      [
        '#### Checks against Dfns (online dry run)',
        '',
        '| check | result | detail |',
        '| --- | --- | --- |',
        '| token and region | ✅ passed | Dfns accepted the token at https:/&#8203;/api.dfns.io |',
        '| key store | ⚠️ not checked | the service account lacks the permission KeyStores:Read |',
        '| credential and key | ❌ failed | Dfns answered 403 \\| \\*no\\* |',
      ].join('\n'),
    );
  });
});
