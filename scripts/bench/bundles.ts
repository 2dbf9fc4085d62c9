/**
 * The bundles the benchmark needs besides dist/: the floor of any toolkit action (a bundle that
 * only imports @actions/core and sets one output), built by the same bundler with the same flags
 * as `npm run bundle`, the floor plus the libraries the stack requires (for reference), and copies
 * of the action built with source maps (to name the source of each function in a CPU profile) or
 * minified. All are built in a scratch directory. Also what a bundle directory holds.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const NCC = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

/** The floor's whole source. */
export const FLOOR_SOURCE = `import * as core from '@actions/core';

core.setOutput('status', 'ok');
`;

/** For reference: the floor plus zod/mini (as the action uses it), building one schema and validating with it. */
export const FLOOR_ZOD_SOURCE = `import * as core from '@actions/core';
import * as z from 'zod/mini';

const Answer = z.looseObject({ status: z.string() });
core.setOutput('status', Answer.parse({ status: 'ok' }).status);
`;

/** For reference: the floor plus the two libraries the stack requires for a dry run: zod/mini, and @noble/hashes for SHA-256. */
export const FLOOR_LIBS_SOURCE = `import * as core from '@actions/core';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as z from 'zod/mini';

const Answer = z.looseObject({ status: z.string() });
const digest = bytesToHex(sha256(new TextEncoder().encode('ok')));
core.setOutput('status', Answer.parse({ status: digest.length === 64 ? 'ok' : 'no' }).status);
`;

/**
 * The bundler's part of `npm run bundle` (its first command; the second writes each action's
 * entry file), split into the entry and the flags (without the output directory).
 */
export function bundleCommand(): { script: string; entry: string; flags: string[] } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = (pkg.scripts['bundle'] ?? '').split('&&')[0]!.trim();
  const words = script.split(/\s+/).filter(Boolean);
  if (words[0] !== 'ncc' || words[1] !== 'build' || !words[2]) throw new Error(`unexpected bundle script: ${script}`);
  const flags: string[] = [];
  for (let i = 3; i < words.length; i++) {
    if (words[i] === '-o' || words[i] === '--out') i++;
    else flags.push(words[i]!);
  }
  return { script, entry: words[2], flags };
}

function ncc(entry: string, outDir: string, flags: readonly string[], cwd: string): void {
  const result = spawnSync(process.execPath, [NCC, 'build', entry, '-o', outDir, ...flags], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ncc build ${entry} failed:\n${result.stdout}\n${result.stderr}`);
}

/** A built bundle: its directory and the file node is started with. */
export interface Bundle {
  dir: string;
  entry: string;
}

/**
 * Builds the floor in `dir` (its own package, resolving @actions/core from this repository)
 * with the flags of `npm run bundle` and `extraFlags`.
 */
export function buildFloor(dir: string, extraFlags: readonly string[] = [], source = FLOOR_SOURCE): Bundle {
  const { flags } = bundleCommand();
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: tsconfig.compilerOptions, include: ['index.ts'] }));
  writeFileSync(join(dir, 'index.ts'), source);
  ncc('index.ts', 'out', [...flags, ...extraFlags], dir);
  return { dir: join(dir, 'out'), entry: join(dir, 'out', 'index.js') };
}

/**
 * Builds the action as `npm run bundle` does, plus `extraFlags`, into `outDir`, with the submit
 * action's entry file copied from dist/ (the bundle runs the action its entry's folder names).
 */
export function buildAction(outDir: string, extraFlags: readonly string[]): Bundle {
  const { entry, flags } = bundleCommand();
  ncc(entry, outDir, [...flags, ...extraFlags], ROOT);
  const submitEntry = join(outDir, 'submit', 'index.js');
  mkdirSync(join(outDir, 'submit'));
  copyFileSync(join(ROOT, 'dist', 'submit', 'index.js'), submitEntry);
  return { dir: outDir, entry: submitEntry };
}

/** Source maps, without the runtime support ncc would add for them: the code is dist/'s. */
export const SOURCE_MAP_FLAGS = ['--source-map', '--no-source-map-register'];
/** ncc's minification (terser). */
export const MINIFY_FLAGS = ['--minify'];

export interface BundleFile {
  name: string;
  bytes: number;
}

/** The JavaScript files of a bundle directory (not its subfolders), largest first (licences and maps left out). */
export function bundleFiles(dir: string): BundleFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, bytes: statSync(join(dir, name)).size }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** Every file of a directory and its subfolders, in bytes. */
export function directoryBytes(dir: string): number {
  return readdirSync(dir, { recursive: true })
    .map((name) => statSync(join(dir, String(name))))
    .reduce((sum, stat) => sum + (stat.isFile() ? stat.size : 0), 0);
}

/** What a chunk of dist/ holds, from the packages and modules named in it. */
export function describeChunk(dir: string, name: string): string {
  const text = readFileSync(join(dir, name), 'utf8');
  if (name === 'index.js') {
    return "the bundle's main file, which each action's entry file imports: the actions' code, zod, @noble/hashes, @actions/core (with @actions/http-client and undici 6)";
  }
  const packages = new Map<string, number>();
  for (const match of text.matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)/g)) {
    packages.set(match[1]!, (packages.get(match[1]!) ?? 0) + 1);
  }
  const sources = [...new Set([...text.matchAll(/CONCATENATED MODULE: \.\/(src\/[\w/.-]+)/g)].map((m) => m[1]!))];
  const exported = [...new Set([...text.matchAll(/(\w+): \(\) => \(\/\* binding \*\/ \1\)/g)].map((m) => m[1]!))];
  const top = [...packages.entries()].sort((a, b) => b[1] - a[1]).map(([p]) => p);
  if (top.includes('@actions/artifact')) return `@actions/artifact and the Azure storage SDK (${top.slice(0, 4).join(', ')}, …)`;
  if (sources.length > 0) return `${sources.join(', ')}${top.length ? ` (with ${top.join(', ')})` : ''}`;
  const owners = [...new Set(exported.map(sourceExporting).filter((f): f is string => f !== undefined))];
  if (owners.length > 0) return owners.join(', ');
  if (/Socks5ProxyAgent|undici/.test(text)) return "undici 8 (the Dfns client's HTTP stack)";
  return exported.length ? `a module exporting ${exported.slice(0, 3).join(', ')}` : 'a module';
}

/** The file of src/ that exports a function or class of this name. */
function sourceExporting(name: string): string | undefined {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'));
  const declaration = new RegExp(`export (?:async )?(?:function|class|const) ${name}\\b`);
  const file = files.find((f) => declaration.test(readFileSync(join(ROOT, 'src', f), 'utf8')));
  return file === undefined ? undefined : `src/${file.replaceAll('\\', '/')}`;
}
