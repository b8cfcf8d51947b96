import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What happened to an account, or to a client's budget, during one request; logged and counted as
 * metrics (by kind: never with an address or an account).
 */
export type AuthEvent =
  | 'user_registered'
  | 'login_succeeded'
  | 'login_failed'
  /** The account is locked for clients without its device cookie. */
  | 'login_refused_locked'
  /** The device cookie presented is valid, and its device is locked. */
  | 'login_refused_device_locked'
  | 'login_refused_unverified'
  /** Too many failures from clients without a device cookie: the account's lock for them. */
  | 'account_locked'
  /** Too many failures from one trusted device: that device's own lock. */
  | 'device_locked'
  /** A client address over its budget of attempts per minute (lib/http/client-budget.ts). */
  | 'client_over_budget'
  | 'logged_out'
  | 'session_ended'
  | 'other_sessions_ended'
  | 'session_expired'
  | 'reset_requested'
  | 'password_updated'
  | 'password_changed'
  | 'verification_sent'
  | 'email_verified'
  | 'email_change_requested'
  | 'email_changed'
  | 'account_deleted'
  /** A second factor was enrolled (its first code proved it), or turned off. */
  | 'mfa_enabled'
  | 'mfa_disabled'
  /** A password was right and the login now waits for its second factor. */
  | 'mfa_challenge_issued'
  /** A second factor's code or recovery code was wrong (at login or confirming a change). */
  | 'mfa_challenge_failed'
  | 'recovery_code_used'
  | 'recovery_codes_replaced'
  /** A mail the answer does not wait on (verification) could not be sent: SES is failing. */
  | 'mail_failed';

// Per-request storage: handlers invoked concurrently in one process (tests, benchmarks, the local
// stage) each see only their own events.
const storage = new AsyncLocalStorage<AuthEvent[]>();

/** Notes an event for the current request; a no-op outside one (library use, scripts). */
export function recordAuthEvent(event: AuthEvent): void {
  storage.getStore()?.push(event);
}

/** Runs `work`, collecting the events it records into `events` (kept even when it throws). */
export function recordAuthEventsInto<T>(events: AuthEvent[], work: () => Promise<T>): Promise<T> {
  return storage.run(events, work);
}
