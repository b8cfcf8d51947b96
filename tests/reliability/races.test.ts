/**
 * Races through the handlers, in process: many API Gateway v2 events for one account at once
 * (Promise.all), against this file's own DynamoDB Local table. What is stored is counted with a
 * raw client, not through lib/db.
 */
import { inject, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../support/app';
import { httpEvent, sessionCookieOf } from '../support/events';
import { routesFor, type Routes } from '../support/routes';
import { itemsForEmail } from '../support/table-contents';
import { freshEmail } from '../support/auth';

const endpoint = inject('dynamodbEndpoint');
const table = config.usersTable;
const PASSWORD = 'correct horse battery staple';
let routes: Routes;

function countStatuses(responses: readonly { statusCode: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { statusCode } of responses) counts[statusCode] = (counts[statusCode] ?? 0) + 1;
  return counts;
}

async function register(email: string, password = PASSWORD) {
  return routes['POST /users'](httpEvent('POST', '/users', { form: { email, password } }));
}

async function logIn(email: string, password = PASSWORD) {
  return routes['POST /sessions'](httpEvent('POST', '/sessions', { form: { email, password } }));
}

async function profile(sessionId: string) {
  return routes['GET /profile'](
    httpEvent('GET', '/profile', { cookies: [`session_id=${sessionId}`] }),
  );
}

async function logOut(sessionId: string) {
  return routes['DELETE /sessions'](
    httpEvent('DELETE', '/sessions', { cookies: [`session_id=${sessionId}`] }),
  );
}

async function loggedIn(email: string): Promise<string> {
  const sessionId = sessionCookieOf(await logIn(email));
  if (sessionId === undefined) throw new Error('login set no session cookie');
  return sessionId;
}

beforeAll(() => {
  routes = routesFor();
});

describe('races', () => {
  it('50 parallel registrations of one email create exactly one user', async () => {
    // prepare
    const email = freshEmail();
    // act
    const answers = await Promise.all(Array.from({ length: 50 }, () => register(email)));
    // assess
    expect(countStatuses(answers)).toEqual({ 200: 1, 400: 49 });
    for (const answer of answers.filter((a) => a.statusCode === 400)) {
      expect(JSON.parse(answer.body ?? '')).toEqual({ message: 'email already registered' });
    }
    expect(await itemsForEmail(endpoint, table, email)).toEqual({ users: 1, guard: true });
  });

  it('20 parallel logins of one user all succeed and leave the ten newest sessions live', async () => {
    // prepare
    const email = freshEmail();
    await register(email);
    // act
    const answers = await Promise.all(Array.from({ length: 20 }, () => logIn(email)));
    // assess
    expect(countStatuses(answers)).toEqual({ 200: 20 });
    const sessionIds = answers.map((a) => sessionCookieOf(a) ?? '');
    expect(new Set(sessionIds).size).toBe(20);
    const profiles = await Promise.all(sessionIds.map(profile));
    // The cap (MAX_SESSIONS_PER_USER, 10) holds under the race: each login's rewrite of the user
    // is conditional on the sessions it read, so the ones that lost read again.
    expect(countStatuses(profiles)).toEqual({ 200: 10, 403: 10 });
    expect(JSON.parse(profiles.find((p) => p.statusCode === 200)?.body ?? '')).toEqual({ email });
  });

  it('a logout racing a profile request never lets the ended session through afterwards', async () => {
    // prepare
    const email = freshEmail();
    await register(email);
    const during: number[] = [];
    for (let round = 0; round < 10; round++) {
      const sessionId = await loggedIn(email);
      // act
      const [logout, racing] = await Promise.all([logOut(sessionId), profile(sessionId)]);
      const after = await Promise.all([profile(sessionId), logOut(sessionId)]);
      // assess: the racing profile may see the session or not; afterwards it is gone for good
      expect(logout.statusCode).toBe(302);
      during.push(racing.statusCode);
      expect(after.map((a) => a.statusCode)).toEqual([403, 403]);
    }
    expect(during.every((status) => status === 200 || status === 403)).toBe(true);
  });

  it('two parallel password resets with one token succeed at most once', async () => {
    // prepare
    const email = freshEmail();
    await register(email);
    for (let round = 0; round < 5; round++) {
      const issued = await routes['POST /reset_password'](
        httpEvent('POST', '/reset_password', { form: { email } }),
      );
      const { reset_token } = JSON.parse(issued.body ?? '') as { reset_token: string };
      const passwords = [`first new password ${round}`, `second new password ${round}`];
      // act
      const answers = await Promise.all(
        passwords.map((new_password) =>
          routes['PUT /reset_password'](
            httpEvent('PUT', '/reset_password', { form: { email, reset_token, new_password } }),
          ),
        ),
      );
      // assess: one wins, the other is refused, and only the winner's password logs in
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 403]);
      const winner = answers.findIndex((a) => a.statusCode === 200);
      const logins = await Promise.all(passwords.map((password) => logIn(email, password)));
      expect(logins.map((l) => l.statusCode)).toEqual(
        passwords.map((_, i) => (i === winner ? 200 : 401)),
      );
    }
  });
});
