import type { Config } from './config';
import { recordAuthEvent } from './auth-events';
import {
  ConflictError,
  DuplicateEmailError,
  NoResultFound,
  type DB,
  type UserChanges,
  type UserFilters,
} from './db';
import { normaliseEmail } from './email';
import { AppError, ForbiddenError, TooManyRequestsError } from './errors';
import { checkNewPassword } from './password-policy';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { digestToken, generateUuid, isWellFormedToken } from './tokens';
import type { User } from './user';

export type AuthSettings = Pick<
  Config,
  | 'bcryptCost'
  | 'minPasswordLength'
  | 'sessionTtlSeconds'
  | 'resetTokenTtlSeconds'
  | 'loginMaxFailures'
  | 'loginLockSeconds'
  | 'loginLockMaxSeconds'
>;

export class UserAlreadyExistsError extends AppError {
  constructor(email: string) {
    super(400, 'email already registered', `User ${email} already exists`);
  }
}

export class UnknownEmailError extends ForbiddenError {
  constructor() {
    super('email is not registered');
  }
}

export class InvalidResetTokenError extends ForbiddenError {
  constructor() {
    super('reset token is invalid or expired');
  }
}

export interface LoggedIn {
  user: User;
  sessionId: string;
}

const SESSION_CLEARED: UserChanges = { session_id: null, session_expires_at: null };
const FAILURES_CLEARED: UserChanges = { failed_logins: 0, locked_until: null };

function hasFailures(user: User): boolean {
  return user.failed_logins > 0 || user.locked_until !== null;
}

/** The seed's Auth class: registration, logins, sessions and password resets. */
export class Auth {
  constructor(
    private readonly db: DB,
    private readonly settings: AuthSettings,
    private readonly now: () => number = Date.now,
  ) {}

  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.settings.bcryptCost);
  }

  generateUuid(): string {
    return generateUuid();
  }

  /** Throws UserAlreadyExistsError ("User <email> already exists") for a taken email. */
  async registerUser(email: string, password: string): Promise<User> {
    const normalised = normaliseEmail(email);
    checkNewPassword(password, this.settings.minPasswordLength);
    const hashed = await this.hashPassword(password);
    try {
      const user = await this.db.addUser(normalised, hashed);
      recordAuthEvent('user_registered');
      return user;
    } catch (error) {
      if (error instanceof DuplicateEmailError) throw new UserAlreadyExistsError(normalised);
      throw error;
    }
  }

  /**
   * Whether the credentials are right. Throws TooManyRequestsError while the account is locked.
   * A success resets the failure count, as a login does: only consecutive failures lock.
   */
  async validLogin(email: string, password: string): Promise<boolean> {
    const user = await this.authenticate(email, password);
    if (user === null) return false;
    if (hasFailures(user)) await this.db.updateUser(user.id, FAILURES_CLEARED);
    return true;
  }

  /** Checks the credentials and starts a session in one go: null when they are wrong. */
  async logIn(email: string, password: string): Promise<LoggedIn | null> {
    const user = await this.authenticate(email, password);
    if (user === null) return null;
    try {
      const sessionId = await this.startSession(user, password);
      recordAuthEvent('login_succeeded');
      return { user, sessionId };
    } catch (error) {
      // The password was reset between the check and the session write: the credentials are stale.
      if (error instanceof ConflictError) return null;
      throw error;
    }
  }

  /** Starts a new session for the user (ending any other) and returns its id; null if unknown. */
  async createSession(email: string): Promise<string | null> {
    const user = await this.findBy({ email: normaliseEmail(email) });
    return user === null ? null : this.startSession(user);
  }

  /** The user whose live session this is, or null (unknown, malformed or expired). */
  async getUserFromSessionId(sessionId: string | null | undefined): Promise<User | null> {
    if (!isWellFormedToken(sessionId)) return null;
    const digest = digestToken(sessionId);
    const user = await this.findBy({ session_id: digest });
    if (user === null) return null;
    if (this.hasPassed(user.session_expires_at)) {
      await this.endSession(user.id, digest);
      recordAuthEvent('session_expired');
      return null;
    }
    return user;
  }

  async destroySession(userId: string): Promise<void> {
    try {
      await this.db.updateUser(userId, SESSION_CLEARED);
    } catch (error) {
      if (!(error instanceof NoResultFound)) throw error;
    }
  }

  /** Ends the session this id names, if it is live. Returns whether there was one to end. */
  async logOut(sessionId: string | null | undefined): Promise<boolean> {
    const user = await this.getUserFromSessionId(sessionId);
    if (user === null || user.session_id === null) return false;
    await this.endSession(user.id, user.session_id);
    recordAuthEvent('logged_out');
    return true;
  }

  /** Issues a reset token for the email; throws UnknownEmailError when nobody has it. */
  async getResetPasswordToken(email: string): Promise<string> {
    const user = await this.findBy({ email: normaliseEmail(email) });
    if (user === null) throw new UnknownEmailError();
    const token = generateUuid();
    await this.db.updateUser(user.id, {
      reset_token: digestToken(token),
      reset_expires_at: this.now() + this.settings.resetTokenTtlSeconds * 1000,
    });
    recordAuthEvent('reset_requested');
    return token;
  }

  /**
   * Sets a new password with a reset token. The token must be live and, when an email is given,
   * issued for that email. It works once, and the reset also ends the user's session and lock.
   */
  async updatePassword(resetToken: string, password: string, email?: string): Promise<User> {
    const normalisedEmail = email === undefined ? undefined : normaliseEmail(email);
    checkNewPassword(password, this.settings.minPasswordLength);
    if (!isWellFormedToken(resetToken)) throw new InvalidResetTokenError();
    const digest = digestToken(resetToken);
    const user = await this.findBy({ reset_token: digest });
    if (
      user === null ||
      this.hasPassed(user.reset_expires_at) ||
      (normalisedEmail !== undefined && user.email !== normalisedEmail)
    ) {
      throw new InvalidResetTokenError();
    }
    const changes: UserChanges = {
      hashed_password: await this.hashPassword(password),
      reset_token: null,
      reset_expires_at: null,
      ...SESSION_CLEARED,
      ...FAILURES_CLEARED,
    };
    try {
      // Conditional on the token still being there: of two resets racing with it, one wins.
      await this.db.updateUser(user.id, changes, { reset_token: digest });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NoResultFound) {
        throw new InvalidResetTokenError();
      }
      throw error;
    }
    recordAuthEvent('password_updated');
    return user;
  }

  private async authenticate(email: string, password: string): Promise<User | null> {
    const user = await this.findBy({ email: normaliseEmail(email) });
    if (user === null) {
      // One compare against a hash nobody matches, so an unknown email costs what a wrong
      // password costs and response times do not reveal who has an account.
      await verifyPassword(password, dummyHash(this.settings.bcryptCost));
      recordAuthEvent('login_failed');
      return null;
    }
    this.refuseIfLocked(user);
    // The attempt is counted while the hash is compared, not after a failed compare: a wrong
    // password for a known email then costs one compare, like an unknown email, instead of one
    // compare plus a write. A success resets the count (the user returned says it has failures).
    const [matched, failures] = await Promise.all([
      verifyPassword(password, user.hashed_password),
      this.db.countFailedLogin(user.id),
    ]);
    if (matched) return { ...user, failed_logins: failures };
    await this.lockIfTooMany(user, failures);
    return null;
  }

  private refuseIfLocked(user: User): void {
    if (user.locked_until === null || user.locked_until <= this.now()) return;
    recordAuthEvent('login_refused_locked');
    throw new TooManyRequestsError(Math.ceil((user.locked_until - this.now()) / 1000));
  }

  private async lockIfTooMany(user: User, failures: number): Promise<void> {
    recordAuthEvent('login_failed');
    const { loginMaxFailures, loginLockSeconds, loginLockMaxSeconds } = this.settings;
    if (failures < loginMaxFailures) return;
    // The lock doubles with each failure past the limit (1, 2, 4 … minutes), up to the maximum.
    const seconds = Math.min(
      loginLockSeconds * 2 ** (failures - loginMaxFailures),
      loginLockMaxSeconds,
    );
    await this.db.updateUser(user.id, { locked_until: this.now() + seconds * 1000 });
    recordAuthEvent('account_locked');
  }

  private async startSession(user: User, password?: string): Promise<string> {
    const sessionId = generateUuid();
    const changes: UserChanges = {
      session_id: digestToken(sessionId),
      session_expires_at: this.now() + this.settings.sessionTtlSeconds * 1000,
      ...(hasFailures(user) && FAILURES_CLEARED),
    };
    const expected: UserFilters = {};
    if (password !== undefined && needsRehash(user.hashed_password, this.settings.bcryptCost)) {
      // Upgrade a hash made at a lower cost, now that we hold the password. Conditional on the
      // hash being unchanged, so a password reset racing with this login is never undone.
      changes.hashed_password = await this.hashPassword(password);
      expected.hashed_password = user.hashed_password;
    }
    await this.db.updateUser(user.id, changes, expected);
    return sessionId;
  }

  /** Removes the session only if it is still this one: a newer login is left alone. */
  private async endSession(userId: string, sessionDigest: string): Promise<void> {
    try {
      await this.db.updateUser(userId, SESSION_CLEARED, { session_id: sessionDigest });
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof NoResultFound)) throw error;
    }
  }

  private async findBy(filters: UserFilters): Promise<User | null> {
    try {
      return await this.db.findUserBy(filters);
    } catch (error) {
      if (error instanceof NoResultFound) return null;
      throw error;
    }
  }

  /** Null counts as passed: a session or token without an expiry is not trusted. */
  private hasPassed(epochMs: number | null): boolean {
    return epochMs === null || epochMs <= this.now();
  }
}
