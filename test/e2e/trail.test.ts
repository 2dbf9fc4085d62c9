/**
 * The trail a real run leaves when it ends early, through dist/ (a child process, as a runner
 * starts it): a `status` output, a job summary and a receipt, kept as an artifact; and the one
 * line an older Node prints. The other early ends, the warnings, the pin, the requests and who
 * and what in the receipt and the summary run in process: test/integration/trail.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../github/github-stand-in.ts';
import { receiptOf } from '../helpers/action-runner.ts';
import { fixtureText, startE2E, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');

let e2e: E2E;
let github: GitHubStandIn;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  github = await startGitHubStandIn({ repository: 'acme/keystore-ops', runId: 4242 });
});
afterAll(async () => {
  await github.close();
  await e2e.close();
});

describe('a run that ends early', () => {
  it('on an invalid step input still leaves a status, a summary and a receipt, uploaded for receipt-retention-days', async () => {
    const message = 'step input "timeout-seconds" must be a number of seconds above 0 and at most 3600, got "soon". Nothing was submitted.';
    const started = Date.now();
    const run = await e2e.submit({
      files: { 'out.json': onchain },
      env: github.env(),
      inputs: {
        path: 'out.json',
        'timeout-seconds': 'soon',
        'receipt-artifact-name': 'dfns-receipt-early',
        'receipt-retention-days': '30',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
    expect(run.outputs).toEqual({
      status: 'failed',
      'receipt-path': expect.stringMatching(/dfns-keystore-output-receipt-4242-1-\d+\.json$/),
    });
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([{ level: 'error', title: 'Invalid step input', message }]);
    expect(run.summary).toContain('### ❌ Output not submitted');
    expect(run.summary).toContain(`> ${message}`);
    expect(receiptOf(run)).toMatchObject({
      outcome: 'failed',
      status: 'failed',
      message,
      dryRun: null,
      pin: { expectedChecksum: null, matched: null },
      file: null,
      output: null,
      request: null,
      answer: null,
      requests: [],
      warnings: [],
      github: { repository: 'acme/keystore-ops', runId: 4242, actor: 'octocat' },
    });

    const uploads = github.uploads.filter((u) => u.name === 'dfns-receipt-early');
    expect(uploads.map((u) => Object.values(u.files).map((b) => b.toString('utf8')))).toEqual([[run.receiptText]]);
    const days = (Date.parse(uploads[0]!.expiresAt!) - started) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);
    expect(run.stdout).toMatch(
      /Receipt uploaded as artifact "dfns-receipt-early" \(id \d+, file dfns-keystore-output-receipt-4242-1-\d+\.json, kept 30 days\)/,
    );
  });

  it('says in one line that Node 24 is needed when started by an older Node', async () => {
    // dist/ as a Node 20 would start it: process.version is what the check reads.
    const dir = mkdtempSync(join(tmpdir(), 'dfns-node-20-'));
    try {
      const preload = join(dir, 'node-20.mjs');
      writeFileSync(preload, "Object.defineProperty(process, 'version', { value: 'v20.20.2' });\n");
      const run = await e2e.submit({
        files: { 'out.json': onchain },
        inputs: { path: 'out.json' },
        env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` },
      });
      expect(run.exitCode).toBe(1);
      expect(run.seen.requests, 'no request may reach Dfns').toEqual([]);
      expect(run.stdout).toBe(
        '::error title=Node 24 required::This action needs Node 24 or later (action.yml says runs.using: node24); it was started with Node v20.20.2. ' +
          'Run it with "uses:" on a runner that provides node24, not with node directly. Nothing was submitted.\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
