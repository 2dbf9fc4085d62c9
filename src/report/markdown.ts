/** Markdown for the job summary, from text that may come from the file or from Dfns: nothing in it can inject. */

/** Text for a Markdown table cell: no HTML, no pipes, no line breaks, no links, bounded. */
export function md(text: string, max = 300): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return unlinked(
    cut
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
      .replace(/[\r\n\u2028\u2029]+/g, ' ')
      .replace(/\p{Cc}|\p{Cf}/gu, ''),
  );
}

/**
 * GitHub turns bare URLs (`https://…`), `www.` addresses and e-mail addresses in text into links:
 * a zero-width space where they would start keeps them text, so that nothing Dfns or a file says
 * becomes a link in the summary. (Inline code is never linked.)
 */
function unlinked(text: string): string {
  return text
    .replace(/:\/\//g, ':/&#8203;/')
    .replace(/\b(www)\./gi, '$1&#8203;.')
    .replace(/@/g, '&#8203;@');
}

/** Inline code for identifiers, digests and names; backticks inside are dropped. */
export function code(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `\`${cut
    .replace(/`/g, "'")
    .replace(/[\r\n|]/g, ' ')
    .replace(/\p{Cc}|\p{Cf}/gu, '')}\``;
}

/** A table of label and value rows, as the summary shows facts. */
export function factTable(rows: ReadonlyArray<readonly [string, string]>): string[] {
  return rows.length === 0 ? [] : ['| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];
}
