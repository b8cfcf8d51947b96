import type { Platform } from '../app';
import type { DB } from '../store/db';
import { userStoreOf } from '../store/open';
import { WrongPassword } from './errors';
import { recordAuthEvent } from './events';
import { PasswordCheck, unlessReset, type PasswordCheckSettings } from './password-check';
import { Sessions, type SessionSettings } from './sessions';

export type AccountDeletionSettings = PasswordCheckSettings & SessionSettings;

/** A user closing their own account (ASVS 7.4.2 wants every session to end with it). */
export class AccountDeletion {
  private readonly passwords: PasswordCheck;

  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    settings: AccountDeletionSettings,
    now: () => number = Date.now,
  ) {
    this.passwords = new PasswordCheck(db, settings, now);
  }

  /**
   * Deletes the caller's account, given its password (a wrong one counts toward the lock). The
   * user goes with every item keyed by it in one transaction: each session is denied from then
   * on, every token dies, and the address can register again at once.
   */
  async deleteAccount(sessionId: string | null | undefined, password: string): Promise<void> {
    const { user } = await this.sessions.caller(sessionId);
    const checked = await this.passwords.require(user, password);
    const deleted = this.db.deleteUser(checked, { hashed_password: checked.hashed_password });
    if ((await unlessReset(deleted)) === null) throw new WrongPassword();
    recordAuthEvent('account_deleted');
  }
}

/** What DELETE /users/me runs. */
export function accountDeletionServices(platform: Platform) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  return { accountDeletion: new AccountDeletion(db, new Sessions(db, config, now), config, now) };
}
