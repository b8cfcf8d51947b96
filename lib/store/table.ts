/**
 * The users table's layout, in one place. serverless.yml declares the same table; a test checks
 * that the two agree.
 *
 * - User items: key `id` (a UUID) and the attributes of lib/store/user.ts.
 * - Email guard items: key `email#<normalised email>`, attribute `user_id`. Written in the same
 *   transaction as the user with `attribute_not_exists(id)`, they make an email unique even when
 *   two registrations race, which a GSI cannot (GSIs enforce nothing). They carry no `email`
 *   attribute, so they never appear in the email index.
 * - GSIs on `email`, `session_id` and `reset_token`, KEYS_ONLY: an index is only used to find the
 *   id, and the user is then read from the table with a consistent read, because GSIs are
 *   eventually consistent on AWS (a session destroyed a moment ago may still be in the index).
 */
export const INDEX_BY_ATTRIBUTE = {
  email: 'email-index',
  session_id: 'session_id-index',
  reset_token: 'reset_token-index',
} as const;

export type IndexedAttribute = keyof typeof INDEX_BY_ATTRIBUTE;

export function isIndexedAttribute(name: string): name is IndexedAttribute {
  return Object.hasOwn(INDEX_BY_ATTRIBUTE, name);
}

export function emailGuardId(normalisedEmail: string): string {
  return `email#${normalisedEmail}`;
}
