import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB } from '../store/db';
import { DuplicateEmailError } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { normaliseEmail } from './email';
import { EmailTaken } from './errors';
import { recordAuthEvent } from './events';
import { checkNewPassword, type PasswordPolicy } from './password-policy';
import { hashPassword } from './passwords';

export type RegistrationSettings = Pick<Config, 'bcryptCost'> & PasswordPolicy;

/** Creating accounts. */
export class Registration {
  constructor(
    private readonly db: DB,
    private readonly settings: RegistrationSettings,
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
    try {
      const user = await this.db.addUser(normalised, hashed);
      recordAuthEvent('user_registered');
      return user;
    } catch (error) {
      if (error instanceof DuplicateEmailError) throw new EmailTaken(normalised);
      throw error;
    }
  }
}

/** What POST /users runs. */
export function registrationServices(platform: Platform) {
  return { registration: new Registration(userStoreOf(platform), platform.config) };
}
