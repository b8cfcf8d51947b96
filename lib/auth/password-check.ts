import type { Config } from '../platform/config';
import type { DB } from '../store/db';
import { ConflictError } from '../store/errors';
import type { User } from '../store/user';
import { AccountLocked, WrongPassword } from './errors';
import { recordAuthEvent } from './events';
import { verifyPassword } from './passwords';

export type PasswordCheckSettings = Pick<
  Config,
  'loginMaxFailures' | 'loginLockSeconds' | 'loginLockMaxSeconds'
>;

/**
 * A write made only while the hash that was checked is still stored: null when a password change
 * committed in between (the store's ConflictError), so a check racing a reset leaves no session,
 * failure count or lock that outlives the reset.
 */
export async function unlessReset<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

/**
 * Checking a known user's password, wherever one is asked for (a login, or a logged-in user
 * confirming a change): each attempt counts toward the account's lock, and a locked account is
 * refused before any compare, so no route can be used to guess.
 */
export class PasswordCheck {
  constructor(
    private readonly db: DB,
    private readonly settings: PasswordCheckSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The user, when the password is right, with its failure count (this attempt included: a
   * success's write clears it); null otherwise. AccountLocked while the account is locked.
   */
  async check(user: User, password: string): Promise<User | null> {
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

  /** The user, when the password is right; WrongPassword otherwise (AccountLocked when locked). */
  async require(user: User, password: string): Promise<User> {
    const checked = await this.check(user, password);
    if (checked === null) throw new WrongPassword();
    return checked;
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
