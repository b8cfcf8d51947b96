import type { Config } from '../platform/config';
import { SesMailer, type Mailer } from '../platform/mailer';
import type { DB } from '../store/db';
import type { User } from '../store/user';
import { findUser, hasSecondFactor } from './accounts';
import { CheckedBefore } from './checked';
import { normaliseEmail } from './email';
import { EmailVerification } from './email-verification';
import { Logins } from './logins';
import { PasswordResets } from './password-resets';
import { Registration } from './registration';
import { ResetRequests } from './reset-requests';
import { Sessions } from './sessions';
import { MfaCodeRequired } from './errors';
import { generateUuid } from './tokens';

export type AuthSettings = Pick<
  Config,
  | 'bcryptCost'
  | 'minPasswordLength'
  | 'refuseCommonPasswords'
  | 'sessionTtlSeconds'
  | 'maxSessionsPerUser'
  | 'resetTokenTtlSeconds'
  | 'resetDelivery'
  | 'emailVerification'
  | 'loginMaxFailures'
  | 'loginLockSeconds'
  | 'loginLockMaxSeconds'
> &
  ConstructorParameters<typeof SesMailer>[0];

/**
 * The seed's Auth class, with the seed's method names, over the parts the routes use one by one.
 * It is the library's public face; the Lambdas each build only the part they run (lib/app.ts).
 *
 * A seed caller does in two calls what a route does in one (`validLogin` then `createSession`,
 * `getUserFromSessionId` then `destroySession`), so the facade remembers what the first call
 * checked and makes the second call's write conditional on it, as the route's is. The memory is
 * per instance and keyed by user, which is exact while an instance serves one request at a
 * time, as a Lambda does.
 */
export class Auth {
  readonly registration: Registration;
  readonly logins: Logins;
  readonly sessions: Sessions;
  readonly resetRequests: ResetRequests;
  readonly passwordResets: PasswordResets;
  /** By email: the user whose password validLogin checked, with the hash it checked. */
  private readonly checkedLogins = new CheckedBefore<string, User>();
  /** By user id: the session digest getUserFromSessionId found. */
  private readonly foundSessions = new CheckedBefore<string, string>();

  constructor(
    private readonly db: DB,
    settings: AuthSettings,
    now: () => number = Date.now,
    mailer: Mailer = new SesMailer(settings),
  ) {
    this.registration = new Registration(
      db,
      settings,
      new EmailVerification(db, settings, mailer, now),
    );
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
  async validLogin(email: string, password: string): Promise<boolean> {
    const checked = await this.logins.checkLogin(email, password);
    if (checked === null) return false;
    this.checkedLogins.remember(checked.email, checked);
    return true;
  }

  /**
   * A new session for the email's user, beside its others; null when nobody has the email. After
   * a validLogin of this email, only while the hash it checked is still stored: InvalidCredentials
   * when a password reset committed in between, as the route's login answers.
   */
  async createSession(email: string): Promise<string | null> {
    const checked = this.checkedLogins.take(normaliseEmail(email));
    const user = checked ?? (await findUser(this.db, { email: normaliseEmail(email) }));
    if (user === null) return null;
    // The seed's two calls know nothing of a second factor: an account with one gets no session
    // this way (MfaCodeRequired), only through POST /sessions and POST /sessions/mfa.
    if (hasSecondFactor(user)) throw new MfaCodeRequired();
    return checked === undefined ? this.sessions.start(user) : this.logins.startSession(checked);
  }

  /** The user whose live session this is, or null. */
  async getUserFromSessionId(sessionId: string | null | undefined): Promise<User | null> {
    const found = await this.sessions.sessionWithUser(sessionId);
    if (found === null) return null;
    this.foundSessions.remember(found.user.id, found.session.digest);
    return found.user;
  }

  /**
   * Ends every session of the user. After getUserFromSessionId found one of this user's sessions,
   * only that one, as the route's logout does: the seed's logout is these two calls, and it must
   * not log the user out of their other devices.
   */
  async destroySession(userId: string): Promise<void> {
    const digest = this.foundSessions.take(userId);
    if (digest === undefined) return this.sessions.destroySession(userId);
    return this.sessions.end(userId, digest);
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
