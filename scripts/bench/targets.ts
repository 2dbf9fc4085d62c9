/** The targets the figures are held to, and the row each gives the report's summary. */

export const TARGETS = {
  /** Cold start: at most this many times the floor's... */
  cold: 1.3,
  /** ...and the aim. */
  coldAim: 1.2,
  /** TCP connections per submission (three calls). */
  connections: 1,
  /** A large output's run: at most this many times the baseline's wall time. */
  largeTime: 4,
  /** A large output's run: peak RSS at most this many times the file's size... */
  rssFactor: 6,
  /** ...plus this many bytes. */
  rssAllowance: 100e6,
  /** `npm test` on a clean clone of a 2-CPU machine, seconds. */
  testSeconds: 90,
} as const;

/** A row of the summary. */
export interface TargetRow {
  target: string;
  measured: string;
  met: boolean;
  /** What missed the target, for the summary's list (empty when met). */
  missed: string[];
}
