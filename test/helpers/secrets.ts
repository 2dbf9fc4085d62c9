/**
 * The secret scan every end-to-end test runs: nothing a run produced that a user or a later
 * step can read may contain a secret of that run, a form derived from it, or a piece of one (a
 * text cut after 300 characters keeps the token's first 293). The derived forms are computed
 * here, independently of the action's own masking code.
 */
import { expect } from 'vitest';

/** Characters of a form's start and end looked for: a cut secret leaves one of them. */
const FRAGMENT_CHARS = 16;

/** Each secret and the forms it could leak in: PEM body lines, escaped and base64 forms, JWT parts. */
export function derivedForms(secret: string): string[] {
  const forms = new Set<string>([secret.trim()]);
  if (secret.includes('-----BEGIN')) {
    const body = secret.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('-----'));
    for (const line of body) forms.add(line.trim());
    forms.add(body.join(''));
    forms.add(secret.trim().replace(/\n/g, '\\n'));
    forms.add(Buffer.from(secret).toString('base64'));
    forms.add(Buffer.from(secret.trim() + '\n').toString('base64'));
    // The same PEM with its body in lines of 64 characters, as PEM writers wrap it.
    const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(secret)?.[1];
    if (label !== undefined) {
      const rewrapped = `-----BEGIN ${label}-----\n${(body.join('').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
      forms.add(rewrapped.replace(/\n/g, '\\n'));
      forms.add(Buffer.from(rewrapped).toString('base64'));
      for (const line of rewrapped.split('\n')) if (!line.startsWith('-----')) forms.add(line);
    }
  }
  const jwt = secret.split('.');
  if (jwt.length === 3) {
    forms.add(jwt[1]!); // the claims
    forms.add(jwt[2]!); // the signature alone is as good as the token
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(Buffer.from(secret).toString('base64'));
  // Short fragments would match by chance; every real form here is far longer.
  return [...forms].filter((form) => form.length >= FRAGMENT_CHARS);
}

/**
 * The pieces of a secret that must not appear either: the last FRAGMENT_CHARS characters of each
 * form, and the first of each form whose start is its own. Not the starts every key or token of its
 * kind shares (a PEM's armour and leading ASN.1, a JWT's header): they tell nothing of this secret.
 */
function secretFragments(secret: string): string[] {
  const fragments = new Set<string>();
  const pem = secret.includes('-----BEGIN');
  const firstBodyLine = pem
    ? secret
        .split(/\r?\n/)
        .find((line) => line.trim() !== '' && !line.startsWith('-----'))
        ?.trim()
    : undefined;
  for (const form of derivedForms(secret)) {
    fragments.add(form.slice(-FRAGMENT_CHARS));
    const sharedStart =
      form.startsWith('eyJ') ||
      (pem && (form.startsWith(firstBodyLine!.slice(0, FRAGMENT_CHARS)) || !/^[A-Za-z0-9+/]{16}/.test(form) || form.startsWith('LS0tLS1')));
    if (!sharedStart) fragments.add(form.slice(0, FRAGMENT_CHARS));
  }
  return [...fragments];
}

/** Fails with the form and where it appeared, without printing the secret itself in full. */
export function expectNoSecrets(texts: Record<string, string>, secrets: readonly string[]): void {
  expect(secrets.length, 'the scan needs the secrets of the run').toBeGreaterThan(0);
  for (const secret of secrets) {
    for (const form of [...derivedForms(secret), ...secretFragments(secret)]) {
      for (const [where, text] of Object.entries(texts)) {
        if (text.includes(form)) {
          expect.fail(`a secret form or piece (${form.slice(0, 6)}…, ${form.length} chars) appears in ${where}`);
        }
      }
    }
  }
}
