import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary file of a run goes into one folder, removed at the end (test/global-temp.ts).
    globalSetup: ['test/global-temp.ts'],
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // The entry point only wires @actions/core to run(); the end-to-end tests run it through dist/.
      exclude: ['src/index.ts'],
      reporter: ['text-summary', 'json-summary'],
      // Measured with `npm test`; raise them as tests are added, never lower them to pass.
      thresholds: { statements: 85, branches: 74, functions: 80, lines: 86 },
    },
  },
});
