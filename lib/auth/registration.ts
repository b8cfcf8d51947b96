import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB } from '../store/db';
import { DuplicateEmailError } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { normaliseEmail } from './email';
import { emailVerificationServices, type EmailVerification } from './email-verification';
import { EmailTaken } from './errors';
import { recordAuthEvent } from './events';
import { checkNewPassword, type PasswordPolicy } from './password-policy';
import { hashPassword } from './passwords';

export type RegistrationSettings = Pick<Config, 'bcryptCost'> & PasswordPolicy;

/** Creating accounts, and mailing their verification link where the stage verifies. */
export class Registration {
  constructor(
    private readonly db: DB,
    private readonly settings: RegistrationSettings,
    private readonly verification: EmailVerification,
  ) {}

  /** A salted bcrypt hash at the configured cost. */
  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.settings.bcryptCost);
  }

  /** Creates the user; EmailTaken ("User <email> already exists") when the email has one. */
  async registerUser(email: string, password: string): Promise<User> {
    const normalised = normaliseEmail(email);
    checkNewPassword(password, this.settings);
    // Checked before hashing, so a taken email costs one read instead of a whole bcrypt hash.
    // The outcome is EmailTaken either way; the write below still guards against a race.
    if (await this.db.isEmailTaken(normalised)) throw new EmailTaken(normalised);
    const hashed = await this.hashPassword(password);
    const issued = this.verification.issue();
    let user: User;
    try {
      user = await this.db.addUser(normalised, hashed, issued?.fields);
    } catch (error) {
      if (error instanceof DuplicateEmailError) throw new EmailTaken(normalised);
      throw error;
    }
    recordAuthEvent('user_registered');
    if (issued !== null) await this.verification.mail(user.email, issued.token);
    return user;
  }
}

/** What POST /users runs. */
export function registrationServices(platform: Platform) {
  const { config } = platform;
  const { emailVerification } = emailVerificationServices(platform);
  return { registration: new Registration(userStoreOf(platform), config, emailVerification) };
}
