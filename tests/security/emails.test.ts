// Item 1: emails are stored in one canonical form (NFKC, trimmed, lower-cased, IDNA ASCII domain),
// so one mailbox is one account whatever its spelling, and checked.
import { describe, expect, it } from 'vitest';
import { route as loginRoute } from '../../handlers/login';
import { route as registerRoute } from '../../handlers/register';
import { route as resetTokenRoute } from '../../handlers/reset-token';
import { randomUUID } from 'node:crypto';
import { EmailTaken } from '../../lib/auth/errors';
import { db, handlerFor } from '../support/app';
import { authWith, strongPassword } from '../support/auth';
import { httpEvent } from '../support/events';
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

  it('are one account across NFKC, case and IDNA spellings of one mailbox, on every route', async () => {
    // prepare
    const local = `dom-${randomUUID()}`;
    const password = strongPassword();
    const registered = await register(
      httpEvent('POST', '/users', { form: { email: `${local}@bücher.example`, password } }),
    );
    expect(registered.statusCode).toBe(200);
    // act: the same mailbox, spelled with fullwidth letters, upper case and the ASCII domain
    const spellings = [
      `${local.toUpperCase()}@BÜCHER.example`,
      `${local}@xn--bcher-kva.example`,
      `${local}@ｂücher．ｅxample`,
    ];
    for (const email of spellings) {
      // assess
      const again = await register(httpEvent('POST', '/users', { form: { email, password } }));
      expect([again.statusCode, bodyOf(again)]).toEqual([
        400,
        { message: 'email already registered' },
      ]);
      const loggedIn = await login(httpEvent('POST', '/sessions', { form: { email, password } }));
      expect(loggedIn.statusCode).toBe(200);
      const token = await resetToken(httpEvent('POST', '/reset_password', { form: { email } }));
      expect(token.statusCode).toBe(200);
    }
    expect((await db.findUserBy({ email: `${local}@xn--bcher-kva.example` })).email).toBe(
      `${local}@xn--bcher-kva.example`,
    );
  });

  it('are one account across a fullwidth and a plain local part, on every route', async () => {
    // prepare: `ｂｏｂ.<id>`, every letter and digit in its fullwidth form (U+FF01 to U+FF5E)
    const local = `bob.${randomUUID()}`;
    const fullwidth = local.replace(/[!-~]/gu, (c) =>
      String.fromCodePoint(c.charCodeAt(0) + 0xfee0),
    );
    const password = strongPassword();
    // act
    const registered = await register(
      httpEvent('POST', '/users', { json: { email: `${fullwidth}@example.com`, password } }),
    );
    // assess
    expect(registered.statusCode).toBe(200);
    const plain = `${local}@example.com`;
    expect((await db.findUserBy({ email: plain })).email).toBe(plain);
    const again = await register(httpEvent('POST', '/users', { json: { email: plain, password } }));
    expect([again.statusCode, bodyOf(again)]).toEqual([
      400,
      { message: 'email already registered' },
    ]);
    const loggedIn = await login(
      httpEvent('POST', '/sessions', { json: { email: plain, password } }),
    );
    expect(loggedIn.statusCode).toBe(200);
    const token = await resetToken(
      httpEvent('POST', '/reset_password', { json: { email: plain } }),
    );
    expect(token.statusCode).toBe(200);
  });

  it.each([
    'b\u200bob@example.com',
    'bo\u00adb@example.com',
    'bob@exam\u00adple.com',
    'bo\u0085b@example.com',
    'Bob <bob@example.com>',
    '"Bob" <bob@example.com>',
    'bob@example.com (Bob)',
    'bob@[192.0.2.1]',
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
