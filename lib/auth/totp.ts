/**
 * Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps), as authenticator
 * apps make them, through otplib. A code is accepted for its own step and one step either side
 * (clock drift of up to 30 s), and only for a step later than the last one accepted for the user:
 * replaying a code, or an earlier one, within its window fails.
 */
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
/** One step of clock drift either way (ASVS 6.5.5 keeps codes valid at most 30 s). */
const DRIFT_SECONDS = TOTP_PERIOD_SECONDS;

/** A new shared secret: 20 random bytes (RFC 4226's recommended 160 bits), in base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://` URI an authenticator app scans: the account's email under the product's name. */
export function otpauthUri(secret: string, email: string, issuer: string): string {
  return generateURI({ issuer, label: email, secret });
}

/** Six digits; anything else is refused before any compare. */
export function isWellFormedCode(code: string): boolean {
  return /^\d{6}$/u.test(code);
}

/**
 * The time step `code` belongs to, when it is right at `nowMs` (within the drift) and later than
 * `afterStep`; null otherwise.
 */
export async function acceptedStep(
  secret: string,
  code: string,
  nowMs: number,
  afterStep: number | null,
): Promise<number | null> {
  if (!isWellFormedCode(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: DRIFT_SECONDS,
    ...(afterStep !== null && { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
