import { createHash, randomBytes } from 'node:crypto';
import { v4 as uuidv4, validate as isUuid } from 'uuid';

/** A random UUID v4: 122 bits from the platform's CSPRNG. Used for ids, sessions and resets. */
export function generateUuid(): string {
  return uuidv4();
}

/**
 * The form in which session ids and reset tokens are stored and indexed. A dump of the table
 * holds only digests, which cannot be turned back into a cookie or a reset link. A plain SHA-256
 * is enough (no salt, no stretching) because the input is 122 random bits, not a guessable secret.
 */
export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Tokens we issue are UUIDs; anything else is refused before it costs a database read. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && token.length === 36 && isUuid(token);
}

/**
 * A session's public handle: 128 random bits, drawn apart from the session id, so that it
 * reveals nothing of it and cannot be used as one (it is not a UUID: the lookup refuses it).
 */
export function generateHandle(): string {
  return randomBytes(16).toString('base64url');
}

export function isWellFormedHandle(handle: unknown): handle is string {
  return typeof handle === 'string' && /^[A-Za-z0-9_-]{22}$/u.test(handle);
}
