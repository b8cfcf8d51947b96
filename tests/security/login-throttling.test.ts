// Item 7: consecutive failed logins lock the account for a growing period; a success resets.
import { describe, expect, it } from 'vitest';
import { route as loginRoute } from '../../handlers/login';
import { config, handlerFor } from '../support/app';
import { AccountLocked } from '../../lib/auth/errors';
import { db } from '../support/app';
import { authWith, freshEmail, ManualClock, strongPassword } from '../support/auth';
import { httpEvent } from '../support/events';
import { bodyOf } from '../support/responses';

const login = handlerFor(loginRoute);

const settings = { loginMaxFailures: 3, loginLockSeconds: 60, loginLockMaxSeconds: 200 };

async function lockedOut(attempt: Promise<unknown>): Promise<number> {
  const error: unknown = await attempt.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AccountLocked)) throw new Error('the login was not refused');
  return error.retryAfterSeconds;
}

describe('login throttling', () => {
  it('defaults to a lock after 5 failures, for 60 s at first and at most an hour', () => {
    expect(config).toMatchObject({
      loginMaxFailures: 5,
      loginLockSeconds: 60,
      loginLockMaxSeconds: 3600,
    });
  });

  it('locks after N consecutive failures, refusing even the right password until it ends', async () => {
    // prepare
    const clock = new ManualClock();
    const auth = authWith(settings, clock);
    const email = freshEmail();
    const password = strongPassword();
    await auth.registerUser(email, password);
    // act: N - 1 failures leave the account open, the Nth locks it
    expect(await auth.validLogin(email, 'wrong')).toBe(false);
    expect(await auth.validLogin(email, 'wrong')).toBe(false);
    expect(await auth.validLogin(email, password)).toBe(true);
    for (let i = 0; i < 3; i++) expect(await auth.validLogin(email, 'wrong')).toBe(false);
    // assess
    expect(await lockedOut(auth.validLogin(email, password))).toBe(60);
    clock.advanceSeconds(45);
    expect(await lockedOut(auth.logins.logIn(email, password))).toBe(15);
    clock.advanceSeconds(15);
    expect(await auth.validLogin(email, password)).toBe(true);
  });

  it('grows the lock with each further failure, up to the maximum', async () => {
    const clock = new ManualClock();
    const auth = authWith(settings, clock);
    const email = freshEmail();
    const password = strongPassword();
    await auth.registerUser(email, password);
    const locks: number[] = [];
    for (let i = 0; i < 3; i++) await auth.validLogin(email, 'wrong');
    for (let lock = 0; lock < 4; lock++) {
      const seconds = await lockedOut(auth.validLogin(email, 'wrong'));
      locks.push(seconds);
      clock.advanceSeconds(seconds);
      // The lock has ended: the next attempt is checked, and being wrong again locks for longer.
      expect(await auth.validLogin(email, 'wrong')).toBe(false);
    }
    expect(locks).toEqual([60, 120, 200, 200]);
  });

  it('a success resets the count: failures must be consecutive to lock', async () => {
    const clock = new ManualClock();
    const auth = authWith(settings, clock);
    const email = freshEmail();
    const password = strongPassword();
    await auth.registerUser(email, password);
    for (let round = 0; round < 3; round++) {
      await auth.validLogin(email, 'wrong');
      await auth.validLogin(email, 'wrong');
      expect((await auth.logins.logIn(email, password)).user.email).toBe(email);
    }
    expect((await db.findUserBy({ email })).failed_logins).toBe(0);
    // After a lock and a success, the next lock starts from the first period again.
    for (let i = 0; i < 3; i++) await auth.validLogin(email, 'wrong');
    clock.advanceSeconds(await lockedOut(auth.validLogin(email, password)));
    expect((await auth.logins.logIn(email, password)).user.email).toBe(email);
    for (let i = 0; i < 3; i++) await auth.validLogin(email, 'wrong');
    expect(await lockedOut(auth.validLogin(email, password))).toBe(60);
  });

  it('counts concurrent failures exactly (an atomic counter, no lost update)', async () => {
    const auth = authWith({ ...settings, loginMaxFailures: 100 });
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    await Promise.all(Array.from({ length: 8 }, () => auth.validLogin(email, 'wrong')));
    expect((await db.findUserBy({ email })).failed_logins).toBe(8);
  });

  it('POST /sessions answers 429 with Retry-After while the account is locked', async () => {
    // prepare: the default limit of 5 failures, through the route
    const email = freshEmail();
    const password = strongPassword();
    await authWith().registerUser(email, password);
    const attempt = (pw: string) =>
      login(httpEvent('POST', '/sessions', { form: { email, password: pw } }));
    for (let i = 0; i < 5; i++) expect((await attempt('wrong')).statusCode).toBe(401);
    // act
    const response = await attempt(password);
    // assess
    expect(response.statusCode).toBe(429);
    expect(bodyOf(response)).toEqual({ message: 'too many failed logins, try again later' });
    const retryAfter = Number(response.headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(response.cookies).toBeUndefined();
  });
});
