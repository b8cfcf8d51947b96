import type { Platform } from '../app';
import type { DB } from '../store/db';
import { userStoreOf } from '../store/open';
import { WrongPassword } from './errors';
import { recordAuthEvent } from './events';
import {
  deviceTrustOf,
  PasswordCheck,
  unlessReset,
  type DeviceTrust,
  type PasswordCheckSettings,
} from './password-check';
import type { ConfirmedChange } from './confirmed-change';
import { requireSecondFactor, secondFactorOf, type SecondFactor } from './second-factor';
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
    devices: DeviceTrust | null = null,
    private readonly factor: SecondFactor | null = null,
  ) {
    this.passwords = new PasswordCheck(db, settings, now, devices);
  }

  /**
   * Deletes the caller's account, given its password (a wrong one counts toward the lock of the
   * client, a trusted device's own when `deviceCookie` is one of the account's) and, when the
   * account has a second factor, a code or recovery code (`proof`). The
   * user goes with every item keyed by it in one transaction: each session is denied from then
   * on, every token dies, and the address can register again at once.
   */
  async deleteAccount({
    sessionId,
    password,
    proof,
    deviceCookie,
  }: ConfirmedChange): Promise<void> {
    const { user } = await this.sessions.caller(sessionId);
    const checked = await this.passwords.require(user, password, deviceCookie);
    await requireSecondFactor(this.factor, this.passwords, checked, proof, deviceCookie);
    const deleted = this.db.deleteUser(checked, { hashed_password: checked.hashed_password });
    if ((await unlessReset(deleted)) === null) throw new WrongPassword();
    recordAuthEvent('account_deleted');
  }
}

/** What DELETE /users/me runs. */
export function accountDeletionServices(platform: Platform) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  return {
    accountDeletion: new AccountDeletion(
      db,
      new Sessions(db, config, now),
      config,
      now,
      deviceTrustOf(platform),
      secondFactorOf(platform, db),
    ),
  };
}
