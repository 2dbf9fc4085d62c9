/** Lists in messages: the first few items, then how many more. */
import { safeText } from './safe-text.ts';

/** `"a", "b", "c" and 4 more`: the first `max` items, each written by `show`, then a count of the rest. */
export function listFirst<T>(items: readonly T[], max: number, show: (item: T) => string): string {
  const shown = items.slice(0, max).map(show).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** `"a", "b" and 4 more`, each name quoted and made safe for a log line. */
export function listNames(names: readonly string[], max: number, maxChars?: number): string {
  return listFirst(names, max, (name) => `"${safeText(name, maxChars)}"`);
}
