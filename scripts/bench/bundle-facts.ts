/**
 * 4. Bundle: the size of dist/, which of its files a dry run and a submission load, and the Node
 * built-in modules a dry run loads beyond the floor's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleFiles, describeChunk, directoryBytes, ROOT } from './bundles.ts';
import type { Cold } from './cold-start.ts';
import { FIXTURE } from './fixtures.ts';
import { mb, ms, table } from './format.ts';
import { ActionWorkspace, expectRun, median, type Runner } from './runner.ts';
import type { SandboxSetup } from './sandbox.ts';

const DIST = join(ROOT, 'dist');

export interface BundleFacts {
  distBytes: number;
  files: Array<{ name: string; bytes: number; what: string; dryRun: boolean; submission: boolean }>;
  /** The actions' entry files, relative to dist/. */
  entries: string[];
  extraBuiltins: string[];
}

const LOAD_RECORDER = `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';

const loaded = new Set();
registerHooks({
  load(url, context, next) {
    loaded.add(url);
    return next(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.BENCH_LOADED_FILE, JSON.stringify([...loaded])));
`;

export async function measureBundle(
  runner: Runner,
  scratch: string,
  entry: string,
  floorEntry: string,
  setup: SandboxSetup,
): Promise<BundleFacts> {
  console.log('4. bundle: dist/, and what a dry run and a submission load of it');
  const recorder = join(scratch, 'load-recorder.mjs');
  writeFileSync(recorder, LOAD_RECORDER);
  const ws = new ActionWorkspace(scratch, 'bundle');
  ws.write('keystore-output.json', readFileSync(FIXTURE));
  const loadedBy = async (started: string, inputs: Record<string, string>): Promise<string[]> => {
    const out = join(scratch, `loaded-${Math.random().toString(36).slice(2)}.json`);
    ws.reset();
    const env = { ...ws.env({ path: 'keystore-output.json', ...inputs }), BENCH_LOADED_FILE: out };
    const run = await runner.run({ args: ['--import', pathToFileURL(recorder).href, started], env, cwd: ws.dir });
    expectRun(run, `loading ${started}`);
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  };
  const dry = await loadedBy(entry, { 'dry-run': 'true' });
  const submitted = await loadedBy(entry, setup.inputs);
  const floor = await loadedBy(floorEntry, {});
  const distUrl = pathToFileURL(DIST).href;
  const loadedFile = (urls: string[], name: string): boolean => urls.includes(`${distUrl}/${name}`);
  const builtins = (urls: string[]): Set<string> => new Set(urls.filter((u) => u.startsWith('node:')).map((u) => u.replace(/^node:/, '')));
  const floorBuiltins = builtins(floor);
  return {
    distBytes: directoryBytes(DIST),
    files: bundleFiles(DIST).map(({ name, bytes }) => ({
      name,
      bytes,
      what: describeChunk(DIST, name),
      dryRun: loadedFile(dry, name),
      submission: loadedFile(submitted, name),
    })),
    entries: dry
      .filter((u) => u.startsWith(`${distUrl}/`) && u.endsWith('/index.js') && u !== `${distUrl}/index.js`)
      .map((u) => u.slice(distUrl.length + 1)),
    extraBuiltins: [...builtins(dry)].filter((b) => !floorBuiltins.has(b)).sort(),
  };
}

/** The size of the bundle's main file. */
export const mainFileBytes = (facts: BundleFacts): number => facts.files.find((f) => f.name === 'index.js')?.bytes ?? 0;

/** Whether minifying pays, from the cold start's reference rows. */
function minifyNote(facts: BundleFacts, cold: Cold): string {
  const plain = median(cold.action);
  const minified = median(cold.actionMinified);
  const verdictText =
    minified < plain * 0.97
      ? 'it would help: consider adding `-m` to `npm run bundle`.'
      : "it is not used: terser's compressor wraps functions in ways that make V8 compile them eagerly, which costs what the smaller file saves.";
  return `Minifying (\`ncc -m\`, measured in the cold start's reference rows) shrinks \`index.js\` from ${mb(mainFileBytes(facts))} to
${mb(cold.minifiedBytes)}, and the dry run takes ${ms(minified)} instead of ${ms(plain)} (the floor: ${ms(median(cold.floorMinified))}
instead of ${ms(median(cold.floor))}); ${verdictText}`;
}

export function bundleSection(facts: BundleFacts, cold: Cold): string {
  const loaded = facts.files.filter((f) => f.dryRun);
  const heavy = loaded.filter((f) => /undici 8|@actions\/artifact/.test(f.what));
  return `## 4. Bundle

\`dist/\` holds ${mb(facts.distBytes)} (licences included): one bundle for the three actions, each started from its own entry
file (\`dist/<action>/index.js\`, one \`import '../index.js'\`). A dry run of the submit action loads ${facts.entries.map((e) => `\`${e}\``).join(', ')}
and ${loaded.map((f) => `\`${f.name}\``).join(', ')}: ${mb(loaded.reduce((s, f) => s + f.bytes, 0))} of JavaScript; the other chunks are only loaded when their work is needed.

${table(
  ['file', 'size', 'what', 'dry run', 'submission'],
  facts.files.map((f) => [`\`${f.name}\``, mb(f.bytes), f.what, f.dryRun ? 'loaded' : '–', f.submission ? 'loaded' : '–']),
)}

Node built-in modules a dry run loads beyond those the floor loads: ${facts.extraBuiltins.length ? facts.extraBuiltins.map((b) => `\`${b}\``).join(', ') : 'none'}.
${
  heavy.length === 0
    ? "No HTTP client of the action's own (undici 8, the Dfns client) and no `@actions/artifact` is loaded by a dry run;\nthe HTTP modules it does load come with `@actions/core` (its `@actions/http-client`), as in the floor."
    : `A dry run also loads ${heavy.map((f) => `\`${f.name}\` (${f.what})`).join(', ')}.`
}

${minifyNote(facts, cold)}`;
}
