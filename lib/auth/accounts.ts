/**
 * How the auth rules read and clear a user's bookkeeping: shared by sessions, logins and resets.
 */
import type { DB, UserChanges, UserFilters } from '../store/db';
import { NoResultFound } from '../store/errors';
import type { User } from '../store/user';

export const FAILURES_CLEARED: UserChanges = { failed_logins: 0, locked_until: null };

export function hasFailures(user: User): boolean {
  return user.failed_logins > 0 || user.locked_until !== null;
}

/**
 * Whether the account has a second factor (lib/auth/second-factor.ts). Here, apart from the code
 * checks, so that a function that only asks (POST /sessions) does not bundle the TOTP library.
 */
export function hasSecondFactor(user: User): boolean {
  return user.totp_secret !== null;
}

/** The user matching the filters, or null: for the rules, "nobody" is an answer, not an error. */
export async function findUser(db: DB, filters: UserFilters): Promise<User | null> {
  try {
    return await db.findUserBy(filters);
  } catch (error) {
    if (error instanceof NoResultFound) return null;
    throw error;
  }
}

/** Null counts as passed: a session or token without an expiry is not trusted. */
export function hasPassed(epochMs: number | null, now: number): boolean {
  return epochMs === null || epochMs <= now;
}
