import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB } from '../store/db';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { FAILURES_CLEARED } from './accounts';
import { WrongPassword } from './errors';
import { recordAuthEvent } from './events';
import { PasswordCheck, unlessReset, type PasswordCheckSettings } from './password-check';
import { checkNewPassword, type PasswordPolicy } from './password-policy';
import { hashPassword } from './passwords';
import { onlySession } from './session-set';
import { Sessions, type SessionSettings } from './sessions';

export type PasswordChangeSettings = Pick<Config, 'bcryptCost'> &
  PasswordPolicy &
  PasswordCheckSettings &
  SessionSettings;

/** A logged-in user changing their password, which they must know (ASVS 6.2.2, 6.2.3). */
export class PasswordChanges {
  private readonly passwords: PasswordCheck;

  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    private readonly settings: PasswordChangeSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.passwords = new PasswordCheck(db, settings, now);
  }

  /**
   * Sets `newPassword` for the caller, given their current `password` (a wrong one counts toward
   * the lock: WrongPassword, then AccountLocked). The caller's other sessions end and a pending
   * reset token stops working; the session the request came with stays.
   */
  async change(
    sessionId: string | null | undefined,
    password: string,
    newPassword: string,
  ): Promise<User> {
    const { session, user } = await this.sessions.caller(sessionId);
    checkNewPassword(newPassword, this.settings);
    const checked = await this.passwords.require(user, password);
    const changes = {
      hashed_password: await hashPassword(newPassword, this.settings.bcryptCost),
      reset_token: null,
      reset_expires_at: null,
      ...FAILURES_CLEARED,
    };
    // Conditional on the hash that was checked: of a change and a reset racing, one wins, and
    // the loser's password was stale. A login meanwhile is read again and ended too.
    const changed = this.db.rewriteUser(
      checked,
      (current) => ({
        changes: {
          ...changes,
          sessions: onlySession(current.sessions, session.handle, this.now()),
        },
      }),
      { hashed_password: checked.hashed_password },
    );
    if ((await unlessReset(changed)) === null) throw new WrongPassword();
    recordAuthEvent('password_changed');
    return user;
  }
}

/** What PUT /password runs. */
export function passwordChangeServices(platform: Platform) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  return { passwordChanges: new PasswordChanges(db, new Sessions(db, config, now), config, now) };
}
