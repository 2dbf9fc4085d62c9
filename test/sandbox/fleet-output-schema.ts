/**
 * The `outputJson` schema of the five fleet operations' submissions (genesis, clone,
 * add-mac-user, add-provisioner, key-harvest: `"type": "fleet-output"`).
 *
 * Read from `fleet-output-schema.yaml` beside this file, a verbatim copy of the shared
 * reference `dfns/fleet-output-schema.yaml` (its comments say where each part comes from and
 * how sure it is). Unlike the keystore schema (output-schema.ts), this one is loaded rather
 * than transcribed: it has moved several times in 2026, and a copy is easier to keep in step
 * byte for byte. Like the keystore schema, it is independent of the action's own: the
 * sandbox judges the action.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Where the verbatim copy of the shared YAML lives. */
export const FLEET_OUTPUT_SCHEMA_PATH = join(import.meta.dirname, 'fleet-output-schema.yaml');

function loadOutputJsonSchema(): Record<string, unknown> {
  const document = parse(readFileSync(FLEET_OUTPUT_SCHEMA_PATH, 'utf8')) as { outputJson?: unknown } | null;
  const schema = document?.outputJson;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error(`${FLEET_OUTPUT_SCHEMA_PATH}: no outputJson schema object at the top level`);
  }
  return schema as Record<string, unknown>;
}

/** The fleet output document (`data.outputJson`), as a JSON Schema object (draft 7 terms, for ajv). */
export const FLEET_OUTPUT_JSON_SCHEMA: Readonly<Record<string, unknown>> = loadOutputJsonSchema();
