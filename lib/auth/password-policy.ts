import type { Config } from '../platform/config';
import { COMMON_PASSWORDS } from './common-passwords';
import { CommonPassword, PasswordHasNul, PasswordTooLong, PasswordTooShort } from './errors';
import { BCRYPT_MAX_BYTES, utf8Length } from './passwords';

let commonPasswords: ReadonlySet<string> | undefined;

// Built on first use, so routes that never set a password never pay for the set.
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(COMMON_PASSWORDS.split('\n'));
  return commonPasswords.has(password.toLowerCase());
}

/** The stage's rules for new passwords: the local stage accepts what Flask clients send. */
export type PasswordPolicy = Pick<Config, 'minPasswordLength' | 'refuseCommonPasswords'>;

/**
 * Refuses a new password that bcrypt would truncate, that is too short, or, where the policy says
 * so, that is well known.
 */
export function checkNewPassword(password: string, policy: PasswordPolicy): void {
  const minLength = policy.minPasswordLength;
  if (Array.from(password).length < minLength) {
    throw new PasswordTooShort(minLength);
  }
  if (utf8Length(password) > BCRYPT_MAX_BYTES) {
    throw new PasswordTooLong(BCRYPT_MAX_BYTES);
  }
  // Other bcrypt implementations stop at a NUL byte; such a hash would not survive a migration.
  if (password.includes('\u0000')) {
    throw new PasswordHasNul();
  }
  if (policy.refuseCommonPasswords && isCommon(password)) {
    throw new CommonPassword();
  }
}
