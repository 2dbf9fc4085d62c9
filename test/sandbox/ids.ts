/** Random ids in the shape of Dfns's: `<prefix>-xxxxx-xxxxx-xxxxxxxxxxxxxxxx` (`or-…`, `us-…`, `gr-…`). */
import { randomInt } from 'node:crypto';

const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

export function randomDfnsId(prefix: string): string {
  const pick = (n: number) => Array.from({ length: n }, () => ID_CHARS[randomInt(ID_CHARS.length)]).join('');
  return `${prefix}-${pick(5)}-${pick(5)}-${pick(16)}`;
}
