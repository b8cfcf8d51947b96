import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges, UserFilters } from '../store/db';
import { NoResultFound } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { StoredSession } from '../store/session';
import type { SessionRef, User } from '../store/user';
import { findUser, hasFailures, FAILURES_CLEARED } from './accounts';
import { summariseUserAgent } from './device';
import { SessionNotFound, UnknownSession } from './errors';
import { recordAuthEvent } from './events';
import { liveOnly, onlySession, without, withSession } from './session-set';
import { SessionLookup } from './session-lookup';
import { digestToken, generateHandle, generateUuid, isWellFormedHandle } from './tokens';

export type SessionSettings = Pick<Config, 'sessionTtlSeconds' | 'maxSessionsPerUser'>;

/** How a session starts: what the login saw, and what is written with it. */
export interface SessionStart {
  /** The User-Agent header of the request that logs in. */
  userAgent?: string;
  /** Written in the same transaction as the session. */
  changes?: UserChanges;
  /** Only while the stored user still has these values (else ConflictError). */
  expected?: UserFilters;
  /** Whether the account's failed logins and lock are cleared (default: yes). */
  clearFailures?: boolean;
  /** Whether the login passed a second factor. */
  mfa?: boolean;
}

/** A session's last use is recorded at most this often, so a busy client does not write often. */
export const LAST_USED_PRECISION_MS = 60_000;

/** What GET /sessions shows of a session: its public handle, never its id or digest. */
export interface SessionView {
  id: string;
  created_at: string;
  expires_at: string;
  last_used_at: string;
  user_agent: string;
  /** Whether this is the session the request presented. */
  current: boolean;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function viewOf(session: StoredSession, current: StoredSession): SessionView {
  return {
    id: session.handle,
    created_at: iso(session.created_at),
    expires_at: iso(session.expires_at),
    last_used_at: iso(session.last_used_at),
    user_agent: session.user_agent,
    current: session.digest === current.digest,
  };
}

/**
 * Sessions: start, look up, list and end. A user may hold several, one per device, up to
 * `maxSessionsPerUser`: a login beyond that ends the oldest. No password is involved here.
 */
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
   * Starts a new session for the user, beside its others, and returns its id. `how` says how
   * the user logged in; the account's failed logins and lock are cleared with it unless it says
   * not to (a login from a trusted device, which leaves the lock of every other client as it is).
   */
  async start(user: User, how: SessionStart = {}): Promise<string> {
    const { userAgent, changes = {}, expected = {}, clearFailures = true, mfa = false } = how;
    const sessionId = generateUuid();
    const now = this.now();
    const started: StoredSession = {
      digest: digestToken(sessionId),
      handle: generateHandle(),
      user_id: user.id,
      email: user.email,
      email_verified: user.email_verified,
      mfa,
      created_at: now,
      expires_at: now + this.settings.sessionTtlSeconds * 1000,
      last_used_at: now,
      user_agent: summariseUserAgent(userAgent),
    };
    const { digest, created_at, expires_at, handle } = started;
    const ref = { digest, created_at, expires_at };
    await this.db.rewriteUser(
      user,
      (current) => ({
        changes: {
          ...(clearFailures && hasFailures(current) && FAILURES_CLEARED),
          ...changes,
          sessions: withSession(
            current.sessions,
            handle,
            ref,
            this.settings.maxSessionsPerUser,
            now,
          ),
        },
        started,
      }),
      expected,
    );
    return sessionId;
  }

  /**
   * The live session this id names; SessionNotFound when there is none. An expired one found on
   * the way is ended, and the session's last use is recorded (at most once a minute).
   */
  async current(sessionId: string | null | undefined): Promise<StoredSession> {
    const found = await this.lookup.find(sessionId);
    if (found === null) throw new SessionNotFound();
    const { session, expired } = found;
    if (expired) {
      await this.end(session.user_id, session.digest);
      recordAuthEvent('session_expired');
      throw new SessionNotFound();
    }
    const now = this.now();
    if (session.last_used_at <= now - LAST_USED_PRECISION_MS) {
      await this.db.touchSession(session.digest, now, now - LAST_USED_PRECISION_MS);
    }
    return session;
  }

  /** The live session this id names and its user, or null. */
  async sessionWithUser(
    sessionId: string | null | undefined,
  ): Promise<{ session: StoredSession; user: User } | null> {
    let session: StoredSession;
    try {
      session = await this.current(sessionId);
    } catch (error) {
      if (error instanceof SessionNotFound) return null;
      throw error;
    }
    const user = await findUser(this.db, { id: session.user_id });
    return user === null ? null : { session, user };
  }

  /** The caller's live session and its user; SessionNotFound without one. */
  async caller(
    sessionId: string | null | undefined,
  ): Promise<{ session: StoredSession; user: User }> {
    const found = await this.sessionWithUser(sessionId);
    if (found === null) throw new SessionNotFound();
    return found;
  }

  /** The seed's getUserFromSessionId: the user whose live session this is, or null. */
  async getUserFromSessionId(sessionId: string | null | undefined): Promise<User | null> {
    return (await this.sessionWithUser(sessionId))?.user ?? null;
  }

  /** The live sessions of the caller's user, newest first; SessionNotFound without a session. */
  async list(sessionId: string | null | undefined): Promise<SessionView[]> {
    return this.listOf(await this.caller(sessionId));
  }

  /** The live sessions of a caller already read (`caller`), newest first. */
  async listOf({ session, user }: { session: StoredSession; user: User }): Promise<SessionView[]> {
    const now = this.now();
    const live = { ...user, sessions: liveOnly(user.sessions, now) };
    return (await this.db.sessionsOf(live))
      .filter((each) => each.expires_at > now)
      .sort((a, b) => b.created_at - a.created_at)
      .map((each) => viewOf(each, session));
  }

  /**
   * Ends one of the caller's live sessions by its handle (the current one too); UnknownSession
   * when the handle names none of them. Returns whether it was the current one.
   */
  async endByHandle(sessionId: string | null | undefined, handle: string): Promise<boolean> {
    const session = await this.current(sessionId);
    if (!isWellFormedHandle(handle)) throw new UnknownSession();
    await this.db.rewriteUser(session.user_id, (user) => {
      if (liveOnly(user.sessions, this.now())[handle] === undefined) throw new UnknownSession();
      return { changes: { sessions: without(user.sessions, (h) => h === handle, this.now()) } };
    });
    recordAuthEvent('session_ended');
    return handle === session.handle;
  }

  /** Ends every session of the caller's user but the current one; returns how many ended. */
  async endOthers(sessionId: string | null | undefined): Promise<number> {
    const session = await this.current(sessionId);
    let ended = 0;
    await this.db.rewriteUser(session.user_id, (user) => {
      const kept = onlySession(user.sessions, session.handle, this.now());
      ended = Object.keys(liveOnly(user.sessions, this.now())).length - Object.keys(kept).length;
      return { changes: { sessions: kept } };
    });
    recordAuthEvent('other_sessions_ended');
    return ended;
  }

  /** The seed's destroySession: ends every session of the user. */
  async destroySession(userId: string): Promise<void> {
    try {
      await this.db.rewriteUser(userId, () => ({ changes: { sessions: {} } }));
    } catch (error) {
      if (!(error instanceof NoResultFound)) throw error;
    }
  }

  /** Ends the session this id names; SessionNotFound when it is not live. */
  async logOut(sessionId: string | null | undefined): Promise<void> {
    const session = await this.current(sessionId);
    await this.end(session.user_id, session.digest);
    recordAuthEvent('logged_out');
  }

  /** Ends the session stored under this digest, if the user still has it. */
  async end(userId: string, digest: string): Promise<void> {
    try {
      await this.db.rewriteUser(userId, (user) => {
        if (!Object.values(user.sessions).some((ref) => ref.digest === digest)) return null;
        const ended = (_: string, ref: SessionRef) => ref.digest === digest;
        return { changes: { sessions: without(user.sessions, ended, this.now()) } };
      });
    } catch (error) {
      if (!(error instanceof NoResultFound)) throw error;
    }
  }
}

/** What the routes that read or end sessions run. */
export function sessionServices(platform: Platform) {
  const { config, now } = platform;
  return { sessions: new Sessions(userStoreOf(platform), config, now) };
}
