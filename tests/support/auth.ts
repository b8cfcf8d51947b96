import { randomUUID } from 'node:crypto';
import { Auth, type AuthSettings } from '../../lib/auth/auth';
import type { LoggedIn, SecondFactorRequired } from '../../lib/auth/logins';
import { config, db } from './app';

/** An email no other test uses. */
export function freshEmail(): string {
  return `user-${randomUUID()}@example.com`;
}

/** A password long enough for any stage and on no block list. */
export function strongPassword(): string {
  return `Pw-${randomUUID()}`;
}

/** A clock the test moves by hand, for expiry and lock periods. */
export class ManualClock {
  constructor(public epochMs = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.epochMs;
  advanceSeconds(seconds: number): void {
    this.epochMs += seconds * 1000;
  }
}

/**
 * An Auth over this test file's table with the test configuration, `overrides` on top, and the
 * given clock (real time by default).
 */
export function authWith(overrides: Partial<AuthSettings> = {}, clock?: ManualClock): Auth {
  return new Auth(db, { ...config, ...overrides }, clock?.now);
}

/** A login that started a session; the test fails if it asked for a second factor instead. */
export function loggedIn(result: LoggedIn | SecondFactorRequired): LoggedIn {
  if (!('sessionId' in result)) throw new Error('the login asked for a second factor');
  return result;
}
