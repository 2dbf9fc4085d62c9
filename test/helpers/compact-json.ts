/**
 * The compact form of a JSON text, as every Dfns SDK sends the `data` part: the white space
 * between tokens removed, strings as written. By one regular expression over the whole text,
 * independently of src/dfns/data-part.ts, which does it a slice at a time.
 */
export function compactJson(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|[ \t\n\r]+/g, (_, string: string | undefined) => string ?? '');
}
