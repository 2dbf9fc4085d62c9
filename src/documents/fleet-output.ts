/**
 * The `fleet-output` document of the five fleet ceremonies (genesis, clone, add-mac-user,
 * add-provisioner, key-harvest): one schema for all five, transcribed rule for rule from Dfns's
 * published enums (API version 1.891.1) and its SDKs' generated types (1.993.1).
 *
 * It checks what the schema requires, its types and its enums, and nothing stricter: the SDK
 * types carry no lengths or patterns, and this shape has moved several times in 2026, so every
 * object stays open to extra fields (`looseObject`).
 */
import * as z from './zod.ts';
import { checkDocument, isPlainObject, protoKeyIssues, type Issue } from './violations.ts';

const text = () => z.string();
const number = () => z.number();
/** JSON Schema `type: [string, "null"]`. */
const stringOrNull = () =>
  z.custom<string | null>((value) => value === null || typeof value === 'string', { error: 'expected a string or null' });
/** Any value, also absent (JSON Schema `{}`; the SDK's `unknown | null`). */
const anything = () => z.optional(z.unknown());

/** The schema, rule for rule. */
function buildSchemas() {
  const GenesisRegistration = z.looseObject({
    type: z.literal('genesis-registration'),
    ceremony_mode: z.optional(text()),
    hsm_serial: text(),
    hsm_identity_key: text(),
    mac_serial: text(),
    mac_se_wrap_key_pub_key: text(),
    provisioners: z.record(z.string(), text()),
    hsm_sealed: anything(),
    key_harvest: z.looseObject({
      'ed25519-start': number(),
      ed25519: number(),
      error: stringOrNull(),
      'secp256k1-start': number(),
      secp256k1: number(),
    }),
  });

  const CloneRegistration = z.looseObject({
    type: z.literal('clone-registration'),
    ceremony_mode: z.optional(text()),
    hsm_target_serial: text(),
    hsm_identity_key: text(),
    mac_target_serial: text(),
    mac_se_wrap_key_pub_key: text(),
    hsm_sealed: anything(),
  });

  const AddMacUser = z.looseObject({
    type: z.literal('add-mac-user'),
    ceremony_mode: z.optional(text()),
    hsm_target_serial: text(),
    hsm_identity_key: text(),
    mac_target_serial: text(),
    mac_username: z.optional(text()),
    mac_se_wrap_key_pub_key: text(),
    hsm_sealed: anything(),
  });

  const AddProvisioner = z.looseObject({
    type: z.literal('add-provisioner'),
    ceremony_mode: z.optional(text()),
    provisioner_label: text(),
    provisioner_public_key_hex: text(),
    yubikey_serial: text(),
  });

  const KeyHarvest = z.looseObject({
    type: z.literal('key-harvest'),
    hsm_target_serial: text(),
    mac_target_serial: text(),
    mac_target_username: text(),
    key_harvest: z.looseObject({
      secp256k1: z.optional(number()),
      secp256k1_end: z.optional(number()),
      ed25519: z.optional(number()),
      ed25519_end: z.optional(number()),
    }),
  });

  /** The schema's `oneOf`: the five kinds differ in their `type` enum, so at most one matches. */
  const FleetSuccess = z.discriminatedUnion('type', [GenesisRegistration, CloneRegistration, AddMacUser, AddProvisioner, KeyHarvest]);

  const FleetEntry = z.looseObject({ success: FleetSuccess });

  const FleetOutput = z.looseObject({
    type: z.literal('fleet-output'),
    version: z.literal(1),
    status: z.literal('success'),
    org_id: text(),
    fleet_id: text(),
    fleet_label: text(),
    keystore_id: text(),
    group_id: text(),
    online_domain: text(),
    governance: z.optional(z.looseObject({})),
    outputs: z.record(z.string(), FleetEntry),
  });
  return { FleetOutput, FleetEntry };
}

/** The schemas are built on first use: a run validates one document type and builds only its schema. */
let built: ReturnType<typeof buildSchemas> | undefined;
const schemas = (): ReturnType<typeof buildSchemas> => (built ??= buildSchemas());

export type FleetOutput = z.infer<ReturnType<typeof buildSchemas>['FleetOutput']>;

/** Checks a parsed document against the schema, reporting every violation with its path. */
export function validateFleetOutput(value: unknown): FleetOutput {
  return checkDocument(value, schemas().FleetOutput, protoIssues, 'fleet output');
}

/** The `__proto__` keys of the schema's two records: `outputs` and a genesis entry's `provisioners`. */
function protoIssues(value: unknown): Issue[] {
  const outputs = isPlainObject(value) ? value['outputs'] : undefined;
  if (!isPlainObject(outputs)) return [];
  const issues = protoKeyIssues(outputs, schemas().FleetEntry, ['outputs']);
  for (const [key, entry] of Object.entries(outputs)) {
    const success = isPlainObject(entry) ? entry['success'] : undefined;
    if (!isPlainObject(success) || success['type'] !== 'genesis-registration') continue;
    issues.push(...protoKeyIssues(success['provisioners'], text(), ['outputs', key, 'success', 'provisioners']));
  }
  return issues;
}
