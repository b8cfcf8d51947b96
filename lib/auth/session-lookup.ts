import type { Platform } from '../app';
import type { DB } from '../store/db';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { findUser, hasPassed } from './accounts';
import { digestToken, isWellFormedToken } from './tokens';

/** A session found by the id its holder presented. */
export interface FoundSession {
  user: User;
  /** The digest the session is stored under (the id itself is never stored). */
  digest: string;
  expired: boolean;
}

/**
 * Reads sessions and changes nothing: the rules of `GET /profile` (a well-formed id, looked up by
 * its digest, the user read again consistently and still there, the expiry not passed) in one
 * place. `Sessions` builds on it and ends an expired session it finds; the session authorizer
 * uses it as it is, so its role needs no write permission.
 */
export class SessionLookup {
  constructor(
    private readonly db: DB,
    private readonly now: () => number = Date.now,
  ) {}

  /** The session this id names, expired or not; null when it names none. */
  async find(sessionId: string | null | undefined): Promise<FoundSession | null> {
    if (!isWellFormedToken(sessionId)) return null;
    const digest = digestToken(sessionId);
    const user = await findUser(this.db, { session_id: digest });
    if (user === null) return null;
    return { user, digest, expired: hasPassed(user.session_expires_at, this.now()) };
  }

  /**
   * The user whose live session this is, or null (unknown, malformed or expired). Read-only: an
   * expired session is refused and left as it is; the next `GET /profile`, logout or login of its
   * user clears it.
   */
  async getUserFromSessionId(sessionId: string | null | undefined): Promise<User | null> {
    const found = await this.find(sessionId);
    return found === null || found.expired ? null : found.user;
  }
}

/** What the session authorizer runs: the lookup, over its own store, and nothing that writes. */
export function sessionLookupServices(platform: Platform) {
  return { sessions: new SessionLookup(userStoreOf(platform), platform.now) };
}
