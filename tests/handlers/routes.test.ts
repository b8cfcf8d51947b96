import bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { route as homeRoute } from '../../handlers/home';
import { route as loginRoute } from '../../handlers/login';
import { route as logoutRoute } from '../../handlers/logout';
import { route as profileRoute } from '../../handlers/profile';
import { route as registerRoute } from '../../handlers/register';
import { route as resetTokenRoute } from '../../handlers/reset-token';
import { route as updatePasswordRoute } from '../../handlers/update-password';
import { httpEvent, sessionCookieOf } from '../support/events';
import { invoke } from '../support/invoke';
import { freshEmail } from '../support/auth';
import { handlerFor } from '../support/app';

const home = handlerFor(homeRoute);
const login = handlerFor(loginRoute);
const logout = handlerFor(logoutRoute);
const profile = handlerFor(profileRoute);
const register = handlerFor(registerRoute);
const resetToken = handlerFor(resetTokenRoute);
const updatePassword = handlerFor(updatePasswordRoute);

const password = 'correct horse battery';

async function registered(email = freshEmail()): Promise<string> {
  const answer = await invoke(register, httpEvent('POST', '/users', { form: { email, password } }));
  expect(answer.statusCode).toBe(200);
  return email;
}

async function loggedIn(email: string): Promise<string> {
  const answer = await invoke(login, httpEvent('POST', '/sessions', { form: { email, password } }));
  const sessionId = sessionCookieOf(answer);
  expect(sessionId).toBeDefined();
  return sessionId as string;
}

describe('GET /', () => {
  it('answers Bienvenue', async () => {
    const answer = await invoke(home, httpEvent('GET', '/'));
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toEqual({ message: 'Bienvenue' });
  });
});

describe('POST /users', () => {
  it('creates a user from a form, a base64 form or a JSON body', async () => {
    for (const options of [{}, { base64: true }]) {
      const email = freshEmail();
      const answer = await invoke(
        register,
        httpEvent('POST', '/users', { form: { email, password }, ...options }),
      );
      expect([answer.statusCode, answer.json]).toEqual([200, { email, message: 'user created' }]);
    }
    const email = freshEmail();
    const answer = await invoke(
      register,
      httpEvent('POST', '/users', { json: { email, password } }),
    );
    expect([answer.statusCode, answer.json]).toEqual([200, { email, message: 'user created' }]);
  });

  it('answers 400 "email already registered" the second time, whatever the case of the email', async () => {
    const email = await registered();
    const answer = await invoke(
      register,
      httpEvent('POST', '/users', { form: { email: ` ${email.toUpperCase()} `, password } }),
    );
    expect([answer.statusCode, answer.json]).toEqual([
      400,
      { message: 'email already registered' },
    ]);
  });

  it('refuses a taken email before hashing: no bcrypt hash is spent on it', async () => {
    // prepare: the spy sees the hash a new email costs, so it watches the hasher the route uses
    const taken = await registered();
    const hash = vi.spyOn(bcrypt, 'hash');
    try {
      await registered();
      expect(hash).toHaveBeenCalledTimes(1);
      hash.mockClear();
      // act
      const answer = await invoke(
        register,
        httpEvent('POST', '/users', { form: { email: taken, password } }),
      );
      // assess
      expect(answer.statusCode).toBe(400);
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
  });

  it('answers 400 naming the missing, empty or non-string field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ password }, 'email is required'],
      [{ email: freshEmail() }, 'password is required'],
      [{ email: '', password }, 'email is required'],
      [{ email: freshEmail(), password: 12345678 }, 'password must be a string'],
      [{ email: ['a@b.io'], password }, 'email must be a string'],
    ];
    for (const [json, message] of cases) {
      const answer = await invoke(register, httpEvent('POST', '/users', { json }));
      expect([answer.statusCode, answer.json]).toEqual([400, { message }]);
    }
  });

  it('answers 400 for an invalid email and for a body that is not JSON', async () => {
    const invalid = await invoke(
      register,
      httpEvent('POST', '/users', { form: { email: 'not-an-email', password } }),
    );
    expect([invalid.statusCode, invalid.json]).toEqual([
      400,
      { message: 'email is not a valid email address' },
    ]);
    const garbled = await invoke(
      register,
      httpEvent('POST', '/users', { body: '{"email":', contentType: 'application/json' }),
    );
    expect([garbled.statusCode, garbled.json]).toEqual([
      400,
      { message: 'body is not valid JSON' },
    ]);
  });
});

describe('POST /sessions', () => {
  it('logs in and sets the session cookie', async () => {
    const email = await registered();
    const answer = await invoke(
      login,
      httpEvent('POST', '/sessions', { form: { email, password } }),
    );
    expect([answer.statusCode, answer.json]).toEqual([200, { email, message: 'logged in' }]);
    expect(answer.cookies?.[0]).toMatch(
      /^session_id=[0-9a-f-]{36}; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax; Secure$/u,
    );
  });

  it('answers 401 for a wrong password or an unknown email, without a cookie', async () => {
    const email = await registered();
    for (const form of [
      { email, password: 'wrong password' },
      { email: freshEmail(), password },
    ]) {
      const answer = await invoke(login, httpEvent('POST', '/sessions', { form }));
      expect([answer.statusCode, answer.json]).toEqual([
        401,
        { message: 'wrong email or password' },
      ]);
      expect(answer.cookies).toBeUndefined();
    }
  });
});

describe('GET /profile', () => {
  it('answers the email for a live session', async () => {
    const email = await registered();
    const sessionId = await loggedIn(email);
    const answer = await invoke(
      profile,
      httpEvent('GET', '/profile', { cookies: [`session_id=${sessionId}`] }),
    );
    expect([answer.statusCode, answer.json]).toEqual([200, { email }]);
  });

  it('answers 403 without a cookie or with an unknown or malformed one', async () => {
    for (const cookies of [
      undefined,
      [`session_id=${randomUUID()}`],
      ['session_id=garbage'],
      ['session_id='],
    ]) {
      const answer = await invoke(
        profile,
        httpEvent('GET', '/profile', cookies ? { cookies } : {}),
      );
      expect(answer.statusCode).toBe(403);
      expect(answer.json.message).toEqual(expect.any(String));
    }
  });
});

describe('DELETE /sessions', () => {
  it('ends the session with a 302 to / and clears the cookie', async () => {
    // prepare
    const email = await registered();
    const sessionId = await loggedIn(email);
    const cookies = [`session_id=${sessionId}`];
    // act
    const answer = await invoke(logout, httpEvent('DELETE', '/sessions', { cookies }));
    // assess
    expect(answer.statusCode).toBe(302);
    expect(answer.headers?.Location).toBe('/');
    expect(answer.cookies?.[0]).toMatch(/^session_id=; Path=\/; Max-Age=0/u);
    expect((await invoke(profile, httpEvent('GET', '/profile', { cookies }))).statusCode).toBe(403);
    expect((await invoke(logout, httpEvent('DELETE', '/sessions', { cookies }))).statusCode).toBe(
      403,
    );
  });

  it('answers 403 without a live session', async () => {
    const answer = await invoke(logout, httpEvent('DELETE', '/sessions'));
    expect(answer.statusCode).toBe(403);
  });
});

describe('POST /reset_password', () => {
  it('answers the token for a registered email (response delivery)', async () => {
    const email = await registered();
    const answer = await invoke(
      resetToken,
      httpEvent('POST', '/reset_password', { form: { email } }),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toEqual({ email, reset_token: expect.stringMatching(/^[0-9a-f-]{36}$/u) });
  });

  it('answers 403 for an unknown email', async () => {
    const answer = await invoke(
      resetToken,
      httpEvent('POST', '/reset_password', { form: { email: freshEmail() } }),
    );
    expect(answer.statusCode).toBe(403);
  });
});

describe('PUT /reset_password', () => {
  async function tokenFor(email: string): Promise<string> {
    const answer = await invoke(
      resetToken,
      httpEvent('POST', '/reset_password', { form: { email } }),
    );
    return answer.json.reset_token as string;
  }

  it('updates the password with a valid token, once', async () => {
    // prepare
    const email = await registered();
    const form = {
      email,
      reset_token: await tokenFor(email),
      new_password: 'a brand new password',
    };
    // act
    const answer = await invoke(updatePassword, httpEvent('PUT', '/reset_password', { form }));
    // assess
    expect([answer.statusCode, answer.json]).toEqual([200, { email, message: 'Password updated' }]);
    const relogin = await invoke(
      login,
      httpEvent('POST', '/sessions', { form: { email, password: form.new_password } }),
    );
    expect(relogin.statusCode).toBe(200);
    const again = await invoke(updatePassword, httpEvent('PUT', '/reset_password', { form }));
    expect(again.statusCode).toBe(403);
  });

  it('answers 403 for an unknown token or a token sent with another email, 400 for a missing one', async () => {
    const email = await registered();
    const other = await registered();
    const token = await tokenFor(email);
    const wrong = [
      { email, reset_token: randomUUID(), new_password: 'a brand new password' },
      { email: other, reset_token: token, new_password: 'a brand new password' },
    ];
    for (const form of wrong) {
      const answer = await invoke(updatePassword, httpEvent('PUT', '/reset_password', { form }));
      expect(answer.statusCode).toBe(403);
    }
    const missing = await invoke(
      updatePassword,
      httpEvent('PUT', '/reset_password', {
        form: { email: other, new_password: 'a brand new password' },
      }),
    );
    expect([missing.statusCode, missing.json]).toEqual([
      400,
      { message: 'reset_token is required' },
    ]);
    // the refused requests changed nothing: the old password still works for both
    for (const who of [email, other]) {
      const answer = await invoke(
        login,
        httpEvent('POST', '/sessions', { form: { email: who, password } }),
      );
      expect(answer.statusCode).toBe(200);
    }
  });
});
