import type { Platform } from '../app';
import type { Config } from '../platform/config';
import type { DB, UserChanges } from '../store/db';
import { MfaChallenges } from '../store/mfa-challenges';
import { documentClientOf, userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { findUser, hasFailures, hasSecondFactor, FAILURES_CLEARED } from './accounts';
import { normaliseEmail } from './email';
import { EmailNotVerified, InvalidCredentials, MfaCodeRequired } from './errors';
import { recordAuthEvent } from './events';
import {
  deviceTrustOf,
  PasswordCheck,
  unlessReset,
  type Checked,
  type DeviceTrust,
  type PasswordCheckSettings,
} from './password-check';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import type { Device } from './device-cookies';
import { Sessions, type SessionStart } from './sessions';
import { digestToken, generateUuid } from './tokens';

export type LoginSettings = Pick<Config, 'bcryptCost' | 'emailVerification'> &
  PasswordCheckSettings;

export interface LoggedIn {
  user: User;
  sessionId: string;
  /** The value of the device cookie this login earns, where logins have device cookies. */
  deviceCookie?: string;
}

/** A right password to an account with a second factor: the login's second step is to come. */
export interface SecondFactorRequired {
  user: User;
  /** The challenge's token, for POST /sessions/mfa: its only copy (the store keeps a digest). */
  mfaToken: string;
}

/** How long a login's second step may wait for its code, and how many wrong codes it allows. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const CHALLENGE_MAX_FAILURES = 5;
// A User-Agent is kept for the session the challenge leads to; beyond this it says nothing more.
const USER_AGENT_MAX = 1024;

/** Credentials: checking a password, counting failures, locking, and logging in. */
export class Logins {
  private readonly passwords: PasswordCheck;

  constructor(
    private readonly db: DB,
    private readonly sessions: Sessions,
    private readonly settings: LoginSettings,
    private readonly now: () => number = Date.now,
    private readonly devices: DeviceTrust | null = null,
    private readonly challenges: MfaChallenges | null = null,
  ) {
    this.passwords = new PasswordCheck(db, settings, now, devices);
  }

  /**
   * The user, when the credentials are right; null otherwise. Throws AccountLocked while the
   * account is locked. A success resets the failure count, as a login does: only consecutive
   * failures lock. The user returned holds the hash that was checked, for `startSession`.
   */
  async checkLogin(email: string, password: string): Promise<User | null> {
    const user = (await this.authenticate(email, password))?.user ?? null;
    if (user === null || !hasFailures(user)) return user;
    const cleared = this.db.updateUser(user.id, FAILURES_CLEARED, {
      hashed_password: user.hashed_password,
    });
    return (await unlessReset(cleared)) === null ? null : { ...user, ...FAILURES_CLEARED };
  }

  /**
   * Checks the credentials and starts a session in one go; InvalidCredentials when wrong. With
   * device cookies, `deviceCookie` is the one the client presented (a valid one for the account
   * makes it a trusted device), and the login earns a new one. For an account with a second
   * factor, a right password starts no session but a challenge, which POST /sessions/mfa completes
   * (lib/auth/mfa-logins.ts); the failures it counted stay until then, so that wrong codes after
   * a right password still run toward the lock.
   */
  async logIn(
    email: string,
    password: string,
    userAgent?: string,
    deviceCookie?: string,
  ): Promise<LoggedIn | SecondFactorRequired> {
    const checked = await this.authenticate(email, password, deviceCookie);
    if (checked === null) throw new InvalidCredentials();
    const { user, device } = checked;
    await this.refuseIfUnverified(user, device !== null);
    const changes: UserChanges = {};
    if (needsRehash(user.hashed_password, this.settings.bcryptCost)) {
      // Upgrade a hash made at a lower cost, now that we hold the password.
      changes.hashed_password = await hashPassword(password, this.settings.bcryptCost);
    }
    if (hasSecondFactor(user)) {
      // Without a challenge store (the library facade) there is no second step: no session.
      if (this.challenges === null) throw new MfaCodeRequired();
      return this.challenge(user, changes, device, userAgent, this.challenges);
    }
    return this.finish(user, { userAgent, changes, clearFailures: device === null });
  }

  /**
   * The end of a login whose every factor was right: the device cookie it earns, then the session
   * (conditional on the hash that was checked, see startSession).
   */
  async finish(user: User, how: SessionStart): Promise<LoggedIn> {
    // Signed before the session is written: a key that cannot be read fails the login whole.
    const earned = await this.devices?.cookies.issue(user);
    const sessionId = await this.startSession(user, how);
    recordAuthEvent('login_succeeded');
    return { user, sessionId, ...(earned !== undefined && { deviceCookie: earned }) };
  }

  /**
   * A session for a user whose password was just checked, started as `how` says. Conditional on
   * the hash that was checked: a reset that committed meanwhile is neither undone by the changes
   * nor outlived by this session (the credentials are stale: InvalidCredentials).
   */
  async startSession(checked: User, how: SessionStart = {}): Promise<string> {
    const started = this.sessions.start(checked, {
      ...how,
      expected: { hashed_password: checked.hashed_password },
    });
    const sessionId = await unlessReset(started);
    if (sessionId === null) throw new InvalidCredentials();
    return sessionId;
  }

  /** A login's second step to come: its challenge stored, by digest, with what the step needs. */
  private async challenge(
    user: User,
    changes: UserChanges,
    device: Device | null,
    userAgent: string | undefined,
    challenges: MfaChallenges,
  ): Promise<SecondFactorRequired> {
    if (changes.hashed_password !== undefined) {
      const upgraded = this.db.updateUser(user.id, changes, {
        hashed_password: user.hashed_password,
      });
      if ((await unlessReset(upgraded)) === null) throw new InvalidCredentials();
    }
    const mfaToken = generateUuid();
    await challenges.create({
      digest: digestToken(mfaToken),
      user_id: user.id,
      generation: user.device_generation,
      expires_at: this.now() + CHALLENGE_TTL_MS,
      failures: 0,
      user_agent: (userAgent ?? '').slice(0, USER_AGENT_MAX),
      device_id: device?.id ?? null,
      device_expires_at: device?.expiresAt ?? null,
    });
    recordAuthEvent('mfa_challenge_issued');
    return { user, mfaToken };
  }

  /**
   * Where the stage requires it, an unverified email gets no session: told so only after the
   * password was right, so it reveals nothing to whoever lacks the password. The right password
   * still clears the failures (from an untrusted client: a trusted device leaves the account's
   * as they are), or a user retrying before verifying would lock themselves out.
   */
  private async refuseIfUnverified(user: User, trusted: boolean): Promise<void> {
    if (this.settings.emailVerification !== 'required' || user.email_verified) return;
    if (!trusted) {
      await unlessReset(
        this.db.updateUser(user.id, FAILURES_CLEARED, { hashed_password: user.hashed_password }),
      );
    }
    recordAuthEvent('login_refused_unverified');
    throw new EmailNotVerified();
  }

  private async authenticate(
    email: string,
    password: string,
    deviceCookie?: string,
  ): Promise<Checked | null> {
    const user = await findUser(this.db, { email: normaliseEmail(email) });
    if (user === null) {
      // One compare against a hash nobody matches, so an unknown email costs what a wrong
      // password costs and response times do not reveal who has an account.
      await verifyPassword(password, dummyHash(this.settings.bcryptCost));
      recordAuthEvent('login_failed');
      return null;
    }
    return this.passwords.check(user, password, deviceCookie);
  }
}

/** The logins of one function: with device cookies and second-factor challenges. */
export function loginsOf(platform: Platform): Logins {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  const challenges = new MfaChallenges(config.usersTable, documentClientOf(platform));
  const sessions = new Sessions(db, config, now);
  return new Logins(db, sessions, config, now, deviceTrustOf(platform), challenges);
}

/** What POST /sessions runs. */
export function loginServices(platform: Platform) {
  return { logins: loginsOf(platform) };
}
