/**
 * 5. Parsed, serialized, decoded, copied: every call, in a dry run and a submission of the
 * largest output, of the global functions that parse, serialize, decode or copy, whose input or
 * result is at least half the file's size, each put under the source that made it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeOnchainOutput } from '../../test/helpers/output-generators.ts';
import type { Labeler } from './cpu-profile.ts';
import { checksumOf, LARGEST } from './fixtures.ts';
import { count as thousands, mb, table, verdict } from './format.ts';
import { ActionWorkspace, expectRun, type Runner } from './runner.ts';
import type { SandboxSetup } from './sandbox.ts';
import type { TargetRow } from './targets.ts';

/**
 * Preloaded into the action: counts the calls of the global functions that parse, serialize,
 * decode or copy, whose input or result is at least BENCH_BIG (half the file: smaller calls are
 * not copies of it). Only code that calls them through the globals is seen: the action's own and
 * its packages', not Node's internals (which encode request bodies, for one).
 */
const COPY_COUNTER = `import { writeFileSync } from 'node:fs';

const big = Number(process.env.BENCH_BIG);
const self = import.meta.url;
const counts = {};
const size = (v) => (typeof v === 'string' ? v.length : v && typeof v.byteLength === 'number' ? v.byteLength : 0);
/** Counts a call under its label and the first caller outside this file and Node's internals. */
function count(label) {
  const caller = (new Error().stack ?? '')
    .split('\\n')
    .slice(1)
    .map((line) => /^at (?:async )?(?:(\\S+) \\()?(file:[^()]+):(\\d+):(\\d+)\\)?$/.exec(line.trim()))
    .find((m) => m && m[2] !== self);
  const key = caller ? [label, caller[2], caller[3], caller[4], caller[1] ?? ''].join('|') : label;
  counts[key] = (counts[key] ?? 0) + 1;
}
function wrap(target, name, label, measure) {
  const original = target[name];
  target[name] = function (...args) {
    const result = original.apply(this, args);
    if (measure(args, result, this) >= big) count(label);
    return result;
  };
}
wrap(JSON, 'parse', 'JSON.parse', (args) => size(args[0]));
wrap(JSON, 'stringify', 'JSON.stringify', (args, result) => size(result));
wrap(Buffer.prototype, 'toString', 'Buffer#toString (decode)', (args, result) => size(result));
wrap(TextDecoder.prototype, 'decode', 'TextDecoder#decode', (args, result) => size(result));
// A replace that finds nothing returns its own string: no copy.
wrap(String.prototype, 'replace', 'String#replace', (args, result, subject) => (result === subject ? 0 : size(result)));
// Buffer.from(arrayBuffer) is a view of the same memory: no copy.
wrap(Buffer, 'from', 'Buffer.from (copy or encode)', (args, result) => (args[0] instanceof ArrayBuffer ? 0 : size(result)));
wrap(Buffer, 'concat', 'Buffer.concat', (args, result) => size(result));
wrap(Uint8Array.prototype, 'slice', 'Uint8Array#slice', (args, result) => size(result));
globalThis.Blob = class extends Blob {
  constructor(...args) {
    super(...args);
    if (this.size >= big) count('new Blob (copy)');
  }
};
process.on('exit', () => writeFileSync(process.env.BENCH_COUNTS_FILE, JSON.stringify(counts)));
`;

/** `operation|file URL|line|column|function` (1-based) of the caller: number of calls. */
type CallCounts = Record<string, number>;

interface CopyRow {
  operation: string;
  where: string;
  dry: number;
  submit: number;
}

export interface Copies {
  fileBytes: number;
  rows: CopyRow[];
}

/**
 * Counts the calls, in a dry run and a submission of the largest output, of `entry` (the action
 * built with source maps), and puts each under its source through `labeler`.
 */
export async function measureCopies(
  runner: Runner,
  scratch: string,
  entry: string,
  setup: SandboxSetup,
  labeler: Labeler,
): Promise<Copies> {
  console.log("5. what is parsed, serialized, decoded and copied, at the file's size");
  const counter = join(scratch, 'copy-counter.mjs');
  writeFileSync(counter, COPY_COUNTER);
  const ws = new ActionWorkspace(scratch, 'copies');
  const text = makeOnchainOutput(LARGEST);
  ws.write('large.json', text);
  const fileBytes = Buffer.byteLength(text);
  const countCalls = async (inputs: Record<string, string>): Promise<CallCounts> => {
    const out = join(scratch, `counts-${Math.random().toString(36).slice(2)}.json`);
    ws.reset();
    const env = { ...ws.env({ path: 'large.json', ...inputs }), BENCH_BIG: String(Math.floor(fileBytes / 2)), BENCH_COUNTS_FILE: out };
    const run = await runner.run({ args: ['--import', pathToFileURL(counter).href, entry], env, cwd: ws.dir });
    if (inputs['dry-run']) expectRun(run, 'the counted dry run', ws.outputs(), { status: 'dry-run', checksum: checksumOf(text) });
    return JSON.parse(readFileSync(out, 'utf8')) as CallCounts;
  };
  const dry = await countCalls({ 'dry-run': 'true' });
  const submit = await countCalls(setup.inputs);
  return { fileBytes, rows: copyRows(dry, submit, labeler) };
}

/** The counted calls by operation and the source (through the source maps) that made them. */
function copyRows(dry: CallCounts, submit: CallCounts, labeler: Labeler): CopyRow[] {
  const rows = new Map<string, CopyRow>();
  const add = (key: string, n: number, kind: 'dry' | 'submit'): void => {
    const [operation = key, url = '', line = '0', column = '0', functionName = ''] = key.split('|');
    const where = url
      ? (labeler.label({ functionName, url, lineNumber: Number(line) - 1, columnNumber: Number(column) - 1 }) ?? url)
      : '(not known)';
    const id = `${operation}|${where}`;
    const row = rows.get(id) ?? { operation, where, dry: 0, submit: 0 };
    row[kind] += n;
    rows.set(id, row);
  };
  for (const [key, n] of Object.entries(dry)) add(key, n, 'dry');
  for (const [key, n] of Object.entries(submit)) add(key, n, 'submit');
  return [...rows.values()].sort((a, b) => a.operation.localeCompare(b.operation) || a.where.localeCompare(b.where));
}

const DECODES = new Set(['Buffer#toString (decode)', 'TextDecoder#decode']);

/** A dry run's calls by operation. */
function dryTotals(copies: Copies): Map<string, number> {
  const byOperation = new Map<string, number>();
  for (const row of copies.rows) byOperation.set(row.operation, (byOperation.get(row.operation) ?? 0) + row.dry);
  return byOperation;
}

/** A dry run parses once, decodes once, and serializes and copies nothing of the file's size. */
function copiesOk(copies: Copies): boolean {
  let decodes = 0;
  for (const [operation, n] of dryTotals(copies)) {
    if (DECODES.has(operation)) decodes += n;
    else if (n > (operation === 'JSON.parse' ? 1 : 0)) return false;
  }
  return decodes <= 1;
}

export function copiesTargets(copies: Copies): TargetRow[] {
  const dry = [...dryTotals(copies)].filter(([, n]) => n > 0);
  const met = copiesOk(copies);
  return [
    {
      target: "nothing parsed, serialized or copied twice (a dry run, at the file's size)",
      measured: dry.length === 0 ? 'nothing counted' : dry.map(([op, n]) => `${op} ×${n}`).join(', '),
      met,
      missed: met ? [] : ['nothing parsed, serialized or copied twice'],
    },
  ];
}

export function copiesSection(copies: Copies): string {
  const added = copies.rows.filter((row) => row.submit > row.dry);
  const submission =
    added.length === 0
      ? `A submission adds nothing at the file's size: its request bodies are written a slice of about a megabyte
at a time (see [What happens to the bytes](#what-happens-to-the-bytes)), below what this table counts.`
      : `A submission adds ${added.map((row) => `\`${row.operation}\` ×${row.submit - row.dry} (${row.where})`).join(', ')}.`;
  return `## 5. Parsed, serialized, decoded, copied

Every call, in a dry run and a submission of the ${thousands(LARGEST)}-signature output (${mb(copies.fileBytes)}), of the global
functions that parse, serialize, decode or copy, whose input or result is at least half the file's size:
counted by a preloaded module that wraps them (\`JSON.parse\`, \`JSON.stringify\`, \`Buffer#toString\`,
\`TextDecoder#decode\`, \`String#replace\`, \`Buffer.from\`, \`Buffer.concat\`, \`Uint8Array#slice\`,
\`new Blob\`), each call put under the source that made it (through the source maps). Node's internals
call their own copies of these functions, and are not seen: undici's encoding of a request body, say.

${table(
  ['operation', 'called from', 'dry run', 'submission'],
  copies.rows.map((row) => ['`' + row.operation + '`', row.where, row.dry, row.submit]),
)}

Target, for the action's own work (a dry run): one parse, one decode, no serialization, no copy: ${verdict(copiesOk(copies))}.
${submission}`;
}
