/** Prints vitest's JSON results as the plain closing line CI reads: `N passed, N failed`. */
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? '.tmp/vitest-results.json';
const results = JSON.parse(readFileSync(path, 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
};
if (results.numPassedTests + results.numFailedTests === 0) {
  console.error('no test ran');
  process.exit(1);
}
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
