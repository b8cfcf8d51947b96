import bcrypt from 'bcryptjs';

/** bcrypt reads at most 72 bytes of a password and silently ignores the rest. */
export const BCRYPT_MAX_BYTES = 72;

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A salted bcrypt hash at the given cost. */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

/**
 * Whether the password matches the hash. A password longer than bcrypt reads never matches: its
 * first 72 bytes alone would otherwise log in. It still spends one compare, so the answer takes
 * the same time either way.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const matched = await bcrypt.compare(password, hash);
  return matched && utf8Length(password) <= BCRYPT_MAX_BYTES;
}

/** True when the hash was made at a lower cost than the one configured now. */
export function needsRehash(hash: string, cost: number): boolean {
  return bcrypt.getRounds(hash) < cost;
}

/**
 * A well-formed bcrypt hash that no password matches, at the given cost. Comparing against it
 * costs what a real compare costs, so a login for an unknown email takes as long as a wrong
 * password for a known one. Built from a constant rather than hashed at cold start, which would
 * add a whole bcrypt hash to every cold start.
 */
export function dummyHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, '0')}$${'N'.repeat(53)}`;
}
