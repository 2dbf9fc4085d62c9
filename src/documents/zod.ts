/**
 * zod as the action uses it: zod/mini, the functional API over zod's core, of which the bundle
 * takes only the functions named (BENCHMARKS.md measures what a cold start loads). Every src module takes zod from here (`import * as z from './zod.ts'`), so
 * that the configuration below holds before any schema is used, and the bundle holds only the
 * parts of zod named here.
 *
 * No JIT: zod compiles a fast path for each object schema with `new Function` on its first use;
 * for the one document a run parses, that costs more (a few ms) than it saves, even at 100k entries.
 * No locale is loaded: the messages users read are the action's own (schemas/violations.ts).
 */
import { config } from 'zod/mini';

config({ jitless: true });

export {
  array,
  custom,
  discriminatedUnion,
  enum,
  int,
  literal,
  looseObject,
  maxLength,
  minLength,
  nonnegative,
  nullable,
  number,
  optional,
  pipe,
  positive,
  record,
  regex,
  strictObject,
  string,
  transform,
  union,
  unknown,
} from 'zod/mini';
export type { core, infer, ZodMiniType } from 'zod/mini';
