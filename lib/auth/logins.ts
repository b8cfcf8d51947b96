import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges } from '../store/db';
import { ConflictError } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { findUser, hasFailures, FAILURES_CLEARED } from './accounts';
import { normaliseEmail } from './email';
import { AccountLocked, InvalidCredentials } from './errors';
import { recordAuthEvent } from './events';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { Sessions } from './sessions';

export type LoginSettings = Pick<
  Config,
  'bcryptCost' | 'loginMaxFailures' | 'loginLockSeconds' | 'loginLockMaxSeconds'
>;

export interface LoggedIn {
  user: User;
  sessionId: string;
}

/**
 * A write made only while the hash that was checked is still stored: null when a password reset
 * committed in between (the store's ConflictError), so a login racing a reset leaves no session,
 * failure count or lock that outlives the reset.
 */
async function unlessReset<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

/** Credentials: checking a password, counting failures, locking, and logging in. */
export class Logins {
  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    private readonly settings: LoginSettings,
    private readonly now: () => number = Date.now,
  ) {}

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

  private async authenticate(email: string, password: string): Promise<User | null> {
    const user = await findUser(this.db, { email: normaliseEmail(email) });
    if (user === null) {
      // One compare against a hash nobody matches, so an unknown email costs what a wrong
      // password costs and response times do not reveal who has an account.
      await verifyPassword(password, dummyHash(this.settings.bcryptCost));
      recordAuthEvent('login_failed');
      return null;
    }
    this.refuseIfLocked(user);
    // The attempt is counted while the hash is compared, not after a failed compare: a wrong
    // password for a known email then costs one compare, like an unknown email, instead of one
    // compare plus a write. A success resets the count (the user returned says it has failures).
    const [matched, failures] = await Promise.all([
      verifyPassword(password, user.hashed_password),
      unlessReset(this.db.countFailedLogin(user.id, user.hashed_password)),
    ]);
    if (failures === null) {
      // The password was reset while it was checked: whatever the compare says, it is stale.
      recordAuthEvent('login_failed');
      return null;
    }
    if (matched) return { ...user, failed_logins: failures };
    await this.lockIfTooMany(user, failures);
    return null;
  }

  private refuseIfLocked(user: User): void {
    if (user.locked_until === null || user.locked_until <= this.now()) return;
    recordAuthEvent('login_refused_locked');
    throw new AccountLocked(Math.ceil((user.locked_until - this.now()) / 1000));
  }

  private async lockIfTooMany(user: User, failures: number): Promise<void> {
    recordAuthEvent('login_failed');
    const { loginMaxFailures, loginLockSeconds, loginLockMaxSeconds } = this.settings;
    if (failures < loginMaxFailures) return;
    // The lock doubles with each failure past the limit (1, 2, 4 … minutes), up to the maximum.
    const seconds = Math.min(
      loginLockSeconds * 2 ** (failures - loginMaxFailures),
      loginLockMaxSeconds,
    );
    const locked = this.db.updateUser(
      user.id,
      { locked_until: this.now() + seconds * 1000 },
      { hashed_password: user.hashed_password },
    );
    if ((await unlessReset(locked)) !== null) recordAuthEvent('account_locked');
  }
}

/** What POST /sessions runs. */
export function loginServices(platform: Platform) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  return { logins: new Logins(db, new Sessions(db, config, now), config, now) };
}
