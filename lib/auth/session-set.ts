/**
 * How a user's set of sessions changes: pure functions from one `sessions` map to the next, which
 * the session rules hand to the store's rewrite (lib/store/db.ts). Expired entries are dropped by
 * every change, so the map holds at most the cap of live sessions between changes.
 */
import type { SessionRef, User } from '../store/user';

export type SessionSet = User['sessions'];

export function liveOnly(sessions: SessionSet, now: number): SessionSet {
  return Object.fromEntries(Object.entries(sessions).filter(([, ref]) => ref.expires_at > now));
}

/** The set with a new session, keeping the newest `max - 1` live ones: the oldest go first. */
export function withSession(
  sessions: SessionSet,
  handle: string,
  ref: SessionRef,
  max: number,
  now: number,
): SessionSet {
  const kept = Object.entries(liveOnly(sessions, now))
    .sort(([, a], [, b]) => b.created_at - a.created_at)
    .slice(0, max - 1);
  return { ...Object.fromEntries(kept), [handle]: ref };
}

/** The live sessions but those `ended` names. */
export function without(
  sessions: SessionSet,
  ended: (handle: string, ref: SessionRef) => boolean,
  now: number,
): SessionSet {
  return Object.fromEntries(
    Object.entries(liveOnly(sessions, now)).filter(([handle, ref]) => !ended(handle, ref)),
  );
}

/** Only the session `handle` names, if live: what a change of a factor leaves (ASVS 7.4.3). */
export function onlySession(sessions: SessionSet, handle: string, now: number): SessionSet {
  return without(sessions, (each) => each !== handle, now);
}
