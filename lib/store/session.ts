/**
 * A session's own item (lib/store/table.ts): found by the digest of the session id with one
 * consistent read, so a session works on the request right after the login that made it, and the
 * session authorizer needs no other read. Written and deleted in the same transaction as its
 * entry in the user's `sessions`, so the two never disagree.
 */
export interface StoredSession {
  /** The digest of the session id (the id itself is never stored). */
  digest: string;
  /** The public handle: what the user sees and ends the session by; unrelated to the id. */
  handle: string;
  user_id: string;
  /** The user's email, kept current by every change of it: who the caller is, in one read. */
  email: string;
  /** Whether the user's email is verified, kept current as the email is. */
  email_verified: boolean;
  /** Whether the login that started it passed a second factor (lib/auth/second-factor.ts). */
  mfa: boolean;
  /** Epoch milliseconds, as are the two below. */
  created_at: number;
  expires_at: number;
  last_used_at: number;
  /** A short summary of the User-Agent that logged in ("Firefox on Linux"). */
  user_agent: string;
}
