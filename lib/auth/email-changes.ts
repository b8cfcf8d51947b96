import type { Platform } from '../app';
import { SesMailer, type Mailer } from '../platform/mailer';
import type { DB } from '../store/db';
import { ConflictError, DuplicateEmailError, NoResultFound } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { FAILURES_CLEARED, hasPassed } from './accounts';
import { normaliseEmail } from './email';
import { EmailTaken, InvalidEmailChangeToken, WrongPassword } from './errors';
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
import { digestToken, generateUuid, isWellFormedToken } from './tokens';

export type EmailChangeSettings = PasswordCheckSettings & SessionSettings;

/** How long the link mailed to a new address works. */
export const EMAIL_CHANGE_TTL_MS = 60 * 60 * 1000;

const NO_PENDING_CHANGE = {
  pending_email: null,
  email_change_token: null,
  email_change_expires_at: null,
} as const;

/**
 * A logged-in user moving their account to another address. The address changes only once a
 * mail to it comes back, so a typo cannot lock the owner out: until then the old address keeps
 * working for login and reset, and it is told of the request.
 */
export class EmailChanges {
  private readonly passwords: PasswordCheck;

  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    settings: EmailChangeSettings,
    private readonly mailer: Pick<Mailer, 'sendEmailChange' | 'sendEmailChangeNotice'>,
    private readonly now: () => number = Date.now,
    devices: DeviceTrust | null = null,
    private readonly factor: SecondFactor | null = null,
  ) {
    this.passwords = new PasswordCheck(db, settings, now, devices);
  }

  /**
   * Mails a single-use link (1 h) to `newEmail`, and a notice to the current address. The
   * password must be right (a wrong one counts toward the lock of the client, a trusted device's
   * own when `deviceCookie` is one of the account's); EmailTaken when the new address
   * has an account (or is the caller's own). An account with a second factor also needs a code or
   * a recovery code (`proof`). A new request replaces a pending one.
   */
  async request(
    { sessionId, password, proof, deviceCookie }: ConfirmedChange,
    newEmail: string,
  ): Promise<void> {
    const { user } = await this.sessions.caller(sessionId);
    const normalised = normaliseEmail(newEmail);
    const checked = await this.passwords.require(user, password, deviceCookie);
    await requireSecondFactor(this.factor, this.passwords, checked, proof, deviceCookie);
    if (normalised === checked.email || (await this.db.isEmailTaken(normalised))) {
      throw new EmailTaken(normalised);
    }
    const token = generateUuid();
    const changes = {
      pending_email: normalised,
      email_change_token: digestToken(token),
      email_change_expires_at: this.now() + EMAIL_CHANGE_TTL_MS,
      ...FAILURES_CLEARED,
    };
    const requested = this.db.updateUser(checked.id, changes, {
      hashed_password: checked.hashed_password,
    });
    if ((await unlessReset(requested)) === null) throw new WrongPassword();
    await this.mailer.sendEmailChange(normalised, token);
    await this.mailer.sendEmailChangeNotice(checked.email, normalised);
    recordAuthEvent('email_change_requested');
  }

  /**
   * Moves the caller's account to the address the token was mailed to, and returns the new
   * address; InvalidEmailChangeToken unless the token is the caller's live one. The email guard
   * moves in the same transaction (so an address is never held by two accounts: EmailTaken when
   * someone registered it meanwhile), sessions carry the new address, the address counts as
   * verified (the mail came back), and a reset token mailed to the old address stops working.
   */
  async confirm(sessionId: string | null | undefined, token: string): Promise<string> {
    const { user } = await this.sessions.caller(sessionId);
    const digest = isWellFormedToken(token) ? digestToken(token) : null;
    const newEmail = user.pending_email;
    if (
      digest === null ||
      newEmail === null ||
      user.email_change_token !== digest ||
      hasPassed(user.email_change_expires_at, this.now())
    ) {
      throw new InvalidEmailChangeToken();
    }
    const changes = {
      email: newEmail,
      email_verified: true,
      verify_token: null,
      verify_expires_at: null,
      reset_token: null,
      reset_expires_at: null,
      ...NO_PENDING_CHANGE,
    };
    try {
      await this.db.rewriteUser(user, () => ({ changes }), { email_change_token: digest });
    } catch (error) {
      if (error instanceof DuplicateEmailError) {
        await this.dropPendingChange(user, digest);
        throw new EmailTaken(newEmail);
      }
      if (error instanceof ConflictError || error instanceof NoResultFound) {
        throw new InvalidEmailChangeToken();
      }
      throw error;
    }
    recordAuthEvent('email_changed');
    return newEmail;
  }

  /** A change whose address went to someone else can never complete: it is dropped. */
  private async dropPendingChange(user: User, digest: string): Promise<void> {
    await unlessReset(
      this.db.updateUser(user.id, NO_PENDING_CHANGE, { email_change_token: digest }),
    );
  }
}

/**
 * What POST /email_change runs: with device trust, since it checks a password (its function may
 * read the service key).
 */
export function emailChangeServices(platform: Platform) {
  return emailChangesWith(platform, deviceTrustOf(platform), secondFactorOf);
}

/**
 * What PUT /email_change runs: a token and a session, no password nor code, so no device trust
 * and no second factor (nor the service key they need).
 */
export function emailChangeConfirmServices(platform: Platform) {
  return emailChangesWith(platform, null, null);
}

function emailChangesWith(
  platform: Platform,
  devices: DeviceTrust | null,
  factorOf: typeof secondFactorOf | null,
) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  return {
    emailChanges: new EmailChanges(
      db,
      new Sessions(db, config, now),
      config,
      new SesMailer(config),
      now,
      devices,
      factorOf?.(platform, db) ?? null,
    ),
  };
}
