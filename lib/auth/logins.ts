import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges } from '../store/db';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { findUser, hasFailures, FAILURES_CLEARED } from './accounts';
import { normaliseEmail } from './email';
import { EmailNotVerified, InvalidCredentials } from './errors';
import { recordAuthEvent } from './events';
import { PasswordCheck, unlessReset, type PasswordCheckSettings } from './password-check';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { Sessions } from './sessions';

export type LoginSettings = Pick<Config, 'bcryptCost' | 'emailVerification'> &
  PasswordCheckSettings;

export interface LoggedIn {
  user: User;
  sessionId: string;
}

/** Credentials: checking a password, counting failures, locking, and logging in. */
export class Logins {
  private readonly passwords: PasswordCheck;

  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    private readonly settings: LoginSettings,
    now: () => number = Date.now,
  ) {
    this.passwords = new PasswordCheck(db, settings, now);
  }

  /**
   * The user, when the credentials are right; null otherwise. Throws AccountLocked while the
   * account is locked. A success resets the failure count, as a login does: only consecutive
   * failures lock. The user returned holds the hash that was checked, for `startSession`.
   */
  async checkLogin(email: string, password: string): Promise<User | null> {
    const user = await this.authenticate(email, password);
    if (user === null || !hasFailures(user)) return user;
    const cleared = this.db.updateUser(user.id, FAILURES_CLEARED, {
      hashed_password: user.hashed_password,
    });
    return (await unlessReset(cleared)) === null ? null : { ...user, ...FAILURES_CLEARED };
  }

  /** Checks the credentials and starts a session in one go; InvalidCredentials when wrong. */
  async logIn(email: string, password: string, userAgent?: string): Promise<LoggedIn> {
    const user = await this.authenticate(email, password);
    if (user === null) throw new InvalidCredentials();
    await this.refuseIfUnverified(user);
    const changes: UserChanges = {};
    if (needsRehash(user.hashed_password, this.settings.bcryptCost)) {
      // Upgrade a hash made at a lower cost, now that we hold the password.
      changes.hashed_password = await hashPassword(password, this.settings.bcryptCost);
    }
    const sessionId = await this.startSession(user, userAgent, changes);
    recordAuthEvent('login_succeeded');
    return { user, sessionId };
  }

  /**
   * A session for a user whose password was just checked, with `changes` in the same write.
   * Conditional on the hash that was checked: a reset that committed meanwhile is neither undone
   * by the changes nor outlived by this session (the credentials are stale: InvalidCredentials).
   */
  async startSession(
    checked: User,
    userAgent?: string,
    changes: UserChanges = {},
  ): Promise<string> {
    const started = this.sessions.start(checked, userAgent, changes, {
      hashed_password: checked.hashed_password,
    });
    const sessionId = await unlessReset(started);
    if (sessionId === null) throw new InvalidCredentials();
    return sessionId;
  }

  /**
   * Where the stage requires it, an unverified email gets no session: told so only after the
   * password was right, so it reveals nothing to whoever lacks the password. The right password
   * still clears the failures, or a user retrying before verifying would lock themselves out.
   */
  private async refuseIfUnverified(user: User): Promise<void> {
    if (this.settings.emailVerification !== 'required' || user.email_verified) return;
    await unlessReset(
      this.db.updateUser(user.id, FAILURES_CLEARED, { hashed_password: user.hashed_password }),
    );
    recordAuthEvent('login_refused_unverified');
    throw new EmailNotVerified();
  }

  private async authenticate(email: string, password: string): Promise<User | null> {
    const user = await findUser(this.db, { email: normaliseEmail(email) });
    if (user === null) {
      // One compare against a hash nobody matches, so an unknown email costs what a wrong
      // password costs and response times do not reveal who has an account.
      await verifyPassword(password, dummyHash(this.settings.bcryptCost));
      recordAuthEvent('login_failed');
      return null;
    }
    return this.passwords.check(user, password);
  }
}

/** What POST /sessions runs. */
export function loginServices(platform: Platform) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  return { logins: new Logins(db, new Sessions(db, config, now), config, now) };
}
