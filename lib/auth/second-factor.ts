/**
 * A user's second factor (TOTP, lib/auth/totp.ts) and its recovery codes: whether the account has
 * one, and spending a proof of it. Spending is atomic: a code is accepted only for a time step
 * later than the last accepted (a conditional write on `totp_last_step`), a recovery code only
 * while its digest is still in the set (a conditional DELETE), so two requests never both get in
 * with one code. The secret is stored sealed (lib/auth/sealed-secrets.ts) under a key derived
 * from the service key.
 */
import type { Platform } from '../app';
import { serviceKeysOf } from '../platform/service-key';
import type { DB } from '../store/db';
import type { User } from '../store/user';
import { hasSecondFactor } from './accounts';
import { MfaCodeRequired, WrongMfaCode } from './errors';
import { recordAuthEvent } from './events';
import type { PasswordCheck } from './password-check';
import { recoveryCodeDigest } from './recovery-codes';
import { open, seal } from './sealed-secrets';
import { acceptedStep } from './totp';

/** What proves the second factor: a code from the authenticator app, or a recovery code. */
export interface FactorProof {
  code?: string;
  recoveryCode?: string;
}

/** An accepted proof: a code, or a recovery code and how many the user has left. */
export type Spent = { by: 'code' } | { by: 'recovery_code'; remaining: number };

export class SecondFactor {
  constructor(
    private readonly db: DB,
    private readonly key: () => Promise<Buffer>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A TOTP secret sealed for `userId`, as stored. */
  async seal(userId: string, secret: string): Promise<string> {
    return seal(await this.key(), secret, userId);
  }

  /** A sealed TOTP secret of `userId`, opened. */
  async open(userId: string, sealed: string): Promise<string> {
    return open(await this.key(), sealed, userId);
  }

  /**
   * Spends `proof` for `user`: the code of a time step after the last accepted one, or one of
   * the user's unused recovery codes. Null when it is wrong, used or the account has no factor.
   */
  async spend(user: User, proof: FactorProof): Promise<Spent | null> {
    if (user.totp_secret === null) return null;
    if (proof.recoveryCode !== undefined) return this.spendRecoveryCode(user, proof.recoveryCode);
    if (proof.code === undefined) return null;
    const secret = await this.open(user.id, user.totp_secret);
    const step = await acceptedStep(secret, proof.code, this.now(), user.totp_last_step);
    if (step === null) return null;
    // Only if no request accepted this step or a later one since the user was read.
    const accepted = await this.db.updateUserUnlessSince(user.id, {}, 'totp_last_step', step, step);
    return accepted ? { by: 'code' } : null;
  }

  private async spendRecoveryCode(user: User, code: string): Promise<Spent | null> {
    const digest = recoveryCodeDigest(code);
    if (digest === null || !user.recovery_codes.includes(digest)) return null;
    const remaining = await this.db.spendRecoveryCode(user.id, digest);
    if (remaining === null) return null;
    recordAuthEvent('recovery_code_used');
    return { by: 'recovery_code', remaining };
  }
}

/**
 * For a change to an account (its email, its deletion, its second factor): nothing when the
 * account has no second factor; otherwise the proof must be given (MfaCodeRequired) and right
 * (WrongMfaCode, counted against the lock of the client, a trusted device's own when
 * `deviceCookie` is one of the account's, as a wrong password is). `factor` is null only where
 * no route changes an account; an account with a factor is then refused, never let through.
 */
export async function requireSecondFactor(
  factor: SecondFactor | null,
  passwords: PasswordCheck,
  user: User,
  proof: FactorProof,
  deviceCookie?: string,
): Promise<Spent | null> {
  if (!hasSecondFactor(user)) return null;
  if (proof.code === undefined && proof.recoveryCode === undefined) throw new MfaCodeRequired();
  const spent = factor === null ? null : await factor.spend(user, proof);
  if (spent !== null) return spent;
  recordAuthEvent('mfa_challenge_failed');
  await passwords.countFailure(user, await passwords.trustedDevice(user, deviceCookie));
  throw new WrongMfaCode();
}

/** The second factor of one function, its secrets sealed with the stage's service key. */
export function secondFactorOf(platform: Platform, db: DB): SecondFactor {
  const keys = serviceKeysOf(platform);
  return new SecondFactor(db, () => keys.key('totp-secret'), platform.now);
}
