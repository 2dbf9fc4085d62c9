import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary file of a run goes into one folder, removed at the end (test/global-temp.ts).
    globalSetup: ['test/global-temp.ts'],
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]],
    // Every CPU: vitest's default leaves one free, a single worker on a 2-CPU machine.
    maxWorkers: '100%',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // The entry points and their wiring to @actions/core only run in the built action (dist/),
      // which the end-to-end tests start as child processes: their coverage is not counted here.
      exclude: ['src/index.ts', 'src/runner/entry.ts'],
      reporter: ['text-summary', 'json-summary'],
      // Measured with `npm test`; raise them as tests are added, never lower them to pass.
      thresholds: { statements: 95, branches: 88, functions: 94, lines: 96 },
    },
  },
});
