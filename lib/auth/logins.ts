import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges, UserFilters } from '../store/db';
import { ConflictError } from '../store/errors';
import { openUserStore } from '../store/open';
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

/** Credentials: checking a password, counting failures, locking, and logging in. */
export class Logins {
  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    private readonly settings: LoginSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether the credentials are right. Throws AccountLocked while the account is locked. A
   * success resets the failure count, as a login does: only consecutive failures lock.
   */
  async validLogin(email: string, password: string): Promise<boolean> {
    const user = await this.authenticate(email, password);
    if (user === null) return false;
    if (hasFailures(user)) await this.db.updateUser(user.id, FAILURES_CLEARED);
    return true;
  }

  /** Checks the credentials and starts a session in one go; InvalidCredentials when wrong. */
  async logIn(email: string, password: string): Promise<LoggedIn> {
    const user = await this.authenticate(email, password);
    if (user === null) throw new InvalidCredentials();
    const changes: UserChanges = {};
    const expected: UserFilters = {};
    if (needsRehash(user.hashed_password, this.settings.bcryptCost)) {
      // Upgrade a hash made at a lower cost, now that we hold the password. Conditional on the
      // hash being unchanged, so a password reset racing with this login is never undone.
      changes.hashed_password = await hashPassword(password, this.settings.bcryptCost);
      expected.hashed_password = user.hashed_password;
    }
    try {
      const sessionId = await this.sessions.start(user, changes, expected);
      recordAuthEvent('login_succeeded');
      return { user, sessionId };
    } catch (error) {
      // The password was reset between the check and the session write: the credentials are stale.
      if (error instanceof ConflictError) throw new InvalidCredentials();
      throw error;
    }
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
      this.db.countFailedLogin(user.id),
    ]);
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
    await this.db.updateUser(user.id, { locked_until: this.now() + seconds * 1000 });
    recordAuthEvent('account_locked');
  }
}

/** What POST /sessions runs. */
export function loginServices({ config, now }: Platform) {
  const db = openUserStore(config);
  return { logins: new Logins(db, new Sessions(db, config, now), config, now) };
}
