// Item 1: emails are trimmed, compared case-insensitively (stored normalised) and checked.
import { describe, expect, it } from 'vitest';
import { route as loginRoute } from '../../handlers/routes/login';
import { route as registerRoute } from '../../handlers/routes/register';
import { route as resetTokenRoute } from '../../handlers/routes/reset-token';
import { EmailTaken } from '../../lib/auth/errors';
import { db, handlerFor } from '../support/app';
import { authWith, strongPassword } from '../support/auth';
import { httpEvent } from '../../scripts/support/events';
import { bodyOf } from '../support/responses';

const login = handlerFor(loginRoute);
const register = handlerFor(registerRoute);
const resetToken = handlerFor(resetTokenRoute);

const auth = authWith();

describe('emails', () => {
  it('are stored trimmed and lower-cased, and one account whatever the case', async () => {
    // prepare
    const local = `Mixed.${Date.now()}`;
    const password = strongPassword();
    // act
    const user = await auth.registerUser(`  ${local}@Example.COM \t`, password);
    // assess
    const stored = `${local.toLowerCase()}@example.com`;
    expect(user.email).toBe(stored);
    expect((await db.findUserBy({ id: user.id })).email).toBe(stored);
    expect(await auth.validLogin(stored.toUpperCase(), password)).toBe(true);
    await expect(auth.registerUser(` ${stored.toUpperCase()}`, password)).rejects.toBeInstanceOf(
      EmailTaken,
    );
  });

  it.each([
    'no-at-sign',
    'two@@example.com',
    'nobody@localhost',
    'dots@example..com',
    'space in@example.com',
    'tab\t@example.com',
    'new\nline@example.com',
    '@example.com',
    `${'a'.repeat(250)}@example.com`,
  ])('refuses %j with a 400 that says so, on every route that reads one', async (email) => {
    const routes = [
      register(httpEvent('POST', '/users', { json: { email, password: strongPassword() } })),
      login(httpEvent('POST', '/sessions', { json: { email, password: strongPassword() } })),
      resetToken(httpEvent('POST', '/reset_password', { json: { email } })),
    ];
    for (const response of await Promise.all(routes)) {
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toEqual({ message: 'email is not a valid email address' });
    }
  });
});
