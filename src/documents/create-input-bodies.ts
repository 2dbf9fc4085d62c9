/**
 * The documented request bodies of `POST /key-stores/{storeId}/<operation>/input` (Dfns API
 * reference, API.md "The inputs"). The action sends these, so they are strict: a key Dfns does
 * not document is refused rather than sent, and every violation is reported with its field.
 */
import type { Operation } from './operations.ts';
import { checkDocument, type Issue } from './violations.ts';
import * as z from './zod.ts';

const serial = () => z.string().check(z.minLength(1, { error: 'must not be empty' }));
/** A whole number, in the range JSON numbers carry exactly (violations.ts words a number beyond it). */
const count = () => z.int().check(z.nonnegative({ error: 'must not be negative' }));

/** Built on first use: a run sends one operation's body. */
function buildBodies() {
  return {
    'onchain-sign': z.strictObject({}),
    'proof-of-control': z.strictObject({
      walletIds: z
        .array(serial())
        .check(
          z.minLength(1, { error: 'must hold at least 1 wallet id' }),
          z.maxLength(100, { error: 'must hold at most 100 wallet ids' }),
        ),
    }),
    genesis: z.strictObject({
      kind: z.literal('Genesis'),
      numProvisioners: count(),
      numOperational: count(),
      numSecp256k1: count(),
      numEd25519: count(),
      hsmGenesisSerial: serial(),
      macGenesisSerial: z.optional(serial()),
      hsmGenesisFirmwareVersion: z.optional(z.literal('2.4')),
    }),
    clone: z.strictObject({
      kind: z.literal('Clone'),
      hsmSourceSerial: serial(),
      hsmTargetSerial: serial(),
      macTargetSerial: z.optional(serial()),
    }),
    'add-mac-user': z.strictObject({ kind: z.literal('AddMacUser'), macTargetSerial: serial(), hsmTargetSerial: serial() }),
    'add-provisioner': z.strictObject({ kind: z.literal('AddProvisioner'), yubikeySerial: serial(), hsmTargetSerial: serial() }),
    'key-harvest': z.strictObject({
      kind: z.literal('KeyHarvest'),
      hsmTargetSerial: serial(),
      macTargetSerial: serial(),
      macTargetUsername: serial(),
      numSecp256k1: z.optional(count()),
      numEd25519: z.optional(count()),
    }),
  } satisfies Record<Operation, z.ZodMiniType>;
}

let built: ReturnType<typeof buildBodies> | undefined;

const noExtraIssues = (): Issue[] => [];

/** Checks a request body against the operation's documented one; throws SchemaError naming each field. */
export function validateCreateInputBody(operation: Operation, body: unknown): unknown {
  built ??= buildBodies();
  return checkDocument(body, built[operation] as z.ZodMiniType<unknown>, noExtraIssues, `request body of ${operation}`, {
    unexpectedKeys: 'Dfns documents no such field for this operation',
  });
}
