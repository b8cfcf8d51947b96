import type { StoredSession } from './session';
import { sessionItemId, TTL_ATTRIBUTE, ttlOf } from './table';

/**
 * The session item as stored: its key, the digest again under `session_id` (the card's
 * `session_id-index` finds it by that), and the TTL DynamoDB deletes it by.
 */
export function sessionToItem(session: StoredSession): Record<string, unknown> {
  const { digest, ...rest } = session;
  return {
    id: sessionItemId(digest),
    session_id: digest,
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
  const { session_id, handle, user_id, email, created_at, expires_at, last_used_at, user_agent } =
    item;
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
    created_at,
    expires_at,
    last_used_at,
    user_agent,
  };
}
