import type { Platform } from '../app';
import type { DB } from '../store/db';
import { userStoreOf } from '../store/open';
import type { StoredSession } from '../store/session';
import { hasPassed } from './accounts';
import { digestToken, isWellFormedToken } from './tokens';

/** A session found by the id its holder presented. */
export interface FoundSession {
  session: StoredSession;
  expired: boolean;
}

/**
 * Reads sessions and changes nothing: the rules of `GET /profile` (a well-formed id, its session
 * item read consistently by the id's digest, the expiry not passed) in one place. One read, so a
 * session works on the request right after the login that made it, and the authorizer costs one
 * DynamoDB call. `Sessions` builds on it; the session authorizer uses it as it is, so its role
 * needs no write permission.
 */
export class SessionLookup {
  constructor(
    private readonly db: DB,
    private readonly now: () => number = Date.now,
  ) {}

  /** The session this id names, expired or not; null when it names none. */
  async find(sessionId: string | null | undefined): Promise<FoundSession | null> {
    if (!isWellFormedToken(sessionId)) return null;
    const session = await this.db.findSession(digestToken(sessionId));
    if (session === null) return null;
    return { session, expired: hasPassed(session.expires_at, this.now()) };
  }

  /**
   * The live session this id names, or null (unknown, malformed or expired). Read-only: an
   * expired session is refused and left as it is; its user's next request to the service, or
   * DynamoDB's TTL, removes it.
   */
  async liveSession(sessionId: string | null | undefined): Promise<StoredSession | null> {
    const found = await this.find(sessionId);
    return found === null || found.expired ? null : found.session;
  }
}

/** What the session authorizer runs: the lookup, over its own store, and nothing that writes. */
export function sessionLookupServices(platform: Platform) {
  return { sessions: new SessionLookup(userStoreOf(platform), platform.now) };
}
