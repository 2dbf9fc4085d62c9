/** How the report writes figures and tables. */

export const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
/** MB = 10⁶ bytes. */
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
export const ratio = (v: number): string => `${v.toFixed(2)}×`;
/** A count with thousands separators: 100,000. */
export const count = (n: number): string => n.toLocaleString('en-US');
/** min–max of timings, or nothing for a single one. */
export const spread = (values: readonly number[]): string =>
  values.length > 1 ? `${ms(Math.min(...values))}–${ms(Math.max(...values))}` : '';
/** "1 run", "3 runs". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
/** A signed difference in words: "12 ms more", "3.0 ms less". */
export const moreOrLess = (v: number, unit: (v: number) => string): string => `${unit(Math.abs(v))} ${v >= 0 ? 'more' : 'less'}`;
export const verdict = (ok: boolean): string => (ok ? '✅ met' : '❌ missed');

const row = (cells: ReadonlyArray<string | number>): string => `| ${cells.join(' | ')} |`;

export const table = (head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
