/**
 * The users table's layout, in one place. serverless.yml declares the same table; a test checks
 * that the two agree. README.md, "Data model", shows it as a table.
 *
 * - User items: key `id` (a UUID) and the attributes of lib/store/user.ts.
 * - Items keyed by a value of a user, so that it is found with one consistent read: GSIs are
 *   eventually consistent on AWS, and a login must work on the request right after it. Each is
 *   written and deleted in the same transaction as the user attribute it mirrors.
 *   - Email guard items, `email#<normalised email>`, with `user_id`. Their `attribute_not_exists`
 *     put also makes an email unique when two registrations race, which a GSI cannot.
 *   - Session items, `session#<digest of the session id>`: lib/store/session.ts.
 *   - Reset items, `reset#<digest of the reset token>`, with `user_id`.
 *   Verification and email-change tokens need no item: they come with their email, or with the
 *   session of the user they were issued to.
 *   Session and reset items carry `ttl` (epoch seconds), so DynamoDB deletes them some time after
 *   they expire; reads refuse them from the moment they expire.
 * - Challenge items, `mfa#<digest of the challenge token>`: a login's pending second step
 *   (lib/store/mfa-challenges.ts), with `user_id`, its wrong codes and `ttl`.
 * - Counter items, which belong to no user and are written with one conditional UpdateItem each,
 *   never in a transaction. Both carry `ttl`: DynamoDB removes them once they no longer matter.
 *   - Budget items, `budget#<client address>#<window start, epoch seconds>`, with `attempts`: the
 *     requests a client address made in that minute to the budgeted routes
 *     (lib/store/client-budgets.ts).
 *   - Device items, `device#<device cookie's id>`, with `failed_logins` and `locked_until`: the
 *     failed logins from one trusted device and its own lock (lib/store/devices.ts).
 * - GSIs on `email` (user items), `session_id` (session items) and `reset_token` (user items),
 *   KEYS_ONLY. Login finds an email through its index first and falls back to the guard item on a
 *   miss; a candidate from any index is confirmed by a consistent read of the user, since an index
 *   may still hold a value the user no longer has.
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

/** The attribute DynamoDB's TTL reads (serverless.yml, TimeToLiveSpecification). */
export const TTL_ATTRIBUTE = 'ttl';

export function emailGuardId(normalisedEmail: string): string {
  return `email#${normalisedEmail}`;
}

export function sessionItemId(digest: string): string {
  return `session#${digest}`;
}

export function resetItemId(digest: string): string {
  return `reset#${digest}`;
}

export function budgetItemId(client: string, windowStartSeconds: number): string {
  return `budget#${client}#${windowStartSeconds}`;
}

export function challengeItemId(digest: string): string {
  return `mfa#${digest}`;
}

export function deviceItemId(deviceId: string): string {
  return `device#${deviceId}`;
}

/** TTL wants whole epoch seconds: the item goes some time after it has expired, never before. */
export function ttlOf(expiresAtMs: number): number {
  return Math.ceil(expiresAtMs / 1000);
}
