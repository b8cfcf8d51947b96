import { UnknownEmailError, type Auth } from './auth';
import { config, type Config } from './config';
import { normaliseEmail } from './email';
import { SesMailer, type Mailer } from './mailer';
import { auth } from './services';

export type ResetAnswer =
  { email: string; reset_token: string } | { email: string; message: string };

export const RESET_MAIL_SENT = 'if the email is registered, a reset token has been sent to it';

/**
 * POST /reset_password, by delivery mode. `response` keeps the seed's contract: the token in the
 * body and 403 for an unknown email. `email` mails the token and gives every caller the same
 * answer, so the route no longer tells who has an account.
 */
export class PasswordResets {
  constructor(
    private readonly auth: Auth,
    private readonly delivery: Config['resetDelivery'],
    private readonly mailer: Mailer,
  ) {}

  async request(email: string): Promise<ResetAnswer> {
    const normalised = normaliseEmail(email);
    if (this.delivery === 'response') {
      return { email: normalised, reset_token: await this.auth.getResetPasswordToken(normalised) };
    }
    try {
      const token = await this.auth.getResetPasswordToken(normalised);
      await this.mailer.sendResetToken(normalised, token);
    } catch (error) {
      if (!(error instanceof UnknownEmailError)) throw error;
    }
    return { email: normalised, message: RESET_MAIL_SENT };
  }
}

export const passwordResets = new PasswordResets(auth, config.resetDelivery, new SesMailer(config));
