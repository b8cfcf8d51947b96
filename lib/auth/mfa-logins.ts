/**
 * A login's second step (POST /sessions/mfa): the challenge a right password left
 * (lib/auth/logins.ts), completed by a code or a recovery code. A challenge lives
 * CHALLENGE_TTL_MS, leads to one session at most, and ends after CHALLENGE_MAX_FAILURES wrong
 * codes; each wrong code also counts against the lock the password counted against (the
 * trusted device's, or the account's), so guessing codes locks as guessing passwords does.
 */
import type { Platform } from '../app';
import { MfaChallenges, type MfaChallenge } from '../store/mfa-challenges';
import { documentClientOf, userStoreOf } from '../store/open';
import type { User } from '../store/user';
import type { DB } from '../store/db';
import { findUser, hasSecondFactor } from './accounts';
import type { Device } from './device-cookies';
import { InvalidMfaChallenge, MfaCodeRequired, WrongMfaCode } from './errors';
import { recordAuthEvent } from './events';
import { CHALLENGE_MAX_FAILURES, loginsOf, type LoggedIn, type Logins } from './logins';
import { deviceTrustOf, PasswordCheck, type PasswordCheckSettings } from './password-check';
import { secondFactorOf, type FactorProof, type SecondFactor, type Spent } from './second-factor';
import { digestToken, isWellFormedToken } from './tokens';

export type CompletedLogin = LoggedIn & { spent: Spent };

export class MfaLogins {
  constructor(
    private readonly db: DB,
    private readonly challenges: MfaChallenges,
    private readonly logins: Logins,
    private readonly factor: SecondFactor,
    private readonly passwords: PasswordCheck,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Completes the challenge of `mfaToken` with `proof`: the session, the device cookie it earns,
   * and what was spent. InvalidMfaChallenge for a token that names no live challenge (or one whose
   * account changed its password since), WrongMfaCode for a wrong proof, AccountLocked while the
   * client's lock lasts.
   */
  async complete(mfaToken: string, proof: FactorProof): Promise<CompletedLogin> {
    if (proof.code === undefined && proof.recoveryCode === undefined) throw new MfaCodeRequired();
    const { challenge, user } = await this.pending(mfaToken);
    const device = deviceOf(challenge);
    await this.passwords.refuseIfLockedFor(user, device);
    const spent = await this.factor.spend(user, proof);
    if (spent === null) {
      recordAuthEvent('mfa_challenge_failed');
      const failures = await this.challenges.countFailure(challenge.digest);
      if (failures !== null && failures >= CHALLENGE_MAX_FAILURES) {
        await this.challenges.consume(challenge.digest);
      }
      await this.passwords.countFailure(user, device);
      throw new WrongMfaCode();
    }
    // One session per challenge, even when two right codes race.
    if (!(await this.challenges.consume(challenge.digest))) throw new InvalidMfaChallenge();
    const loggedIn = await this.logins.finish(user, {
      userAgent: challenge.user_agent,
      clearFailures: device === null,
      mfa: true,
    });
    return { ...loggedIn, spent };
  }

  /** The live challenge of the token and its user; InvalidMfaChallenge otherwise. */
  private async pending(mfaToken: string): Promise<{ challenge: MfaChallenge; user: User }> {
    if (!isWellFormedToken(mfaToken)) throw new InvalidMfaChallenge();
    const challenge = await this.challenges.find(digestToken(mfaToken));
    if (challenge === null || challenge.expires_at <= this.now()) throw new InvalidMfaChallenge();
    const user = await findUser(this.db, { id: challenge.user_id });
    // A password reset or change since the password was checked moved the generation on.
    if (
      user === null ||
      user.device_generation !== challenge.generation ||
      !hasSecondFactor(user)
    ) {
      await this.challenges.consume(challenge.digest);
      throw new InvalidMfaChallenge();
    }
    return { challenge, user };
  }
}

/** The trusted device the challenge's password came from, as its cookie said then. */
function deviceOf(challenge: MfaChallenge): Device | null {
  if (challenge.device_id === null) return null;
  return {
    id: challenge.device_id,
    userId: challenge.user_id,
    generation: challenge.generation,
    expiresAt: challenge.device_expires_at ?? 0,
  };
}

/** What POST /sessions/mfa runs. */
export function mfaLoginServices(platform: Platform) {
  const { config, now } = platform;
  const db = userStoreOf(platform);
  const settings: PasswordCheckSettings = config;
  return {
    mfaLogins: new MfaLogins(
      db,
      new MfaChallenges(config.usersTable, documentClientOf(platform)),
      loginsOf(platform),
      secondFactorOf(platform, db),
      new PasswordCheck(db, settings, now, deviceTrustOf(platform)),
      now,
    ),
  };
}
