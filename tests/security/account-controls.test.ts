// Issue 19: an account its owner controls. Changing the password and deleting the account, each
// confirmed with the password, through the routes as Lambda runs them.
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { authorizerHandler } from '../../lib/http/authorizer';
import { db, dynamodbEndpoint, handlerFor, testEnv, usersTable } from '../support/app';
import { freshEmail, strongPassword } from '../support/auth';
import { authorizerEvent, httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { definitionOf } from '../support/routes';
import { bodyOf } from '../support/responses';
import { localClient } from '../support/table';
import { dumpTable } from '../support/table-contents';
import { INDEX_BY_ATTRIBUTE } from '../../lib/store/table';
import { digestToken } from '../../lib/auth/tokens';

const route = (key: string) => handlerFor(definitionOf(key));
const register = route('POST /users');
const login = route('POST /sessions');
const profile = route('GET /profile');
const changePassword = route('PUT /password');
const deleteAccount = route('DELETE /users/me');
const requestReset = route('POST /reset_password');
const resetPassword = route('PUT /reset_password');
const authorize = authorizerHandler(testEnv());

type Account = Record<'email' | 'password', string>;

async function account(): Promise<Account> {
  const form = { email: freshEmail(), password: strongPassword() };
  expect((await register(httpEvent('POST', '/users', { form }))).statusCode).toBe(200);
  return form;
}

async function logIn(form: Account) {
  return login(httpEvent('POST', '/sessions', { form }));
}

async function sessionOf(form: Account): Promise<string> {
  const answer = await logIn(form);
  expect(answer.statusCode).toBe(200);
  return sessionCookieOf(answer) ?? '';
}

const withCookie = (sessionId: string): EventOptions => ({ cookies: [`session_id=${sessionId}`] });

async function profileStatus(sessionId: string) {
  return (await profile(httpEvent('GET', '/profile', withCookie(sessionId)))).statusCode;
}

function putPassword(sessionId: string, form: Record<string, string>, options: EventOptions = {}) {
  return changePassword(
    httpEvent('PUT', '/password', { ...withCookie(sessionId), ...options, form }),
  );
}

function deleteMe(options: EventOptions) {
  return deleteAccount(httpEvent('DELETE', '/users/me', options));
}

describe('PUT /password', () => {
  it('sets the new password, ends the other sessions and the reset token, and keeps this session', async () => {
    // prepare: two devices and a pending reset
    const form = await account();
    const laptop = await sessionOf(form);
    const phone = await sessionOf(form);
    const reset = await requestReset(
      httpEvent('POST', '/reset_password', { form: { email: form.email } }),
    );
    const { reset_token } = bodyOf(reset) as { reset_token: string };
    const newPassword = strongPassword();
    // act: from the laptop
    const answer = await putPassword(laptop, {
      password: form.password,
      new_password: newPassword,
    });
    // assess
    expect(answer.statusCode).toBe(200);
    expect(bodyOf(answer)).toEqual({ email: form.email, message: 'Password updated' });
    expect([await profileStatus(laptop), await profileStatus(phone)]).toEqual([200, 403]);
    expect((await logIn(form)).statusCode).toBe(401);
    expect((await logIn({ ...form, password: newPassword })).statusCode).toBe(200);
    const spent = await resetPassword(
      httpEvent('PUT', '/reset_password', {
        form: { email: form.email, reset_token, new_password: strongPassword() },
      }),
    );
    expect(spent.statusCode).toBe(403);
  });

  it('takes the session as a Bearer token and a JSON body too', async () => {
    const form = await account();
    const sessionId = await sessionOf(form);
    const answer = await changePassword(
      httpEvent('PUT', '/password', {
        headers: { Authorization: `Bearer ${sessionId}` },
        json: { password: form.password, new_password: strongPassword() },
      }),
    );
    expect(answer.statusCode).toBe(200);
  });

  it('answers 403 without a live session, 400 for a weak new password, and keeps the old one', async () => {
    const form = await account();
    const sessionId = await sessionOf(form);
    const none = await changePassword(
      httpEvent('PUT', '/password', {
        form: { password: form.password, new_password: 'x'.repeat(20) },
      }),
    );
    expect([none.statusCode, bodyOf(none)]).toEqual([403, { message: 'no live session' }]);
    const weak = await putPassword(sessionId, { password: form.password, new_password: 'short' });
    expect([weak.statusCode, weak.headers?.['X-Error-Code']]).toEqual([400, 'password_too_short']);
    const missing = await putPassword(sessionId, { password: form.password });
    expect([missing.statusCode, missing.headers?.['X-Error-Field']]).toEqual([400, 'new_password']);
    expect((await logIn(form)).statusCode).toBe(200);
  });

  it('counts a wrong current password as a failed login: 401, then 429 once locked', async () => {
    // prepare
    const form = await account();
    const sessionId = await sessionOf(form);
    const attempt = { password: 'not-the-password', new_password: strongPassword() };
    // act: the default limit is 5 failures
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await putPassword(sessionId, attempt)).statusCode);
    const locked = await putPassword(sessionId, { ...attempt, password: form.password });
    // assess
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect((await logIn(form)).statusCode).toBe(429);
  });

  it('says wrong_password for a wrong current password, and the password stays', async () => {
    const form = await account();
    const sessionId = await sessionOf(form);
    const answer = await putPassword(sessionId, {
      password: 'nope',
      new_password: strongPassword(),
    });
    expect([answer.statusCode, bodyOf(answer), answer.headers?.['X-Error-Code']]).toEqual([
      401,
      { message: 'wrong password' },
      'wrong_password',
    ]);
    expect((await logIn(form)).statusCode).toBe(200);
  });
});

/** Every GSI entry for `value` under the index of `attribute`. */
async function indexEntries(attribute: keyof typeof INDEX_BY_ATTRIBUTE, value: string) {
  const client = localClient(dynamodbEndpoint);
  try {
    const { Count = 0 } = await client.send(
      new QueryCommand({
        TableName: usersTable,
        IndexName: INDEX_BY_ATTRIBUTE[attribute],
        KeyConditionExpression: '#k = :v',
        ExpressionAttributeNames: { '#k': attribute },
        ExpressionAttributeValues: { ':v': { S: value } },
        Select: 'COUNT',
      }),
    );
    return Count;
  } finally {
    client.destroy();
  }
}

describe('DELETE /users/me', () => {
  it('deletes the account: sessions denied at once, the email registers again, nothing left in the table', async () => {
    // prepare: two sessions and a pending reset
    const form = await account();
    const laptop = await sessionOf(form);
    const phone = await sessionOf(form);
    const reset = await requestReset(
      httpEvent('POST', '/reset_password', { form: { email: form.email } }),
    );
    expect(reset.statusCode).toBe(200);
    const { reset_token } = bodyOf(reset) as { reset_token: string };
    const { id: userId } = await db.findUserBy({ email: form.email });
    const mine = (dump: string) => dump.split(userId).length - 1;
    // the user, its guard, its reset item and two session items
    expect(mine(JSON.stringify(await dumpTable(dynamodbEndpoint, usersTable)))).toBe(5);
    expect(await indexEntries('session_id', digestToken(laptop))).toBe(1);
    expect(await indexEntries('reset_token', digestToken(reset_token))).toBe(1);
    // act
    const answer = await deleteMe({ ...withCookie(laptop), form: { password: form.password } });
    // assess: the answer, and the cookie cleared
    expect([answer.statusCode, bodyOf(answer)]).toEqual([200, { message: 'account deleted' }]);
    expect(sessionCookieOf(answer)).toBe('');
    // every session denied, by the routes and by the authorizer
    expect([await profileStatus(laptop), await profileStatus(phone)]).toEqual([403, 403]);
    const decision = await authorize(authorizerEvent('GET', '/whoami', withCookie(phone)));
    expect(decision.isAuthorized).toBe(false);
    // no item of the table, and no entry of any index, holds the user, its email or its tokens
    const after = JSON.stringify(await dumpTable(dynamodbEndpoint, usersTable));
    expect(mine(after)).toBe(0);
    expect(after).not.toContain(form.email);
    expect(await indexEntries('email', form.email)).toBe(0);
    expect(await indexEntries('session_id', digestToken(laptop))).toBe(0);
    expect(await indexEntries('session_id', digestToken(phone))).toBe(0);
    expect(await indexEntries('reset_token', digestToken(reset_token))).toBe(0);
    // the login fails as for anyone unknown, and the email registers again
    expect((await logIn(form)).statusCode).toBe(401);
    const again = await register(httpEvent('POST', '/users', { form }));
    expect(again.statusCode).toBe(200);
  });

  it('takes the password from a JSON body with a Bearer session, as fetch sends it', async () => {
    const form = await account();
    const sessionId = await sessionOf(form);
    const answer = await deleteMe({
      headers: { Authorization: `Bearer ${sessionId}` },
      json: { password: form.password },
    });
    expect(answer.statusCode).toBe(200);
  });

  it("clears the cookie on the stage's cookie domain, and a host-only one of before", async () => {
    const onDomain = handlerFor(definitionOf('DELETE /users/me'), { COOKIE_DOMAIN: 'example.com' });
    const form = await account();
    const sessionId = await sessionOf(form);
    const answer = await onDomain(
      httpEvent('DELETE', '/users/me', {
        ...withCookie(sessionId),
        form: { password: form.password },
      }),
    );
    expect([answer.statusCode, answer.cookies]).toEqual([
      200,
      [
        expect.stringMatching(/^session_id=; Path=\/; Domain=example\.com; Max-Age=0; /u),
        expect.stringMatching(/^session_id=; Path=\/; Max-Age=0; /u),
      ],
    ]);
  });

  it('refuses a wrong password (401, counted toward the lock) and a missing session (403); the account stays', async () => {
    const form = await account();
    const sessionId = await sessionOf(form);
    const wrong = await deleteMe({ ...withCookie(sessionId), form: { password: 'nope' } });
    expect([wrong.statusCode, bodyOf(wrong)]).toEqual([401, { message: 'wrong password' }]);
    const anonymous = await deleteMe({ form: { password: form.password } });
    expect(anonymous.statusCode).toBe(403);
    for (let i = 0; i < 4; i++) {
      await deleteMe({ ...withCookie(sessionId), form: { password: 'nope' } });
    }
    const locked = await deleteMe({ ...withCookie(sessionId), form: { password: form.password } });
    expect(locked.statusCode).toBe(429);
    expect(await profileStatus(sessionId)).toBe(200);
  });
});
