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
  /**
   * Epoch milliseconds until which logins are refused (AccountLocked), to every client but the
   * account's trusted devices (lib/auth/device-cookies.ts), which have locks of their own.
   */
  locked_until: number | null;
  /**
   * The generation of the account's device cookies: each names the generation it was issued in,
   * and only the current one is trusted. A password reset or change moves it on, which revokes
   * every device cookie of the account at once.
   */
  device_generation: number;
  /**
   * Whether a mail to `email` came back through a link (verification, email change, or a reset
   * token sent by mail). False for new users until then; users stored before verification
   * existed have no flag and count as verified (their accounts predate the requirement).
   */
  email_verified: boolean;
  /** The digest of the pending email-verification token (lookups go by email, so no item). */
  verify_token: string | null;
  /** Epoch milliseconds after which the verification token is refused. */
  verify_expires_at: number | null;
  /** Epoch milliseconds of the last verification mail: at most one a minute per address. */
  verify_sent_at: number | null;
  /** The address the user asked to change to; theirs only once a mail to it confirms. */
  pending_email: string | null;
  /** The digest of the email-change token; it is confirmed with the session of its user. */
  email_change_token: string | null;
  /** Epoch milliseconds after which the email-change token is refused. */
  email_change_expires_at: number | null;
  /**
   * The TOTP secret of the user's second factor, sealed (lib/auth/sealed-secrets.ts); null while
   * the account has none.
   */
  totp_secret: string | null;
  /** A secret being enrolled, sealed: it replaces `totp_secret` once a first code proves it. */
  totp_pending: string | null;
  /** Epoch milliseconds after which the pending enrolment is refused. */
  totp_pending_expires_at: number | null;
  /** The last time step a code was accepted for: only later ones are (no replay). */
  totp_last_step: number | null;
  /** Digests of the unused recovery codes (stored as a string set; empty: absent). */
  recovery_codes: readonly string[];
  /** The user's sessions by public handle: which exist, and what eviction and pruning need. */
  sessions: Readonly<Record<string, SessionRef>>;
  /**
   * Bumped by every write that changes `email`, `email_verified`, `reset_token` or `sessions`,
   * which other items mirror (lib/store/table.ts): such a write is conditional on the revision
   * it read, so two of them never interleave (the store's optimistic lock).
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
  'device_generation',
  'email_verified',
  'verify_token',
  'verify_expires_at',
  'verify_sent_at',
  'pending_email',
  'email_change_token',
  'email_change_expires_at',
  'totp_secret',
  'totp_pending',
  'totp_pending_expires_at',
  'totp_last_step',
  'recovery_codes',
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
