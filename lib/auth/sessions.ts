import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges, UserFilters } from '../store/db';
import { ConflictError, NoResultFound } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { findUser, hasFailures, FAILURES_CLEARED, SESSION_CLEARED } from './accounts';
import { normaliseEmail } from './email';
import { SessionNotFound } from './errors';
import { recordAuthEvent } from './events';
import { SessionLookup } from './session-lookup';
import { digestToken, generateUuid } from './tokens';

export type SessionSettings = Pick<Config, 'sessionTtlSeconds'>;

/** Sessions: start, look up and end. Reads and writes sessions only: no password is involved. */
export class Sessions {
  private readonly lookup: SessionLookup;

  constructor(
    private readonly db: DB,
    private readonly settings: SessionSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.lookup = new SessionLookup(db, now);
  }

  /**
   * Starts a new session for the user (ending any other) and returns its id. `changes` are
   * written in the same update; with `expected`, only if the stored user still has those values
   * (else ConflictError).
   */
  async start(user: User, changes: UserChanges = {}, expected: UserFilters = {}): Promise<string> {
    const sessionId = generateUuid();
    await this.db.updateUser(
      user.id,
      {
        session_id: digestToken(sessionId),
        session_expires_at: this.now() + this.settings.sessionTtlSeconds * 1000,
        ...(hasFailures(user) && FAILURES_CLEARED),
        ...changes,
      },
      expected,
    );
    return sessionId;
  }

  /** The seed's createSession: a new session for the email's user; null if nobody has it. */
  async createSession(email: string): Promise<string | null> {
    const user = await findUser(this.db, { email: normaliseEmail(email) });
    return user === null ? null : this.start(user);
  }

  /** The user whose live session this is, or null (unknown, malformed or expired). */
  async getUserFromSessionId(sessionId: string | null | undefined): Promise<User | null> {
    const found = await this.lookup.find(sessionId);
    if (found === null) return null;
    if (found.expired) {
      await this.end(found.user.id, found.digest);
      recordAuthEvent('session_expired');
      return null;
    }
    return found.user;
  }

  /** The user of this live session; SessionNotFound when there is none. */
  async currentUser(sessionId: string | null | undefined): Promise<User> {
    const user = await this.getUserFromSessionId(sessionId);
    if (user === null) throw new SessionNotFound();
    return user;
  }

  /** The seed's destroySession: ends whatever session the user has. */
  async destroySession(userId: string): Promise<void> {
    try {
      await this.db.updateUser(userId, SESSION_CLEARED);
    } catch (error) {
      if (!(error instanceof NoResultFound)) throw error;
    }
  }

  /** Ends the session this id names; SessionNotFound when it is not live. */
  async logOut(sessionId: string | null | undefined): Promise<void> {
    const user = await this.currentUser(sessionId);
    if (user.session_id !== null) await this.end(user.id, user.session_id);
    recordAuthEvent('logged_out');
  }

  /** Removes the session only if it is still this one: a newer login is left alone. */
  async end(userId: string, sessionDigest: string): Promise<void> {
    try {
      await this.db.updateUser(userId, SESSION_CLEARED, { session_id: sessionDigest });
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof NoResultFound)) throw error;
    }
  }
}

/** What GET /profile and DELETE /sessions run. */
export function sessionServices(platform: Platform) {
  const { config, now } = platform;
  return { sessions: new Sessions(userStoreOf(platform), config, now) };
}
