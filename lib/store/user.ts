/**
 * The user model: the seed's attributes (kept under their stored names, since they are the table's
 * schema and the GSI keys) plus the bookkeeping that sessions, resets and throttling need.
 * `reset_token` and each session's `digest` are SHA-256 digests, never the raw values (see
 * lib/auth/tokens.ts). The seed's single `session_id` became `sessions`: a user may be logged in on
 * several devices at once (README, "Deliberate differences").
 */
export interface User {
  id: string;
  email: string;
  hashed_password: string;
  reset_token: string | null;
  /** Epoch milliseconds after which the reset token is refused. */
  reset_expires_at: number | null;
  /** Consecutive failed logins since the last success. */
  failed_logins: number;
  /** Epoch milliseconds until which logins are refused (AccountLocked). */
  locked_until: number | null;
  /** The user's sessions by public handle: which exist, and what eviction and pruning need. */
  sessions: Readonly<Record<string, SessionRef>>;
  /**
   * Bumped by every write that changes `email`, `reset_token` or `sessions`, each of which has
   * items of its own keyed by value (lib/store/table.ts): such a write is conditional on the
   * revision it read, so two of them never interleave (the store's optimistic lock).
   */
  revision: number;
}

/** A session as its user's item lists it; the session's own item holds the rest. */
export interface SessionRef {
  /** The digest of the session id: the session item's key. */
  digest: string;
  /** Epoch milliseconds. */
  created_at: number;
  /** Epoch milliseconds after which the session is refused. */
  expires_at: number;
}

export type UserAttribute = keyof User;

export const USER_ATTRIBUTES: readonly UserAttribute[] = [
  'id',
  'email',
  'hashed_password',
  'reset_token',
  'reset_expires_at',
  'failed_logins',
  'locked_until',
  'sessions',
  'revision',
];

export function isUserAttribute(name: string): name is UserAttribute {
  return (USER_ATTRIBUTES as readonly string[]).includes(name);
}

/** What a route may show of a user: never the hash, digests or bookkeeping. */
export function publicProfile(user: Pick<User, 'email'>): { email: string } {
  return { email: user.email };
}
