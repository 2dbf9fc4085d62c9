/** The runner's environment read into one object, and the Node version check: pure functions. */
import { describe, expect, it } from 'vitest';
import { nodeVersionError, REQUIRED_NODE_MAJOR } from '../../src/runner/node-version.ts';
import { readRunnerContext } from '../../src/runner/runner-context.ts';

const fallbacks = { cwd: '/home/runner/cwd', tmpdir: '/tmp' };

describe('readRunnerContext', () => {
  it('reads the workspace, the run and the facts the receipt records', () => {
    expect(
      readRunnerContext(
        {
          GITHUB_WORKSPACE: '/home/runner/work/ops/ops',
          RUNNER_TEMP: '/home/runner/work/_temp',
          GITHUB_SERVER_URL: 'https://acme.ghe.com',
          GITHUB_REPOSITORY: 'acme/ops',
          GITHUB_RUN_ID: '16000000001',
          GITHUB_RUN_ATTEMPT: '2',
          GITHUB_EVENT_NAME: 'workflow_run',
          GITHUB_EVENT_PATH: '/home/runner/work/_temp/_github_workflow/event.json',
          GITHUB_WORKFLOW: 'Submit',
          GITHUB_JOB: 'submit',
          GITHUB_ACTOR: 'octocat',
          GITHUB_SHA: 'abc123',
          GITHUB_REF: 'refs/heads/main',
        },
        fallbacks,
      ),
    ).toEqual({
      workspace: '/home/runner/work/ops/ops',
      run: {
        serverUrl: 'https://acme.ghe.com',
        repository: 'acme/ops',
        runId: 16000000001,
        eventName: 'workflow_run',
        eventPath: '/home/runner/work/_temp/_github_workflow/event.json',
        runnerTemp: '/home/runner/work/_temp',
      },
      github: {
        serverUrl: 'https://acme.ghe.com',
        repository: 'acme/ops',
        workflow: 'Submit',
        job: 'submit',
        runId: 16000000001,
        runAttempt: 2,
        event: 'workflow_run',
        actor: 'octocat',
        sha: 'abc123',
        ref: 'refs/heads/main',
      },
    });
  });

  it('falls back to the working directory, the system temp folder, github.com, and attempt 1', () => {
    const context = readRunnerContext({ GITHUB_RUN_ATTEMPT: 'x', GITHUB_RUN_ID: '-5', GITHUB_WORKSPACE: '', RUNNER_TEMP: '' }, fallbacks);
    expect(context.workspace).toBe('/home/runner/cwd');
    expect(context.run).toEqual({
      serverUrl: 'https://github.com',
      repository: '',
      runId: 0,
      eventName: '',
      eventPath: undefined,
      runnerTemp: '/tmp',
    });
    expect(context.github).toMatchObject({ runId: 0, runAttempt: 1, actor: '', sha: '' });
  });
});

describe('nodeVersionError', () => {
  it(`accepts Node ${REQUIRED_NODE_MAJOR} and later`, () => {
    expect(nodeVersionError('v24.0.0', '/a/dist/submit/index.js')).toBeUndefined();
    expect(nodeVersionError('v25.1.2', '/a/dist/submit/index.js')).toBeUndefined();
  });

  it('refuses an older Node in one annotation line, in the words of the action started', () => {
    const line = (notDone: string): string =>
      '::error title=Node 24 required::This action needs Node 24 or later (action.yml says runs.using: node24); it was started with Node v20.20.2. ' +
      `Run it with "uses:" on a runner that provides node24, not with node directly.${notDone}`;
    expect(nodeVersionError('v20.20.2', '/a/dist/submit/index.js')).toBe(line(' Nothing was submitted.'));
    expect(nodeVersionError('v20.20.2', 'C:\\a\\dist\\create-input\\index.js')).toBe(line(' No input archive was created.'));
    expect(nodeVersionError('v20.20.2', '/a/dist/cancel/index.js')).toBe(line(' Nothing was canceled.'));
    expect(nodeVersionError('v20.20.2', '/a/dist/index.js')).toBe(line(''));
    expect(nodeVersionError('v22.12.0', undefined)).toMatch(/it was started with Node v22\.12\.0\./);
    expect(nodeVersionError('nonsense', undefined)).toMatch(/^::error title=Node 24 required::/);
  });
});
