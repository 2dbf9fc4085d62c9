/**
 * The `outputJson` sub-schema of `POST /key-stores/{storeId}/onchain-sign/output`, transcribed
 * rule for rule from Dfns's OpenAPI document (API version 1.891.1,
 * `requestBody.content['multipart/form-data'].schema.properties.data.properties.outputJson`).
 *
 * Embedded rather than read from the YAML so the sandbox works from any checkout. It is kept
 * independent of the action's own schema on purpose: the sandbox judges the action.
 */

/** `data.fileChecksum`: a SHA-256 digest, 64 lowercase hex characters. */
export const FILE_CHECKSUM_PATTERN = '^[a-f0-9]{64}$';

const failResult = {
  type: 'object',
  properties: {
    fail: {
      type: 'object',
      properties: {
        message: { type: 'string', minLength: 1 },
        code: { type: 'string', minLength: 1 },
      },
      required: ['message', 'code'],
    },
  },
  required: ['fail'],
  additionalProperties: false,
} as const;

const proofOfControlOutput = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['proof-of-control-v1'] },
    result: {
      anyOf: [
        {
          type: 'object',
          properties: {
            success: {
              type: 'object',
              properties: {
                signer_public_key: { type: 'string', pattern: '^[a-f0-9]+$' },
                prefix: { type: 'string', pattern: '^[a-f0-9]+$' },
                message: { type: 'string', minLength: 1 },
                exact_bytes_signed: { type: 'string', pattern: '^[a-f0-9]{64}$' },
                signature: { type: 'string', pattern: '^[a-f0-9]+$' },
              },
              required: ['signer_public_key', 'prefix', 'message', 'exact_bytes_signed', 'signature'],
            },
          },
          required: ['success'],
          additionalProperties: false,
        },
        failResult,
      ],
    },
  },
  required: ['type', 'result'],
  title: 'Proof of Control Output',
} as const;

const onchainSignOutput = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['onchain-sign-v1'] },
    result: {
      anyOf: [
        {
          type: 'object',
          properties: {
            success: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                properties: {
                  signer_public_key: { type: 'string', pattern: '^[a-f0-9]+$' },
                  exact_bytes_signed: { type: 'string', pattern: '^[a-f0-9]+$' },
                  signature: { type: 'string', pattern: '^[a-f0-9]+$' },
                },
                required: ['signer_public_key', 'exact_bytes_signed', 'signature'],
              },
            },
          },
          required: ['success'],
          additionalProperties: false,
        },
        failResult,
      ],
    },
  },
  required: ['type', 'result'],
  title: 'Onchain Sign Output',
} as const;

/** The keystore output document (`data.outputJson`). */
export const OUTPUT_JSON_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['keystore-output'] },
    version: { type: 'number', enum: [1] },
    org_id: { type: 'string', minLength: 1 },
    fleet_id: { type: 'string', minLength: 1 },
    keystore_id: { type: 'string', minLength: 1 },
    group_id: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: ['success', 'partial', 'fail'] },
    outputs: {
      type: 'object',
      additionalProperties: { oneOf: [proofOfControlOutput, onchainSignOutput] },
    },
  },
  required: ['type', 'version', 'org_id', 'fleet_id', 'keystore_id', 'group_id', 'status', 'outputs'],
} as const;
