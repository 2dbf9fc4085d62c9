import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactError, isGhes, resolveArtifactSource, type ArtifactStepInputs, type RunContext } from '../../src/github/artifact.ts';
import { silentLogger, type Logger } from '../../src/base/logger.ts';

const base: ArtifactStepInputs = {
  artifactName: 'out',
  runId: undefined,
  repository: undefined,
  githubToken: 't',
  allowForkArtifacts: false,
};
const context = (event?: unknown): RunContext => {
  let eventPath: string | undefined;
  if (event !== undefined) {
    eventPath = join(mkdtempSync(join(tmpdir(), 'dfns-event-')), 'event.json');
    writeFileSync(eventPath, typeof event === 'string' ? event : JSON.stringify(event));
  }
  return {
    serverUrl: 'https://github.com',
    repository: 'acme/ops',
    runId: 10,
    eventName: event === undefined ? 'push' : 'workflow_run',
    eventPath,
    runnerTemp: tmpdir(),
  };
};
const wr = (id: number, repo = 'acme/ops', head: string | null = repo) => ({
  workflow_run: { id, repository: { full_name: repo }, head_repository: head === null ? null : { full_name: head } },
});

describe('resolveArtifactSource', () => {
  it('is the current run by default', () => {
    expect(resolveArtifactSource(base, context(), silentLogger)).toEqual({
      repository: 'acme/ops',
      runId: 10,
      current: true,
      fromEvent: false,
    });
  });

  it('is the workflow_run event run, unless run-id or repository say otherwise', () => {
    expect(resolveArtifactSource(base, context(wr(77)), silentLogger)).toEqual({
      repository: 'acme/ops',
      runId: 77,
      current: false,
      fromEvent: true,
    });
    expect(resolveArtifactSource({ ...base, runId: 5 }, context(wr(77)), silentLogger)).toMatchObject({ runId: 5, fromEvent: false });
    expect(resolveArtifactSource({ ...base, repository: 'acme/other' }, context(wr(77)), silentLogger)).toMatchObject({
      repository: 'acme/other',
      runId: 77,
      fromEvent: false,
    });
  });

  it('refuses a fork-started run, and only warns when allowed', () => {
    const fork = context(wr(77, 'acme/ops', 'mallory/ops'));
    const refusal = (() => {
      try {
        resolveArtifactSource(base, fork, silentLogger);
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(refusal).toBeInstanceOf(ArtifactError);
    expect(refusal.message).toMatch(
      /^refusing the artifact of run 77: that run was started from the fork mallory\/ops, not from acme\/ops\./,
    );
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warning: (m) => void warnings.push(m) };
    expect(resolveArtifactSource({ ...base, allowForkArtifacts: true }, fork, log).runId).toBe(77);
    expect(warnings).toEqual(['the artifact comes from run 77, started from the fork mallory/ops; allowed by "allow-fork-artifacts"']);
  });

  it('does not treat a missing head repository as a fork', () => {
    expect(resolveArtifactSource(base, context(wr(78, 'acme/ops', null)), silentLogger).runId).toBe(78);
  });

  it('explains an unreadable or incomplete event', () => {
    expect(() => resolveArtifactSource(base, context('{not json'), silentLogger)).toThrow(
      /^could not read the workflow_run event \(.+\); pass "run-id"$/,
    );
    expect(() => resolveArtifactSource(base, context({ workflow_run: {} }), silentLogger)).toThrow(
      'the workflow_run event has no workflow_run.id and repository; pass "run-id"',
    );
    expect(() => resolveArtifactSource(base, { ...context(), eventName: 'workflow_run' }, silentLogger)).toThrow(
      'the event is workflow_run but GITHUB_EVENT_PATH is not set; pass "run-id"',
    );
  });
});

describe('isGhes', () => {
  it.each([
    ['https://github.com', false],
    ['https://acme.ghe.com', false],
    ['http://github.localhost', false],
    ['https://github.acme.internal', true],
    ['https://ghes.example.com', true],
  ])('%s -> %s', (url, ghes) => {
    expect(isGhes(url)).toBe(ghes);
  });
});
