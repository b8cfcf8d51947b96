import { createHash } from 'node:crypto';

/** A bcrypt hash anywhere in a text ($2a$, $2b$ or $2y$, cost, 53 characters of salt and hash). */
export const BCRYPT_HASH = /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/u;

/** The forms a secret could leak in: itself and its SHA-256 digest, base64url or hex. */
function formsOf(secret: string): string[] {
  const digest = createHash('sha256').update(secret).digest();
  return [secret, digest.toString('base64url'), digest.toString('hex')];
}

/** Collects the secrets a test handles, and finds which of them (or their digests) a text holds. */
export class Secrets {
  private readonly values = new Set<string>();

  add(...values: (string | null | undefined)[]): void {
    for (const value of values) if (value) this.values.add(value);
  }

  get size(): number {
    return this.values.size;
  }

  /**
   * Each secret found in the text, in any of its forms (only as itself with `rawOnly`, for a
   * table that is meant to hold the digests), with the form that was found.
   */
  foundIn(text: string, { rawOnly = false } = {}): string[] {
    return [...this.values].flatMap((secret) =>
      (rawOnly ? [secret] : formsOf(secret))
        .filter((form) => text.includes(form))
        .map((form) => (form === secret ? secret : `${secret} (digest ${form})`)),
    );
  }
}
