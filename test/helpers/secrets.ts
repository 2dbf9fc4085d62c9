/**
 * The secret scan every end-to-end test runs: nothing a run produced that a user or a later
 * step can read may contain a secret of that run, or a form derived from it. The derived forms
 * are computed here, independently of the action's own masking code.
 */
import { expect } from 'vitest';

/** Each secret and the forms it could leak in: PEM body lines, escaped and base64 forms, JWT parts. */
export function derivedForms(secret: string): string[] {
  const forms = new Set<string>([secret.trim()]);
  if (secret.includes('-----BEGIN')) {
    const body = secret
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('-----'));
    for (const line of body) forms.add(line.trim());
    forms.add(body.join(''));
    forms.add(secret.trim().replace(/\n/g, '\\n'));
    forms.add(Buffer.from(secret).toString('base64'));
    forms.add(Buffer.from(secret.trim() + '\n').toString('base64'));
  }
  const jwt = secret.split('.');
  if (jwt.length === 3) forms.add(jwt[2]!); // the signature alone is as good as the token
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(Buffer.from(secret).toString('base64'));
  // Short fragments would match by chance; every real form here is far longer.
  return [...forms].filter((form) => form.length >= 16);
}

/** Fails with the form and where it appeared, without printing the secret itself in full. */
export function expectNoSecrets(texts: Record<string, string>, secrets: readonly string[]): void {
  expect(secrets.length, 'the scan needs the secrets of the run').toBeGreaterThan(0);
  for (const secret of secrets) {
    for (const form of derivedForms(secret)) {
      for (const [where, text] of Object.entries(texts)) {
        if (text.includes(form)) {
          expect.fail(`a secret form (${form.slice(0, 6)}…, ${form.length} chars) appears in ${where}`);
        }
      }
    }
  }
}
