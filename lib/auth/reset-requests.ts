import type { Platform } from '../app';
import type { Config } from '../platform/config';
import { SesMailer, type Mailer } from '../platform/mailer';
import type { DB } from '../store/db';
import { userStoreOf } from '../store/open';
import { findUser } from './accounts';
import { normaliseEmail } from './email';
import { UnknownEmail } from './errors';
import { recordAuthEvent } from './events';
import { digestToken, generateUuid } from './tokens';

export type ResetRequestSettings = Pick<Config, 'resetTokenTtlSeconds' | 'resetDelivery'>;

/** How a reset request was answered: the token itself, or a mail (maybe) sent. */
export type ResetRequestOutcome =
  { delivery: 'response'; resetToken: string } | { delivery: 'email' };

/** Issuing password-reset tokens and delivering them. */
export class ResetRequests {
  constructor(
    private readonly db: DB,
    private readonly settings: ResetRequestSettings,
    private readonly mailer: Pick<Mailer, 'sendResetToken'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The seed's getResetPasswordToken: a new token for the email; UnknownEmail when nobody has it. */
  async getResetPasswordToken(email: string): Promise<string> {
    const user = await findUser(this.db, { email: normaliseEmail(email) });
    if (user === null) throw new UnknownEmail();
    const token = generateUuid();
    const changes = {
      reset_token: digestToken(token),
      reset_expires_at: this.now() + this.settings.resetTokenTtlSeconds * 1000,
    };
    // The user just read is the rewrite's first read: its reset item is swapped for the new one.
    await this.db.rewriteUser(user, () => ({ changes }));
    recordAuthEvent('reset_requested');
    return token;
  }

  /**
   * POST /reset_password, by delivery mode. `response` keeps the seed's contract: the token in
   * the answer and UnknownEmail for an unknown email. `email` mails the token and has the same
   * outcome for every caller, so the route no longer tells who has an account.
   */
  async request(email: string): Promise<ResetRequestOutcome> {
    const normalised = normaliseEmail(email);
    if (this.settings.resetDelivery === 'response') {
      const resetToken = await this.getResetPasswordToken(normalised);
      return { delivery: 'response', resetToken };
    }
    try {
      const token = await this.getResetPasswordToken(normalised);
      await this.mailer.sendResetToken(normalised, token);
    } catch (error) {
      if (!(error instanceof UnknownEmail)) throw error;
    }
    return { delivery: 'email' };
  }
}

/** What POST /reset_password runs. */
export function resetRequestServices(platform: Platform) {
  const { config, now } = platform;
  return {
    resetRequests: new ResetRequests(userStoreOf(platform), config, new SesMailer(config), now),
  };
}
