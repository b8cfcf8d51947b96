import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges } from '../store/db';
import { ConflictError, NoResultFound } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { findUser, hasPassed, FAILURES_CLEARED } from './accounts';
import { normaliseEmail } from './email';
import { InvalidResetToken } from './errors';
import { recordAuthEvent } from './events';
import { checkNewPassword, type PasswordPolicy } from './password-policy';
import { hashPassword } from './passwords';
import { digestToken, isWellFormedToken } from './tokens';

export type PasswordResetSettings = Pick<Config, 'bcryptCost' | 'resetDelivery'> & PasswordPolicy;

/** Setting a new password with a reset token. */
export class PasswordResets {
  constructor(
    private readonly db: DB,
    private readonly settings: PasswordResetSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Sets a new password with a reset token. The token must be live and, when an email is given,
   * issued for that email. It works once, and the reset also ends the user's lock and every one of
   * their sessions, including any a login starts while the reset is written.
   */
  async updatePassword(resetToken: string, password: string, email?: string): Promise<User> {
    const normalisedEmail = email === undefined ? undefined : normaliseEmail(email);
    checkNewPassword(password, this.settings);
    if (!isWellFormedToken(resetToken)) throw new InvalidResetToken();
    const digest = digestToken(resetToken);
    const user = await findUser(this.db, { reset_token: digest });
    if (
      user === null ||
      hasPassed(user.reset_expires_at, this.now()) ||
      (normalisedEmail !== undefined && user.email !== normalisedEmail)
    ) {
      throw new InvalidResetToken();
    }
    const changes: UserChanges = {
      hashed_password: await hashPassword(password, this.settings.bcryptCost),
      reset_token: null,
      reset_expires_at: null,
      ...FAILURES_CLEARED,
      sessions: {},
      // A token that came by mail proves the mailbox, as a verification link does.
      ...(this.settings.resetDelivery === 'email' && { email_verified: true }),
    };
    try {
      // Conditional on the token still being there: of two resets racing with it, one wins. A
      // rewrite reads the sessions again when a login added one meanwhile, and ends it too.
      await this.db.rewriteUser(user, () => ({ changes }), { reset_token: digest });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NoResultFound) {
        throw new InvalidResetToken();
      }
      throw error;
    }
    recordAuthEvent('password_updated');
    return user;
  }
}

/** What PUT /reset_password runs. */
export function passwordResetServices(platform: Platform) {
  const { config, now } = platform;
  return { passwordResets: new PasswordResets(userStoreOf(platform), config, now) };
}
