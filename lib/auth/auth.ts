import type { Config } from '../platform/config';
import { SesMailer, type Mailer } from '../platform/mailer';
import type { DB } from '../store/db';
import type { User } from '../store/user';
import { Logins } from './logins';
import { PasswordResets } from './password-resets';
import { Registration } from './registration';
import { ResetRequests } from './reset-requests';
import { Sessions } from './sessions';
import { generateUuid } from './tokens';

export type AuthSettings = Pick<
  Config,
  | 'bcryptCost'
  | 'minPasswordLength'
  | 'refuseCommonPasswords'
  | 'sessionTtlSeconds'
  | 'resetTokenTtlSeconds'
  | 'resetDelivery'
  | 'loginMaxFailures'
  | 'loginLockSeconds'
  | 'loginLockMaxSeconds'
> &
  ConstructorParameters<typeof SesMailer>[0];

/**
 * The seed's Auth class, with the seed's method names, over the parts the routes use one by one.
 * It is the library's public face; the Lambdas each build only the part they run (lib/app.ts).
 */
export class Auth {
  readonly registration: Registration;
  readonly logins: Logins;
  readonly sessions: Sessions;
  readonly resetRequests: ResetRequests;
  readonly passwordResets: PasswordResets;

  constructor(
    db: DB,
    settings: AuthSettings,
    now: () => number = Date.now,
    mailer: Mailer = new SesMailer(settings),
  ) {
    this.registration = new Registration(db, settings);
    this.sessions = new Sessions(db, settings, now);
    this.logins = new Logins(db, this.sessions, settings, now);
    this.resetRequests = new ResetRequests(db, settings, mailer, now);
    this.passwordResets = new PasswordResets(db, settings, now);
  }

  hashPassword(password: string): Promise<string> {
    return this.registration.hashPassword(password);
  }

  generateUuid(): string {
    return generateUuid();
  }

  /** Throws EmailTaken ("User <email> already exists") for a taken email. */
  registerUser(email: string, password: string): Promise<User> {
    return this.registration.registerUser(email, password);
  }

  /** Whether the credentials are right; AccountLocked while the account is locked. */
  validLogin(email: string, password: string): Promise<boolean> {
    return this.logins.validLogin(email, password);
  }

  /** A new session for the email's user, ending any other; null when nobody has the email. */
  createSession(email: string): Promise<string | null> {
    return this.sessions.createSession(email);
  }

  /** The user whose live session this is, or null. */
  getUserFromSessionId(sessionId: string | null | undefined): Promise<User | null> {
    return this.sessions.getUserFromSessionId(sessionId);
  }

  destroySession(userId: string): Promise<void> {
    return this.sessions.destroySession(userId);
  }

  /** A reset token for the email; UnknownEmail when nobody has it. */
  getResetPasswordToken(email: string): Promise<string> {
    return this.resetRequests.getResetPasswordToken(email);
  }

  /** Sets a new password with a live reset token; InvalidResetToken otherwise. */
  updatePassword(resetToken: string, password: string, email?: string): Promise<User> {
    return this.passwordResets.updatePassword(resetToken, password, email);
  }
}
