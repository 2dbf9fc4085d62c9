/** What the output action says of an output whose fleet reported failure. */
import type { Logger } from '../../base/logger.ts';
import type { OfflineSignerOutput, OutputCounts } from '../../documents/documents.ts';

/** A keystore output whose fleet reported failure is still submitted (Dfns must learn of it), with a warning. */
export function warnOnFleetFailure(output: OfflineSignerOutput, counts: OutputCounts, log: Logger): void {
  if (output.status !== 'fail') return;
  log.warning(
    `the fleet reported failure: the output's status is "fail" (${counts.fail} of ${counts.total} outputs failed). ` +
      'It is still submitted, because Dfns must learn of it.',
    'Fleet reported failure',
  );
}
