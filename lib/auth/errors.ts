/**
 * What can go wrong with an account, named for what happened. They carry no HTTP status:
 * lib/http/error-answers.ts decides what a client sees of each. The message is for logs and for
 * library callers; it never holds a password or a token.
 */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The email is not shaped like an address, or holds characters no address has. */
export class InvalidEmail extends AuthError {
  constructor() {
    super('email is not a valid email address');
  }
}

/** A new password breaks the password policy; the subclass says which rule. */
export abstract class WeakPassword extends AuthError {}

/** Fewer characters than the stage's minimum. */
export class PasswordTooShort extends WeakPassword {
  constructor(readonly minLength: number) {
    super(`password must be at least ${minLength} characters long`);
  }
}

/** More UTF-8 bytes than bcrypt reads. */
export class PasswordTooLong extends WeakPassword {
  constructor(readonly maxBytes: number) {
    super(`password must be at most ${maxBytes} bytes in UTF-8 (bcrypt ignores the rest)`);
  }
}

/** A NUL character, where other bcrypt implementations stop reading. */
export class PasswordHasNul extends WeakPassword {
  constructor() {
    super('password must not contain NUL characters');
  }
}

/** Among the most common passwords, which are guessed first. */
export class CommonPassword extends WeakPassword {
  constructor() {
    super('password is too common, choose another one');
  }
}

/** Registration for an email that has an account already (the seed's message). */
export class EmailTaken extends AuthError {
  constructor(email: string) {
    super(`User ${email} already exists`);
  }
}

/** The email is unknown or the password is wrong: deliberately one error for both. */
export class InvalidCredentials extends AuthError {
  constructor() {
    super('wrong email or password');
  }
}

/** A logged-in user confirming a change gave a wrong password. */
export class WrongPassword extends AuthError {
  constructor() {
    super('wrong password');
  }
}

/** Too many failed logins: the account refuses logins for `retryAfterSeconds`. */
export class AccountLocked extends AuthError {
  constructor(readonly retryAfterSeconds: number) {
    super('too many failed logins, try again later');
  }
}

/** The session id names no live session (unknown, malformed, ended or expired). */
export class SessionNotFound extends AuthError {
  constructor() {
    super('no live session');
  }
}

/**
 * A session handle that names none of the caller's live sessions: unknown, ended, expired or
 * another user's, deliberately one answer for all, so handles cannot be probed.
 */
export class UnknownSession extends AuthError {
  constructor() {
    super('session not found');
  }
}

/** A reset token was asked for an email nobody has. */
export class UnknownEmail extends AuthError {
  constructor() {
    super('email is not registered');
  }
}

/** The reset token is unknown, expired, used, or was issued for another email. */
export class InvalidResetToken extends AuthError {
  constructor() {
    super('reset token is invalid or expired');
  }
}

/** A login with the right password to an account whose email is not verified, when required. */
export class EmailNotVerified extends AuthError {
  constructor() {
    super('email not verified');
  }
}

/** The verification token is unknown, expired, used, or was issued for another email. */
export class InvalidVerificationToken extends AuthError {
  constructor() {
    super('verification token is invalid or expired');
  }
}

/** The email-change token is unknown, expired, used, or was issued to another user. */
export class InvalidEmailChangeToken extends AuthError {
  constructor() {
    super('email change token is invalid or expired');
  }
}

/** A second factor's code (or recovery code) that is wrong, used, or out of its time window. */
export class WrongMfaCode extends AuthError {
  constructor() {
    super('wrong code');
  }
}

/** The login's second step names no pending challenge: unknown, expired, used or exhausted. */
export class InvalidMfaChallenge extends AuthError {
  constructor() {
    super('second factor challenge is invalid or expired, log in again');
  }
}

/** A change to an account with a second factor came without a code or a recovery code. */
export class MfaCodeRequired extends AuthError {
  constructor() {
    super(
      'a code from the authenticator app (code) or a recovery code (recovery_code) is required',
    );
  }
}

/** Enrolling a second factor for an account that has one: turn it off first. */
export class MfaAlreadyEnabled extends AuthError {
  constructor() {
    super('two-factor authentication is already enabled');
  }
}

/** Turning off, or renewing the recovery codes of, a second factor the account does not have. */
export class MfaNotEnabled extends AuthError {
  constructor() {
    super('two-factor authentication is not enabled');
  }
}

/** Confirming an enrolment that was never started or has expired. */
export class NoPendingEnrolment extends AuthError {
  constructor() {
    super('no pending enrolment: start one with POST /mfa/totp');
  }
}
