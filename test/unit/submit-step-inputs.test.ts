import { describe, expect, it } from 'vitest';
import { DEFAULT_API_URL, StepInputError, parseSubmitStepInputs, type SubmitStepInputs } from '../../src/actions/submit/step-inputs.ts';
import { runnerInputs } from '../helpers/runner-inputs.ts';

/** Raw inputs as the runner gives them: every declared input, with its action.yml default. */
const raw = (given: Record<string, string>): ((name: string) => string) => runnerInputs('submit', given);

const credentials = { 'dfns-token': 'tok', 'dfns-credential-id': 'cr-1', 'dfns-private-key': 'pem' };
const parse = (given: Record<string, string>): SubmitStepInputs =>
  parseSubmitStepInputs(raw({ path: 'out.json', ...credentials, ...given }));
const refusal = (given: Record<string, string>): string => {
  try {
    parse(given);
  } catch (error) {
    expect(error).toBeInstanceOf(StepInputError);
    return (error as Error).message;
  }
  throw new Error('expected an StepInputError');
};

describe('parseSubmitStepInputs', () => {
  it('maps each action.yml input to its field, with the documented defaults', () => {
    const inputs = parseSubmitStepInputs(
      raw({
        path: 'fleet/*.json',
        'store-id': 'ks-1',
        operation: 'proof-of-control',
        'dfns-api-url': 'https://api.uae.dfns.io/',
        'dfns-token': 'tok',
        'dfns-credential-id': 'cr-abc',
        'dfns-private-key': '-----BEGIN PRIVATE KEY-----',
        'expected-checksum': 'sha256:' + 'AB'.repeat(32),
        'dry-run': 'false',
        'timeout-seconds': '12.5',
      }),
    );
    expect(inputs).toEqual({
      path: 'fleet/*.json',
      storeId: 'ks-1',
      operation: 'proof-of-control',
      apiUrl: new URL('https://api.uae.dfns.io'),
      credentials: { token: 'tok', credentialId: 'cr-abc', privateKey: '-----BEGIN PRIVATE KEY-----' },
      expectedChecksum: 'ab'.repeat(32),
      dryRun: undefined,
      bearerPrefixRemoved: false,
      timeoutSeconds: 12.5,
      artifact: undefined,
      failOnPartial: false,
    });
    const defaults = parseSubmitStepInputs(raw({ path: 'x.json', 'dry-run': 'true' }));
    expect(defaults).toEqual({
      path: 'x.json',
      storeId: undefined,
      operation: undefined,
      apiUrl: new URL(DEFAULT_API_URL),
      credentials: {},
      expectedChecksum: undefined,
      dryRun: 'offline',
      bearerPrefixRemoved: false,
      timeoutSeconds: 60,
      artifact: undefined,
      failOnPartial: false,
    });
    // A dry run keeps the credentials it is given, to check them.
    expect(parseSubmitStepInputs(raw({ path: 'x.json', 'dry-run': 'true', 'dfns-credential-id': 'cr-1' })).credentials).toEqual({
      credentialId: 'cr-1',
    });
  });

  it('requires path', () => {
    expect(refusal({ path: '' })).toBe(
      'step input "path" is required: the output file (or a glob matching it), unless "artifact-name" names the artifact that holds it',
    );
  });

  it('requires the credentials unless dry-run', () => {
    expect(refusal({ 'dfns-token': '', 'dfns-private-key': '' })).toBe(
      '"dfns-token", "dfns-private-key" are required to submit (pass them from repository secrets), or set "dry-run: true" to validate without submitting',
    );
    expect(parse({ 'dfns-token': '', 'dfns-credential-id': '', 'dfns-private-key': '', 'dry-run': 'true' }).dryRun).toBe('offline');
    expect(refusal({ 'dfns-private-key': '', 'dry-run': 'online' })).toBe(
      '"dfns-private-key" is required for an online dry run, which checks them against Dfns (pass them from repository secrets), or set "dry-run: true" to check without Dfns',
    );
  });

  it('reads dry-run: online, which keeps every credential', () => {
    expect(parse({ 'dry-run': 'online' })).toMatchObject({
      dryRun: 'online',
      credentials: { token: expect.any(String), credentialId: expect.any(String) },
    });
    expect(parse({ 'dry-run': 'Online' }).dryRun).toBe('online');
  });

  it('removes a "Bearer " pasted in front of the token, and says so', () => {
    expect(parse({ 'dfns-token': 'Bearer  eyJ.abc.def' })).toMatchObject({
      credentials: { token: 'eyJ.abc.def' },
      bearerPrefixRemoved: true,
    });
    expect(parse({ 'dfns-token': 'bearer eyJ.abc.def' }).credentials.token).toBe('eyJ.abc.def');
    expect(parse({ 'dfns-token': 'eyJ.abc.def' })).toMatchObject({ credentials: { token: 'eyJ.abc.def' }, bearerPrefixRemoved: false });
  });

  it.each([
    [
      { operation: 'sign' },
      'step input "operation" must be one of onchain-sign, proof-of-control, genesis, clone, add-mac-user, add-provisioner, key-harvest, or empty for the operation the file is for; got "sign"',
    ],
    [{ 'dry-run': 'yes' }, 'step input "dry-run" must be true, false or online, got "yes"'],
    [{ 'timeout-seconds': '0' }, 'step input "timeout-seconds" must be a number of seconds above 0 and at most 3600, got "0"'],
    [{ 'timeout-seconds': '1e3' }, 'step input "timeout-seconds" must be a number of seconds above 0 and at most 3600, got "1e3"'],
    [{ 'timeout-seconds': '7200' }, 'step input "timeout-seconds" must be a number of seconds above 0 and at most 3600, got "7200"'],
    [
      { 'expected-checksum': 'abc' },
      'step input "expected-checksum" must be a SHA-256 digest: 64 hexadecimal characters (optionally prefixed "sha256:"), got 3 characters',
    ],
    [
      { 'dfns-credential-id': 'cr 1 with spaces' },
      'step input "dfns-credential-id" must be the service account credential id shown in the Dfns dashboard: "cr-" then letters, digits and dashes ' +
        '(cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx); got 16 characters not starting with "cr-" (not shown, in case it is a misplaced secret)',
    ],
    [
      { 'dfns-credential-id': 'my-service-account' },
      'step input "dfns-credential-id" must be the service account credential id shown in the Dfns dashboard: "cr-" then letters, digits and dashes ' +
        '(cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx); got 18 characters not starting with "cr-" (not shown, in case it is a misplaced secret)',
    ],
    [
      { 'dfns-credential-id': 'cr-ab_c' },
      'step input "dfns-credential-id" must be the service account credential id shown in the Dfns dashboard: "cr-" then letters, digits and dashes ' +
        '(cr-xxxxx-xxxxx-xxxxxxxxxxxxxxxx); got 7 characters (not shown, in case it is a misplaced secret)',
    ],
    [
      { 'receipt-retention-days': '0' },
      'step input "receipt-retention-days" must be a whole number of days from 1 to 90 (or empty for the repository\'s default), got "0"',
    ],
    [
      { 'receipt-retention-days': '91' },
      'step input "receipt-retention-days" must be a whole number of days from 1 to 90 (or empty for the repository\'s default), got "91"',
    ],
    [
      { 'receipt-retention-days': '1.5' },
      'step input "receipt-retention-days" must be a whole number of days from 1 to 90 (or empty for the repository\'s default), got "1.5"',
    ],
    [{ 'dfns-api-url': 'api.dfns.io' }, 'step input "dfns-api-url" is not a URL: "api.dfns.io" (expected e.g. https://api.dfns.io)'],
    [
      { 'dfns-api-url': 'http://api.dfns.io' },
      'step input "dfns-api-url" must use https (http is allowed only for loopback hosts, for testing), got "http://api.dfns.io"',
    ],
    [
      { 'dfns-api-url': 'https://api.dfns.io/v1' },
      'step input "dfns-api-url" must be the API origin without a path (e.g. https://api.dfns.io), got "https://api.dfns.io/v1"',
    ],
    [
      { 'dfns-api-url': 'https://api.dfns.io/?x=1' },
      'step input "dfns-api-url" must be the API origin without a path (e.g. https://api.dfns.io), got "https://api.dfns.io/?x=1"',
    ],
    [{ 'dfns-api-url': 'https://user:pw@api.dfns.io' }, 'step input "dfns-api-url" must not contain credentials'],
    [{ 'dfns-api-url': 'ftp://api.dfns.io' }, 'step input "dfns-api-url" must use https, got "ftp:"'],
  ])('refuses %j', (given, message) => {
    expect(refusal(given)).toBe(message);
  });

  it('never echoes a value given as the credential id (it may be a misplaced secret)', () => {
    const message = refusal({ 'dfns-credential-id': '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI' });
    expect(message).not.toContain('MC4CAQAw');
  });

  it.each(['http://localhost:8080', 'http://127.0.0.1:1', 'http://127.9.9.9', 'http://[::1]:3000', 'http://sandbox.localhost'])(
    'allows http on the loopback host %s',
    (url) => {
      expect(parse({ 'dfns-api-url': url }).apiUrl.origin).toBe(new URL(url).origin);
    },
  );

  it('reads the artifact inputs', () => {
    expect(
      parse({
        path: '',
        'artifact-name': 'fleet-output',
        'run-id': '123',
        repository: 'acme/ops',
        'github-token': 'ghs_x',
        'allow-fork-artifacts': 'true',
      }).artifact,
    ).toEqual({
      artifactName: 'fleet-output',
      runId: 123,
      repository: 'acme/ops',
      githubToken: 'ghs_x',
      allowForkArtifacts: true,
    });
    expect(refusal({ 'artifact-name': 'a', 'run-id': '12x' })).toBe(
      'step input "run-id" must be a workflow run id (a positive whole number), got "12x"',
    );
    expect(refusal({ 'artifact-name': 'a', repository: 'nope' })).toBe('step input "repository" must be owner/name, got "nope"');
    expect(refusal({ 'run-id': '1', repository: 'a/b' })).toBe(
      '"run-id" and "repository" apply only with "artifact-name"; set it, or remove them',
    );
  });

  it('accepts True/FALSE spellings of booleans, as the toolkit does', () => {
    expect(parse({ 'dry-run': 'True' }).dryRun).toBe('offline');
    expect(parse({ 'dry-run': 'FALSE' }).dryRun).toBeUndefined();
  });
});
