/**
 * The secrets of this run, which the gate (safe-text.ts) takes out of every text before anything
 * else is done to it: the Dfns token, each form of the private key, the GitHub token, and every
 * user action token Dfns issues. A run registers them as it learns them (keepSecret), so that a
 * server that echoes one back, whole or cut, never gets it into a log line, an output, the job
 * summary or the receipt. The runner's own masking only hides whole values in the log.
 */

/** Shorter values are not taken out of texts: they would match by chance (no real secret is this short). */
export const MIN_SECRET_CHARS = 8;
/** What a secret is replaced with, as the runner's masking shows it. */
const REDACTED = '***';
/**
 * A text that ends with at least this many characters of a secret's start (or starts with its
 * end) was cut through the secret, upstream (an answer read up to a cap, say): that part goes too.
 */
const MIN_SECRET_EDGE_CHARS = 12;

const secrets = new Set<string>();
/** Longest first, so that a secret holding another (a PEM holding its lines) goes whole. */
let ordered: string[] = [];

/** Registers a secret of the run: from now on the gate takes it out of every text. */
export function registerSecret(value: string): void {
  const secret = value.trim();
  if (secret.length < MIN_SECRET_CHARS || secrets.has(secret)) return;
  secrets.add(secret);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Registers a secret and masks it in the runner's log (`mask` is core.setSecret, or a test's recorder). */
export function keepSecret(value: string, mask: (value: string) => void): void {
  registerSecret(value);
  mask(value);
}

/**
 * `text` with every registered secret replaced by `***`, and a secret's start at the end of the
 * text (or its end at the start) too. The first step of the gate: nothing cuts a text before this.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    out = redactEdges(out, secret);
  }
  return out;
}

/** A secret cut by whoever cut the text before it reached the gate: its start ending the text, or its end starting it. */
function redactEdges(text: string, secret: string): string {
  let out = text;
  const head = secret.slice(0, MIN_SECRET_EDGE_CHARS);
  // The text's tail that is a start of the secret: found by where the secret's first characters occur near the end.
  for (let at = out.indexOf(head, Math.max(0, out.length - secret.length)); at !== -1; at = out.indexOf(head, at + 1)) {
    if (secret.startsWith(out.slice(at))) {
      out = `${out.slice(0, at)}${REDACTED}`;
      break;
    }
  }
  const tail = secret.slice(-MIN_SECRET_EDGE_CHARS);
  const limit = Math.min(out.length, secret.length);
  for (let end = out.lastIndexOf(tail, limit - MIN_SECRET_EDGE_CHARS); end !== -1; end = end === 0 ? -1 : out.lastIndexOf(tail, end - 1)) {
    const stop = end + MIN_SECRET_EDGE_CHARS;
    if (secret.endsWith(out.slice(0, stop))) {
      out = `${REDACTED}${out.slice(stop)}`;
      break;
    }
  }
  return out;
}
