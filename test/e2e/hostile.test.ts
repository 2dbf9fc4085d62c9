/**
 * A hostile world, through the built actions (a child process each, as a runner starts them): a
 * Dfns that echoes the request's headers (the token, the user action token) in what it answers,
 * once per action, and a file name that would start workflow commands of its own. Every run here
 * is also scanned by the harness (helpers/e2e.ts): no secret or piece of one in the log, the
 * outputs, the summary, the receipt or any file written, and no workflow command the action did
 * not write. The many other cases run in process: test/integration/hostile.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureMessage, receiptOf } from '../helpers/action-runner.ts';
import { expectRefusedLocally, fixtureText, onlyOne, startE2E, STORE_ID, type E2E } from '../helpers/e2e.ts';

const onchain = fixtureText('onchain-sign-output.json');
const genesis = fixtureText('genesis-output.json');
/** A name that, printed raw, would end the line and start commands of its own, and move the terminal. */
const HOSTILE_NAME = 'out\n::error title=Injected::owned\n::add-mask::Dfns\u001b]8;;evil.example\u0007x.json';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('ed25519');
  // Answers without an X-Request-ID, as Dfns may send them (first-contact.test.ts covers request ids).
  e2e.sandbox.setRequestIds(false);
});
afterAll(() => e2e.close());
beforeEach(() => e2e.sandbox.clearFaults());

describe('a Dfns that echoes the request headers keeps no secret anywhere', () => {
  it('a fleet answer whose message echoes the headers (output action): the dfns-message output, the summary and the receipt hold none', async () => {
    e2e.sandbox.injectFault('submit', { kind: 'echo', status: 200, field: 'message', process: true });
    const run = await e2e.submit({ files: { 'genesis.json': genesis }, inputs: { path: 'genesis.json' } });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(onlyOne(run.seen.submissions, 'submission').accepted).toBe(true);
    expect(run.outputs['dfns-message']).toMatch(
      /^done; you sent:\\x0D\\x0AAuthorization: Bearer \*\*\*\\x0D\\x0AX-DFNS-USERACTION: \*\*\*\\x0D\\x0A/,
    );
    expect(receiptOf(run).answer.dfnsMessage).toBe(run.outputs['dfns-message']);
    expect(run.summary).toContain(
      String.raw`| Dfns message | done; you sent:\\x0D\\x0AAuthorization: Bearer \*\*\*\\x0D\\x0AX-DFNS-USERACTION: \*\*\*\\x0D\\x0A`,
    );
  });

  it('a 500 whose plain-text body is the header dump (input action): unknown, and nothing kept', async () => {
    e2e.sandbox.injectFault('create', { kind: 'echo', status: 500, field: 'text', process: true });
    const run = await e2e.createInputArchive({ inputs: { operation: 'onchain-sign', 'store-id': STORE_ID } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.outputs['status']).toBe('unknown');
    const message = failureMessage(run);
    expect(message).toContain('Authorization: Bearer ***');
    expect(message).toContain('X-DFNS-USERACTION: ***');
  });
});

describe('names from outside never start a command of their own', () => {
  it('a workspace file whose name holds line breaks, commands and escape sequences is refused, shown escaped', async () => {
    const run = await e2e.submit({ files: { [HOSTILE_NAME]: onchain }, inputs: { path: '*.json', 'dry-run': 'true' } });
    const message = expectRefusedLocally(run, { title: 'Unsafe file name' });
    expect(message).toBe(
      'the file "out\\x0A::error title=Injected::owned\\x0A::add-mask::Dfns\\x1B]8;;evil.example\\x07x.json" has a name with ' +
        'line breaks, control or invisible characters (shown escaped), which the action does not take: rename it. Nothing was submitted.',
    );
  });
});
