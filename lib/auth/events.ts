import { AsyncLocalStorage } from 'node:async_hooks';

/** What happened to an account during one request; logged and counted as metrics. */
export type AuthEvent =
  | 'user_registered'
  | 'login_succeeded'
  | 'login_failed'
  | 'login_refused_locked'
  | 'login_refused_unverified'
  | 'account_locked'
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
