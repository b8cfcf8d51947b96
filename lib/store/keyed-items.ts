import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValueError } from './errors';
import type { StoredSession } from './session';
import { SESSION_EMAIL, sessionToItem } from './session-item';
import { emailGuardId, resetItemId, sessionItemId, TTL_ATTRIBUTE, ttlOf } from './table';
import type { User } from './user';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface KeyedWrites {
  items: TransactItem[];
  /** Where among `items` the new email's guard is put: its failed condition means "taken". */
  guardAt?: number;
}

/**
 * The writes that keep the items keyed by a user's values (lib/store/table.ts) in step with a
 * change of the user from `before` to `after`: guard items follow the email, reset items the reset
 * token, session items the sessions (and the email and its verification they carry).
 * `started` is the item of the one session `after` adds, if it adds one.
 */
export function keyedItemWrites(
  table: string,
  before: User,
  after: User,
  started: StoredSession | undefined,
): KeyedWrites {
  const items: TransactItem[] = [];
  const del = (id: string) => items.push({ Delete: { TableName: table, Key: { id } } });
  const put = (item: Record<string, unknown>) =>
    items.push({
      Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(id)' },
    });
  let guardAt: number | undefined;

  if (after.email !== before.email) {
    del(emailGuardId(before.email));
    guardAt = items.length;
    put({ id: emailGuardId(after.email), user_id: after.id });
  }

  if (after.reset_token !== before.reset_token) {
    if (before.reset_token !== null) del(resetItemId(before.reset_token));
    if (after.reset_token !== null) {
      put({
        id: resetItemId(after.reset_token),
        user_id: after.id,
        [TTL_ATTRIBUTE]: ttlOf(after.reset_expires_at ?? 0),
      });
    }
  }

  // What each session item repeats of its user, so that one read of it says who the caller is.
  const identityChanged =
    after.email !== before.email || after.email_verified !== before.email_verified;
  for (const [handle, { digest }] of Object.entries(before.sessions)) {
    const kept = after.sessions[handle]?.digest === digest;
    if (!kept) del(sessionItemId(digest));
    else if (identityChanged) {
      items.push({
        Update: {
          TableName: table,
          Key: { id: sessionItemId(digest) },
          UpdateExpression: `SET ${SESSION_EMAIL} = :email, email_verified = :verified`,
          ExpressionAttributeValues: { ':email': after.email, ':verified': after.email_verified },
        },
      });
    }
  }
  for (const [handle, { digest }] of Object.entries(after.sessions)) {
    if (before.sessions[handle]?.digest === digest) continue;
    if (started?.handle !== handle || started.digest !== digest) {
      throw new ValueError('a session is added to a user only with its own item');
    }
    put(
      sessionToItem({
        ...started,
        user_id: after.id,
        email: after.email,
        email_verified: after.email_verified,
      }),
    );
  }

  return { items, guardAt };
}

/** The deletes of every item keyed by the user's values: what deleting the user also deletes. */
export function keyedItemDeletes(table: string, user: User): TransactItem[] {
  const ids = [
    emailGuardId(user.email),
    ...(user.reset_token === null ? [] : [resetItemId(user.reset_token)]),
    ...Object.values(user.sessions).map(({ digest }) => sessionItemId(digest)),
  ];
  return ids.map((id) => ({ Delete: { TableName: table, Key: { id } } }));
}
