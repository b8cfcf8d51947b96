// Item 4: sessions expire after an absolute lifetime; the cookie's attributes match.
import { describe, expect, it } from 'vitest';
import { route as loginRoute } from '../../handlers/login';
import { route as profileRoute } from '../../handlers/profile';
import { digestToken } from '../../lib/auth/tokens';
import { config, handlerFor } from '../support/app';
import { setSessionExpiry } from '../support/sessions';
import { sessionCookies } from '../../lib/http/cookies';
import { db } from '../support/app';
import { authWith, freshEmail, loggedIn, ManualClock, strongPassword } from '../support/auth';
import { httpEvent, sessionCookieOf } from '../support/events';
import { bodyOf } from '../support/responses';

const login = handlerFor(loginRoute);
const profile = handlerFor(profileRoute);

async function registered(auth = authWith()) {
  const email = freshEmail();
  const password = strongPassword();
  await auth.registerUser(email, password);
  return { email, password };
}

describe('session lifetime', () => {
  it('is 24 hours by default', () => {
    expect(config.sessionTtlSeconds).toBe(86_400);
  });

  it('ends at the configured lifetime, however much the session is used', async () => {
    // prepare: a one-hour lifetime on a clock the test moves
    const clock = new ManualClock();
    const auth = authWith({ sessionTtlSeconds: 3600 }, clock);
    const { email, password } = await registered(auth);
    const session = loggedIn(await auth.logins.logIn(email, password));
    // act + assess: used every 20 minutes, it still ends one hour after the login (absolute)
    for (let minute = 0; minute < 60; minute += 20) {
      expect((await auth.getUserFromSessionId(session.sessionId))?.email).toBe(email);
      clock.advanceSeconds(20 * 60);
    }
    const [ref] = Object.values((await db.findUserBy({ email })).sessions);
    expect(ref?.expires_at).toBe(clock.epochMs);
    expect(await auth.getUserFromSessionId(session.sessionId)).toBeNull();
  });

  it('an expired session is cleared from the store, so a later clock cannot revive it', async () => {
    const clock = new ManualClock();
    const auth = authWith({ sessionTtlSeconds: 60 }, clock);
    const { email, password } = await registered(auth);
    const session = loggedIn(await auth.logins.logIn(email, password));
    clock.advanceSeconds(61);
    expect(await auth.getUserFromSessionId(session.sessionId)).toBeNull();
    expect((await db.findUserBy({ email })).sessions).toEqual({});
    expect(await db.findSession(digestToken(session.sessionId))).toBeNull();
    clock.epochMs -= 3600_000;
    expect(await auth.getUserFromSessionId(session.sessionId)).toBeNull();
  });

  it('GET /profile answers 403 to an expired session cookie and clears the session', async () => {
    // prepare: a real login through the handler, then its expiry moved into the past
    const { email, password } = await registered();
    const loggedIn = await login(httpEvent('POST', '/sessions', { form: { email, password } }));
    const cookie = `session_id=${sessionCookieOf(loggedIn) ?? ''}`;
    const user = await db.findUserBy({ email });
    expect((await profile(httpEvent('GET', '/profile', { cookies: [cookie] }))).statusCode).toBe(
      200,
    );
    const sessionId = cookie.slice('session_id='.length);
    await setSessionExpiry(sessionId, Date.now() - 1);
    // act
    const response = await profile(httpEvent('GET', '/profile', { cookies: [cookie] }));
    // assess
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response)).toEqual({ message: 'no live session' });
    expect(await db.findSession(digestToken(sessionId))).toBeNull();
    expect((await db.findUserBy({ id: user.id })).sessions).toEqual({});
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, Secure, with Max-Age the lifetime (deployed defaults)', async () => {
    const { email, password } = await registered();
    const response = await login(httpEvent('POST', '/sessions', { form: { email, password } }));
    const [cookie] = response.cookies ?? [];
    const attributes = cookie?.split('; ').slice(1).sort();
    expect(attributes).toEqual(['HttpOnly', 'Max-Age=86400', 'Path=/', 'SameSite=Lax', 'Secure']);
  });

  it('drops Secure only when COOKIE_SECURE is false (the local emulation over plain HTTP)', () => {
    const local = sessionCookies('id', {
      sessionTtlSeconds: 600,
      cookieSecure: false,
      cookieDomain: undefined,
    });
    expect(local).toEqual(['session_id=id; Path=/; Max-Age=600; HttpOnly; SameSite=Lax']);
  });
});
