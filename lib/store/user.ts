/**
 * The user model: the seed's five attributes (kept under their stored names, since they are the
 * table's schema and the GSI keys) plus the bookkeeping that sessions, resets and throttling need.
 * `session_id` and `reset_token` hold SHA-256 digests, never the raw values (see lib/auth/tokens.ts).
 */
export interface User {
  id: string;
  email: string;
  hashed_password: string;
  session_id: string | null;
  reset_token: string | null;
  /** Epoch milliseconds after which the session is refused. */
  session_expires_at: number | null;
  /** Epoch milliseconds after which the reset token is refused. */
  reset_expires_at: number | null;
  /** Consecutive failed logins since the last success. */
  failed_logins: number;
  /** Epoch milliseconds until which logins are refused (AccountLocked). */
  locked_until: number | null;
}

export type UserAttribute = keyof User;

export const USER_ATTRIBUTES: readonly UserAttribute[] = [
  'id',
  'email',
  'hashed_password',
  'session_id',
  'reset_token',
  'session_expires_at',
  'reset_expires_at',
  'failed_logins',
  'locked_until',
];

export function isUserAttribute(name: string): name is UserAttribute {
  return (USER_ATTRIBUTES as readonly string[]).includes(name);
}

/** What a route may show of a user: never the hash, digests or bookkeeping. */
export function publicProfile(user: User): { email: string } {
  return { email: user.email };
}
