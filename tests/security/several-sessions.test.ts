// Issue 18: a session per device, listed and ended by its owner; a reset ends them all.
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../lib/auth/sessions';
import { authorizerHandler } from '../../lib/http/authorizer';
import { db, dynamodbEndpoint, handlerFor, testEnv, usersTable } from '../support/app';
import { itemsForEmail } from '../support/table-contents';
import { authWith, freshEmail, loggedIn, ManualClock, strongPassword } from '../support/auth';
import { authorizerEvent, httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { definitionOf } from '../support/routes';
import { bodyOf } from '../support/responses';

const route = (key: string) => handlerFor(definitionOf(key));
const register = route('POST /users');
const login = route('POST /sessions');
const profile = route('GET /profile');
const list = route('GET /sessions');
const endOne = route('DELETE /sessions/{id}');
const endOthers = route('DELETE /sessions/others');
const requestReset = route('POST /reset_password');
const resetPassword = route('PUT /reset_password');
const authorize = authorizerHandler(testEnv());

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const REQUESTS = 'python-requests/2.32.3';

async function account() {
  const form = { email: freshEmail(), password: strongPassword() };
  expect((await register(httpEvent('POST', '/users', { form }))).statusCode).toBe(200);
  return form;
}

async function logIn(form: { email: string; password: string }, userAgent = REQUESTS) {
  const answer = await login(
    httpEvent('POST', '/sessions', { form, headers: { 'User-Agent': userAgent } }),
  );
  expect(answer.statusCode).toBe(200);
  return sessionCookieOf(answer) ?? '';
}

const withCookie = (sessionId: string): EventOptions => ({ cookies: [`session_id=${sessionId}`] });
const withBearer = (sessionId: string): EventOptions => ({
  headers: { Authorization: `Bearer ${sessionId}` },
});

async function profileStatus(sessionId: string) {
  return (await profile(httpEvent('GET', '/profile', withCookie(sessionId)))).statusCode;
}

async function sessionsOf(options: EventOptions): Promise<SessionView[]> {
  const answer = await list(httpEvent('GET', '/sessions', options));
  expect(answer.statusCode).toBe(200);
  return (bodyOf(answer) as { sessions: SessionView[] }).sessions;
}

function endByHandle(handle: string, options: EventOptions) {
  return endOne(
    httpEvent('DELETE', `/sessions/${handle}`, { ...options, pathParameters: { id: handle } }),
  );
}

describe('several sessions per user', () => {
  it('keeps both logins of a user alive, lists them newest first, and ends the other by its handle', async () => {
    // prepare: the same user on a laptop, then from a script
    const form = await account();
    const laptop = await logIn(form, FIREFOX);
    const script = await logIn(form, REQUESTS);
    // assess: both live
    expect([await profileStatus(laptop), await profileStatus(script)]).toEqual([200, 200]);
    const sessions = await sessionsOf(withBearer(script));
    expect(sessions.map(({ user_agent, current }) => [user_agent, current])).toEqual([
      ['python-requests 2.32.3', true],
      ['Firefox on Linux', false],
    ]);
    const [mine, other] = sessions as [SessionView, SessionView];
    expect(Object.keys(mine).sort()).toEqual(
      ['created_at', 'current', 'expires_at', 'id', 'last_used_at', 'user_agent'].sort(),
    );
    expect(mine.id).toMatch(/^[A-Za-z0-9_-]{22}$/u);
    expect(new Date(mine.created_at).toISOString()).toBe(mine.created_at);
    // act: end the laptop's session from the script
    const ended = await endByHandle(other.id, withBearer(script));
    // assess
    expect([ended.statusCode, bodyOf(ended), ended.cookies]).toEqual([
      200,
      { message: 'session ended' },
      undefined,
    ]);
    expect([await profileStatus(laptop), await profileStatus(script)]).toEqual([403, 200]);
    expect((await endByHandle(other.id, withBearer(script))).statusCode).toBe(404);
  });

  it('never lets a handle work as a session id, nor reveal it', async () => {
    const form = await account();
    const sessionId = await logIn(form);
    const [{ id: handle }] = (await sessionsOf(withCookie(sessionId))) as [SessionView];
    expect(handle).not.toContain(sessionId);
    expect(await profileStatus(handle)).toBe(403);
    expect((await list(httpEvent('GET', '/sessions', withBearer(handle)))).statusCode).toBe(403);
    const denied = await authorize(authorizerEvent('GET', '/whoami', withCookie(handle)));
    expect(denied.isAuthorized).toBe(false);
  });

  it("answers 404 to another user's handle and leaves that session alive", async () => {
    const alice = await logIn(await account());
    const bob = await logIn(await account());
    const [{ id: bobsHandle }] = (await sessionsOf(withCookie(bob))) as [SessionView];
    const answer = await endByHandle(bobsHandle, withCookie(alice));
    expect([answer.statusCode, bodyOf(answer), answer.headers?.['X-Error-Code']]).toEqual([
      404,
      { message: 'session not found' },
      'unknown_session',
    ]);
    expect(await profileStatus(bob)).toBe(200);
    for (const handle of ['not-a-handle', '', 'x'.repeat(500)]) {
      expect((await endByHandle(handle, withCookie(alice))).statusCode).toBe(404);
    }
  });

  it('ending the current session by its handle logs it out and clears its cookie', async () => {
    const sessionId = await logIn(await account());
    const [{ id }] = (await sessionsOf(withCookie(sessionId))) as [SessionView];
    const answer = await endByHandle(id, withCookie(sessionId));
    expect(answer.statusCode).toBe(200);
    expect(answer.cookies?.[0]).toMatch(/^session_id=; /u);
    expect(await profileStatus(sessionId)).toBe(403);
  });

  it('ends every other session with DELETE /sessions/others and says how many', async () => {
    const form = await account();
    const others = [await logIn(form), await logIn(form)];
    const current = await logIn(form);
    const answer = await endOthers(httpEvent('DELETE', '/sessions/others', withCookie(current)));
    expect([answer.statusCode, bodyOf(answer)]).toEqual([
      200,
      { message: 'other sessions ended', ended: 2 },
    ]);
    expect(await Promise.all(others.map(profileStatus))).toEqual([403, 403]);
    expect(await profileStatus(current)).toBe(200);
    expect((await sessionsOf(withCookie(current))).length).toBe(1);
  });

  it('answers 403 like GET /profile on each session route without a live session', async () => {
    for (const options of [{}, withCookie('not-a-session'), withBearer(crypto.randomUUID())]) {
      for (const answer of [
        await list(httpEvent('GET', '/sessions', options)),
        await endByHandle('A'.repeat(22), options),
        await endOthers(httpEvent('DELETE', '/sessions/others', options)),
      ]) {
        expect([answer.statusCode, bodyOf(answer)]).toEqual([403, { message: 'no live session' }]);
      }
    }
  });

  it('keeps at most ten live sessions by default: the eleventh login ends the first', async () => {
    const form = await account();
    const sessions: string[] = [];
    for (let i = 0; i < 11; i++) sessions.push(await logIn(form));
    const statuses = await Promise.all(sessions.map(profileStatus));
    expect(statuses).toEqual([403, ...Array<number>(10).fill(200)]);
    expect((await sessionsOf(withCookie(sessions[10] ?? ''))).length).toBe(10);
    expect(Object.keys((await db.findUserBy({ email: form.email })).sessions)).toHaveLength(10);
    // Sessions stay out of the email index, which a login reads: it holds the user alone.
    expect((await itemsForEmail(dynamodbEndpoint, usersTable, form.email)).users).toBe(1);
  });

  it('a password reset ends every session, and the authorizer denies each at once', async () => {
    const form = await account();
    const sessions = [await logIn(form), await logIn(form), await logIn(form)];
    const issued = await requestReset(
      httpEvent('POST', '/reset_password', { form: { email: form.email } }),
    );
    const { reset_token } = bodyOf(issued) as { reset_token: string };
    const reset = await resetPassword(
      httpEvent('PUT', '/reset_password', {
        form: { email: form.email, reset_token, new_password: strongPassword() },
      }),
    );
    expect(reset.statusCode).toBe(200);
    for (const sessionId of sessions) {
      expect(
        (await authorize(authorizerEvent('GET', '/whoami', withCookie(sessionId)))).isAuthorized,
      ).toBe(false);
      expect(await profileStatus(sessionId)).toBe(403);
    }
    expect((await db.findUserBy({ email: form.email })).sessions).toEqual({});
  });
});

describe('a session’s last use', () => {
  it('is recorded at most once a minute', async () => {
    const clock = new ManualClock();
    const auth = authWith({}, clock);
    const form = { email: freshEmail(), password: strongPassword() };
    await auth.registerUser(form.email, form.password);
    const { sessionId } = loggedIn(await auth.logins.logIn(form.email, form.password));
    const created = (await auth.sessions.current(sessionId)).last_used_at;
    clock.advanceSeconds(59);
    await auth.sessions.current(sessionId);
    expect((await auth.sessions.current(sessionId)).last_used_at).toBe(created);
    clock.advanceSeconds(2);
    await auth.sessions.current(sessionId);
    expect((await auth.sessions.current(sessionId)).last_used_at).toBe(clock.epochMs);
  });
});
