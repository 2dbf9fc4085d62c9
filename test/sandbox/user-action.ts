/**
 * User action signing, as Dfns does it for a service account: `POST /auth/action/init` issues
 * a challenge for one request (payload, method, path), `POST /auth/action` exchanges the
 * challenge signed with a registered credential for a single-use user action token, and the
 * request itself presents that token in `X-DFNS-USERACTION`.
 */
import { constants, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { refuse } from './errors.ts';
import { signJwt } from './jwt.ts';

/** Challenges and user action tokens expire after this long. */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** What a user action token authorises: one request, exactly. */
export interface SignedIntent {
  payload: string;
  method: string;
  path: string;
}

interface Issued extends SignedIntent {
  expiresAt: number;
  used: boolean;
}

interface Challenge extends Issued {
  challenge: string;
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding');

const InitBody = z.object({
  userActionPayload: z.string(),
  userActionHttpMethod: z.string().min(1),
  userActionHttpPath: z.string().min(1),
  userActionServerKind: z.literal('Api'),
});

const ActionBody = z.object({
  challengeIdentifier: z.string().min(1),
  firstFactor: z.object({
    kind: z.literal('Key'),
    credentialAssertion: z.object({ credId: z.string().min(1), clientData: base64url, signature: base64url }),
  }),
});

/** `clientData`: `{"type":"key.get","challenge":…}`, optionally with `origin` and `crossOrigin`. */
const ClientData = z.strictObject({
  type: z.string(),
  challenge: z.string(),
  origin: z.string().optional(),
  crossOrigin: z.boolean().optional(),
});

/** Parses `body` with `schema`, or refuses with 400 and the issues. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    refuse(400, `invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues });
  }
  return result.data;
}

/** Verifies a signature the way Dfns does for each key kind; malformed signatures are just invalid. */
function verifyCredentialSignature(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ed25519':
        return verify(null, data, key, signature);
      case 'ec':
        return verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
      case 'rsa':
        return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** The service account's credentials, and the challenges and tokens issued for them. */
export class UserActionSigning {
  private readonly secret = randomBytes(32);
  private readonly credentials = new Map<string, KeyObject>();
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, Issued>();

  /** Registers a public key (SPKI PEM) of a kind Dfns accepts: Ed25519, ECDSA P-256 or secp256k1, RSA. */
  registerCredential(credentialId: string, publicKeyPem: string): void {
    const key = createPublicKey(publicKeyPem);
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const supported =
      key.asymmetricKeyType === 'ed25519' ||
      key.asymmetricKeyType === 'rsa' ||
      (key.asymmetricKeyType === 'ec' && (curve === 'prime256v1' || curve === 'secp256k1'));
    if (!supported) throw new Error(`unsupported credential key type ${key.asymmetricKeyType} ${curve ?? ''}`.trim());
    this.credentials.set(credentialId, key);
  }

  /** `POST /auth/action/init`. */
  init(body: unknown): unknown {
    const request = parseBody(InitBody, body, 'user action challenge request');
    const challenge = randomBytes(32).toString('base64url');
    const now = Date.now();
    const challengeIdentifier = signJwt(
      {
        sub: `ch-${randomBytes(8).toString('hex')}`,
        iat: Math.floor(now / 1000),
        exp: Math.floor((now + CHALLENGE_TTL_MS) / 1000),
        jti: randomBytes(12).toString('base64url'),
      },
      this.secret,
    );
    this.challenges.set(challengeIdentifier, {
      challenge,
      payload: request.userActionPayload,
      method: request.userActionHttpMethod,
      path: request.userActionHttpPath,
      expiresAt: now + CHALLENGE_TTL_MS,
      used: false,
    });
    return {
      challenge,
      challengeIdentifier,
      allowCredentials: {
        key: [...this.credentials.keys()].map((id) => ({ type: 'public-key', id })),
        webauthn: [],
      },
      supportedCredentialKinds: [{ kind: 'Key', factor: 'first', requiresSecondFactor: false }],
      userVerification: 'required',
      attestation: 'direct',
      externalAuthenticationUrl: '',
    };
  }

  /** `POST /auth/action`: checks the signed challenge, answers a single-use user action token. */
  complete(body: unknown): unknown {
    const request = parseBody(ActionBody, body, 'user action signature request');
    const { credId, clientData, signature } = request.firstFactor.credentialAssertion;

    const issued = this.challenges.get(request.challengeIdentifier);
    if (!issued || issued.expiresAt <= Date.now()) refuse(403, 'challenge not found or expired');
    if (issued.used) refuse(403, 'challenge already used');
    issued.used = true; // any attempt spends the challenge

    const key = this.credentials.get(credId);
    if (!key) refuse(403, `credential ${credId} not found for this service account`);

    const clientDataBytes = Buffer.from(clientData, 'base64url');
    let clientDataJson: unknown;
    try {
      clientDataJson = JSON.parse(clientDataBytes.toString('utf8'));
    } catch {
      refuse(400, 'clientData is not valid JSON');
    }
    const parsedClientData = parseBody(ClientData, clientDataJson, 'clientData');
    if (parsedClientData.type !== 'key.get') refuse(403, `invalid clientData: type must be "key.get"`);
    if (parsedClientData.challenge !== issued.challenge) refuse(403, 'invalid clientData: challenge does not match');

    if (!verifyCredentialSignature(key, clientDataBytes, Buffer.from(signature, 'base64url'))) {
      refuse(403, 'invalid signature');
    }

    const userAction = randomBytes(32).toString('base64url');
    this.tokens.set(userAction, {
      payload: issued.payload,
      method: issued.method,
      path: issued.path,
      expiresAt: Date.now() + CHALLENGE_TTL_MS,
      used: false,
    });
    return { userAction };
  }

  /** Every user action token issued so far, used or not: secrets of the runs that got them. */
  get issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Spends a user action token presented by a request: what it was signed for, or a refusal. */
  consume(token: string | undefined): SignedIntent {
    if (!token) refuse(403, 'missing user action token (X-DFNS-USERACTION header)');
    const issued = this.tokens.get(token);
    if (!issued || issued.used || issued.expiresAt <= Date.now()) refuse(403, 'user action token invalid or already used');
    issued.used = true;
    return { payload: issued.payload, method: issued.method, path: issued.path };
  }

  /** Spends a token without checking it (a request that never reached the handler still presented it). */
  burn(token: string | undefined): void {
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (issued) issued.used = true;
  }
}
