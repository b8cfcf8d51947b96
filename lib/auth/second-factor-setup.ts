/**
 * A logged-in user turning their second factor on (enrol, then confirm with a first code), off,
 * or renewing its recovery codes. Each asks again for what protects it: enrolling for the
 * password, turning off and renewing for the password and a code (or a recovery code), so a
 * stolen session alone can neither add a factor of the thief's nor remove the owner's. Each
 * change ends the user's other sessions (ASVS 7.4.3).
 */
import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges, UserFilters } from '../store/db';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import {
  MfaAlreadyEnabled,
  MfaNotEnabled,
  NoPendingEnrolment,
  WrongMfaCode,
  WrongPassword,
} from './errors';
import { FAILURES_CLEARED, hasSecondFactor } from './accounts';
import { recordAuthEvent } from './events';
import {
  deviceTrustOf,
  PasswordCheck,
  unlessReset,
  type PasswordCheckSettings,
} from './password-check';
import { newRecoveryCodes } from './recovery-codes';
import type { ConfirmedChange } from './confirmed-change';
import { requireSecondFactor, secondFactorOf, type SecondFactor } from './second-factor';
import { onlySession } from './session-set';
import { Sessions, type SessionSettings } from './sessions';
import { acceptedStep, newTotpSecret, otpauthUri } from './totp';

export type SecondFactorSetupSettings = Pick<Config, 'productName'> &
  PasswordCheckSettings &
  SessionSettings;

/** How long an enrolment waits for its first code: time to scan the QR code and type one. */
export const ENROLMENT_TTL_MS = 10 * 60_000;

/** What an enrolment shows, once: the secret, and the URI an authenticator app scans. */
export interface Enrolment {
  secret: string;
  otpauth_uri: string;
}

export class SecondFactorSetup {
  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    private readonly passwords: PasswordCheck,
    private readonly factor: SecondFactor,
    private readonly settings: SecondFactorSetupSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A new secret for the caller, pending until a first code proves their app has it (confirm).
   * The password must be right (WrongPassword, counted toward the lock); MfaAlreadyEnabled when
   * the account has a factor: it is turned off first, which needs a code of the current one.
   */
  async enrol(
    sessionId: string | null | undefined,
    password: string,
    deviceCookie?: string,
  ): Promise<Enrolment> {
    const { user } = await this.sessions.caller(sessionId);
    const checked = await this.passwords.require(user, password, deviceCookie);
    if (hasSecondFactor(checked)) throw new MfaAlreadyEnabled();
    const secret = newTotpSecret();
    const pending = {
      totp_pending: await this.factor.seal(checked.id, secret),
      totp_pending_expires_at: this.now() + ENROLMENT_TTL_MS,
      // The right password ends a run of failures, as a login's does.
      ...FAILURES_CLEARED,
    };
    const stored = this.db.updateUser(checked.id, pending, {
      hashed_password: checked.hashed_password,
      totp_secret: null,
    });
    if ((await unlessReset(stored)) === null) throw new WrongPassword();
    return { secret, otpauth_uri: otpauthUri(secret, checked.email, this.settings.productName) };
  }

  /**
   * Turns the pending secret on, given a code from it, and returns the recovery codes: shown this
   * once, stored as digests. The caller's other sessions end. NoPendingEnrolment when none is
   * pending (or it expired); WrongMfaCode for a wrong code.
   */
  async confirm(sessionId: string | null | undefined, code: string): Promise<string[]> {
    const { session, user } = await this.sessions.caller(sessionId);
    const pending = this.pendingOf(user);
    if (pending === null) throw new NoPendingEnrolment();
    const secret = await this.factor.open(user.id, pending);
    const step = await acceptedStep(secret, code, this.now(), null);
    if (step === null) throw new WrongMfaCode();
    const { codes, digests } = newRecoveryCodes();
    const written = this.rewrite(
      user,
      session.handle,
      { totp_pending: pending },
      {
        totp_secret: pending,
        totp_pending: null,
        totp_pending_expires_at: null,
        // The code that proved the app is spent: it cannot log in within its window.
        totp_last_step: step,
        recovery_codes: digests,
      },
    );
    // Another enrolment or a password reset came first: this one is no longer pending.
    if ((await unlessReset(written)) === null) throw new NoPendingEnrolment();
    recordAuthEvent('mfa_enabled');
    return codes;
  }

  /**
   * The caller's pending enrolment, shown again (the pages' enrolment page after a wrong first
   * code); null when none is pending or it expired.
   */
  async pending(sessionId: string | null | undefined): Promise<Enrolment | null> {
    const { user } = await this.sessions.caller(sessionId);
    const pending = this.pendingOf(user);
    if (pending === null) return null;
    const secret = await this.factor.open(user.id, pending);
    return { secret, otpauth_uri: otpauthUri(secret, user.email, this.settings.productName) };
  }

  /** The user's sealed pending secret, while its enrolment lasts; null otherwise. */
  private pendingOf(user: User): string | null {
    const { totp_pending: pending, totp_pending_expires_at: expiresAt } = user;
    return pending === null || expiresAt === null || expiresAt <= this.now() ? null : pending;
  }

  /** Turns the second factor off, given the password and a code or recovery code. */
  async disable(change: ConfirmedChange): Promise<void> {
    const { session, user } = await this.proven(change);
    const written = this.rewrite(
      user,
      session.handle,
      {},
      {
        totp_secret: null,
        totp_last_step: null,
        recovery_codes: [],
      },
    );
    if ((await unlessReset(written)) === null) throw new WrongPassword();
    recordAuthEvent('mfa_disabled');
  }

  /** A new set of recovery codes, given the password and a code or recovery code; the old die. */
  async replaceRecoveryCodes(change: ConfirmedChange): Promise<string[]> {
    const { session, user } = await this.proven(change);
    const { codes, digests } = newRecoveryCodes();
    const written = this.rewrite(user, session.handle, {}, { recovery_codes: digests });
    if ((await unlessReset(written)) === null) throw new WrongPassword();
    recordAuthEvent('recovery_codes_replaced');
    return codes;
  }

  /** The caller, once their password and second factor are proven; MfaNotEnabled without one. */
  private async proven({ sessionId, password, proof, deviceCookie }: ConfirmedChange) {
    const { session, user } = await this.sessions.caller(sessionId);
    const checked = await this.passwords.require(user, password, deviceCookie);
    if (!hasSecondFactor(checked)) throw new MfaNotEnabled();
    await requireSecondFactor(this.factor, this.passwords, checked, proof, deviceCookie);
    return { session, user: checked };
  }

  /**
   * Writes the factor's change with the end of every other session and of the failures (the
   * password and code were right), on the user as stored: only while it still has the hash that
   * was checked and `expected` (else ConflictError).
   */
  private rewrite(
    user: User,
    handle: string,
    expected: UserFilters,
    changes: UserChanges,
  ): Promise<void> {
    return this.db.rewriteUser(
      user,
      (current) => ({
        changes: {
          ...changes,
          ...FAILURES_CLEARED,
          sessions: onlySession(current.sessions, handle, this.now()),
        },
      }),
      { ...expected, hashed_password: user.hashed_password },
    );
  }
}

/** What the four /mfa routes run. */
export function secondFactorSetupServices(platform: Platform) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  return {
    secondFactorSetup: new SecondFactorSetup(
      db,
      new Sessions(db, config, now),
      new PasswordCheck(db, config, now, deviceTrustOf(platform)),
      secondFactorOf(platform, db),
      config,
      now,
    ),
  };
}
