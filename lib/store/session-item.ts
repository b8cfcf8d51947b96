import type { StoredSession } from './session';
import { sessionItemId, TTL_ATTRIBUTE, ttlOf } from './table';

/**
 * The session item as stored: its key, the digest again under `session_id` (the card's
 * `session_id-index` finds it by that), the TTL DynamoDB deletes it by, and the user's email as
 * `user_email`: under `email`, every session would also be an entry of `email-index`, which a
 * login's lookup would then read and discard.
 */
export const SESSION_EMAIL = 'user_email';

export function sessionToItem(session: StoredSession): Record<string, unknown> {
  const { digest, email, ...rest } = session;
  return {
    id: sessionItemId(digest),
    session_id: digest,
    [SESSION_EMAIL]: email,
    ...rest,
    [TTL_ATTRIBUTE]: ttlOf(session.expires_at),
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** A session item read back; null for anything else, or a session item missing a field. */
export function sessionFromItem(item: Record<string, unknown> | undefined): StoredSession | null {
  if (!item) return null;
  const { session_id, handle, user_id, created_at, expires_at, last_used_at, user_agent } = item;
  const email = item[SESSION_EMAIL];
  if (
    !isText(session_id) ||
    !isText(handle) ||
    !isText(user_id) ||
    !isText(email) ||
    typeof created_at !== 'number' ||
    typeof expires_at !== 'number' ||
    typeof last_used_at !== 'number' ||
    typeof user_agent !== 'string'
  ) {
    return null;
  }
  return {
    digest: session_id,
    handle,
    user_id,
    email,
    // Sessions stored before verification existed have none: verified, like their users.
    email_verified: item.email_verified !== false,
    mfa: item.mfa === true,
    created_at,
    expires_at,
    last_used_at,
    user_agent,
  };
}
