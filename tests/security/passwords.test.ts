// Item 2: length limits, the block list, and bcrypt hashes upgraded to the configured cost.
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { route as registerRoute } from '../../handlers/register';
import { CommonPassword, InvalidCredentials, WeakPassword } from '../../lib/auth/errors';
import { db, handlerFor } from '../support/app';
import { authWith, freshEmail, strongPassword } from '../support/auth';
import { httpEvent } from '../support/events';
import { bodyOf } from '../support/responses';

const register = handlerFor(registerRoute);

describe('password policy', () => {
  it('refuses a password shorter than the configured minimum (8 on deployed stages)', async () => {
    // The handlers run with the deployed default (vitest sets no MIN_PASSWORD_LENGTH).
    const tooShort = await register(
      httpEvent('POST', '/users', { form: { email: freshEmail(), password: 'x7#Kq!2' } }),
    );
    expect(tooShort.statusCode).toBe(400);
    expect(bodyOf(tooShort)).toEqual({ message: 'password must be at least 8 characters long' });
    const longEnough = await register(
      httpEvent('POST', '/users', { form: { email: freshEmail(), password: 'x7#Kq!2z' } }),
    );
    expect(longEnough.statusCode).toBe(200);
  });

  it('counts characters, not bytes, for the minimum, and follows the setting', async () => {
    const local = authWith({ minPasswordLength: 5 });
    // The seed's own 5-character password, accepted where the minimum is lower (the local stage).
    await expect(local.registerUser(freshEmail(), 'b4l0u')).resolves.toBeDefined();
    // Four characters of two bytes each: 8 bytes, yet 4 characters.
    await expect(local.registerUser(freshEmail(), 'éàüö')).rejects.toThrow(/at least 5/u);
  });

  it('refuses more than 72 UTF-8 bytes with a 400 saying so, instead of truncating', async () => {
    const auth = authWith();
    const at72 = 'é'.repeat(36); // 72 bytes
    const over72 = `${at72}x`; // 73 bytes, 37 characters
    await expect(auth.registerUser(freshEmail(), at72)).resolves.toBeDefined();
    const response = await register(
      httpEvent('POST', '/users', { form: { email: freshEmail(), password: over72 } }),
    );
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({
      message: 'password must be at most 72 bytes in UTF-8 (bcrypt ignores the rest)',
    });
  });

  it('never logs in with a password whose first 72 bytes alone match', async () => {
    // prepare: a user whose password is exactly 72 bytes
    const auth = authWith();
    const email = freshEmail();
    const password = 'a1B2'.repeat(18);
    await auth.registerUser(email, password);
    // act + assess: bcrypt would accept the longer one; the service does not
    expect(
      await bcrypt.compare(`${password}extra`, (await db.findUserBy({ email })).hashed_password),
    ).toBe(true);
    expect(await auth.validLogin(email, `${password}extra`)).toBe(false);
    expect(await auth.validLogin(email, password)).toBe(true);
  });

  it.each(['password', 'Password1', 'qwertyuiop', '12345678', 'ILOVEYOU'])(
    'refuses the common password %j, whatever its case',
    async (password) => {
      await expect(authWith().registerUser(freshEmail(), password)).rejects.toThrow(
        new CommonPassword(),
      );
    },
  );

  it('refuses the list only where the stage says so: REFUSE_COMMON_PASSWORDS=false (local) accepts it', async () => {
    // The local stage's settings (serverless.yml): what the peers' READMEs register.
    const local = handlerFor(registerRoute, {
      MIN_PASSWORD_LENGTH: '1',
      REFUSE_COMMON_PASSWORDS: 'false',
    });
    const listed = handlerFor(registerRoute, { MIN_PASSWORD_LENGTH: '1' });
    for (const password of ['secret', 'mypassword']) {
      const form = { email: freshEmail(), password };
      expect((await local(httpEvent('POST', '/users', { form }))).statusCode).toBe(200);
      const strict = await listed(
        httpEvent('POST', '/users', { form: { ...form, email: freshEmail() } }),
      );
      expect([strict.statusCode, bodyOf(strict)]).toEqual([
        400,
        { message: 'password is too common, choose another one' },
      ]);
    }
  });

  it('applies the same policy to a new password set with a reset token', async () => {
    const auth = authWith();
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    const token = await auth.getResetPasswordToken(email);
    await expect(auth.updatePassword(token, 'password1', email)).rejects.toBeInstanceOf(
      WeakPassword,
    );
    await expect(auth.updatePassword(token, 'é'.repeat(37), email)).rejects.toBeInstanceOf(
      WeakPassword,
    );
    // The refused attempts left the token usable.
    await expect(auth.updatePassword(token, strongPassword(), email)).resolves.toBeDefined();
  });
});

describe('bcrypt cost', () => {
  const costOf = async (email: string) =>
    bcrypt.getRounds((await db.findUserBy({ email })).hashed_password);

  it('hashes at the configured cost', async () => {
    const email = freshEmail();
    await authWith({ bcryptCost: 5 }).registerUser(email, strongPassword());
    expect(await costOf(email)).toBe(5);
  });

  it('upgrades a hash made at a lower cost at the next successful login, and only then', async () => {
    // prepare: a user hashed at cost 4, then the cost raised to 5 over the same table
    const email = freshEmail();
    const password = strongPassword();
    await authWith({ bcryptCost: 4 }).registerUser(email, password);
    const raised = authWith({ bcryptCost: 5 });
    // act: a failed login, then a successful one
    await expect(raised.logins.logIn(email, 'not-the-password')).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
    const costAfterFailure = await costOf(email);
    expect((await raised.logins.logIn(email, password)).user.email).toBe(email);
    // assess: only the success rehashed; the new hash still takes the same password
    expect(costAfterFailure).toBe(4);
    expect(await costOf(email)).toBe(5);
    expect(await raised.validLogin(email, password)).toBe(true);
  });

  it('never downgrades a hash when the configured cost is lower', async () => {
    const email = freshEmail();
    const password = strongPassword();
    await authWith({ bcryptCost: 5 }).registerUser(email, password);
    expect((await authWith({ bcryptCost: 4 }).logins.logIn(email, password)).user.email).toBe(
      email,
    );
    expect(await costOf(email)).toBe(5);
  });
});
