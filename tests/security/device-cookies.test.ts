// Issue 21: a lockout nobody can aim. A login sets a signed device cookie; failures from a client
// presenting a valid one for the account count against that device alone, every other client's
// against the account's lock, so an attacker who locks an account locks out only clients without
// its cookie. A reset or a password change revokes the account's device cookies.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceCookies } from '../../lib/auth/device-cookies';
import { ServiceKeys } from '../../lib/platform/service-key';
import { deviceItemId } from '../../lib/store/table';
import type { HttpResponse } from '../../lib/http/response';
import { config, db, documentClient, handlerFor, usersTable } from '../support/app';
import { freshEmail, ManualClock, strongPassword } from '../support/auth';
import { httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { bodyOf } from '../support/responses';
import { definitionOf } from '../support/routes';

const route = (key: string, env = {}) => handlerFor(definitionOf(key), env);
const register = route('POST /users');
const login = route('POST /sessions');
const requestReset = route('POST /reset_password');
const resetPassword = route('PUT /reset_password');
const changePassword = route('PUT /password');

type Account = Record<'email' | 'password', string>;

async function account(): Promise<Account> {
  const form = { email: freshEmail(), password: strongPassword() };
  expect((await register(httpEvent('POST', '/users', { form }))).statusCode).toBe(200);
  return form;
}

/** The value of the device cookie an answer sets, if any. */
function deviceCookieOf(response: HttpResponse): string | undefined {
  const cookie = response.cookies?.find((c) => c.startsWith('device='));
  return cookie?.slice('device='.length).split(';')[0];
}

/** A login from `sourceIp`, presenting `device` when given. */
function logIn(form: Account, sourceIp: string, device?: string): Promise<HttpResponse> {
  const options: EventOptions = { form, sourceIp };
  if (device !== undefined) options.cookies = [`device=${device}`];
  return login(httpEvent('POST', '/sessions', options));
}

/** The owner's device: a login that earned a device cookie. */
async function ownersDevice(form: Account): Promise<string> {
  const answer = await logIn(form, '192.0.2.1');
  expect(answer.statusCode).toBe(200);
  const device = deviceCookieOf(answer);
  if (device === undefined) throw new Error('the login set no device cookie');
  return device;
}

/** 20 wrong passwords for the account, each from an address of its own. */
async function sprayFrom20Addresses(email: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 1; i <= 20; i++) {
    statuses.push((await logIn({ email, password: 'wrong' }, `198.18.0.${i}`)).statusCode);
  }
  return statuses;
}

describe('the device cookie a login sets', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, Secure, long lived, beside the session cookie', async () => {
    const form = await account();
    const answer = await logIn(form, '192.0.2.1');
    expect(sessionCookieOf(answer)).toBeDefined();
    const cookie = answer.cookies?.find((c) => c.startsWith('device=')) ?? '';
    expect(cookie.split('; ').slice(1).sort()).toEqual([
      'HttpOnly',
      `Max-Age=${config.deviceCookieTtlSeconds}`,
      'Path=/',
      'SameSite=Lax',
      'Secure',
    ]);
    expect(config.deviceCookieTtlSeconds).toBe(365 * 24 * 3600);
    // It names the account by its id, signed: no email, no password, no session id in it.
    const user = await db.findUserBy({ email: form.email });
    const value = deviceCookieOf(answer) ?? '';
    expect(value.startsWith(`${user.id}.0.`)).toBe(true);
    expect(value).not.toContain(sessionCookieOf(answer));
  });

  it('is kept by a logout, and replaced by each login', async () => {
    const form = await account();
    const first = await ownersDevice(form);
    const again = await logIn(form, '192.0.2.1', first);
    expect(deviceCookieOf(again)).toBeDefined();
    expect(deviceCookieOf(again)).not.toBe(first);
    const logout = await route('DELETE /sessions')(
      httpEvent('DELETE', '/sessions', { cookies: [`session_id=${sessionCookieOf(again) ?? ''}`] }),
    );
    expect(logout.cookies?.some((c) => c.startsWith('device='))).toBe(false);
  });
});

describe('an attacker spreading wrong passwords over many addresses', () => {
  it('locks the account for new clients (429), while the owner with its device cookie logs in (200)', async () => {
    // prepare: the owner logged in from its browser once
    const form = await account();
    const device = await ownersDevice(form);
    // act: 20 wrong passwords, each from an address of its own (no per-client budget is reached)
    const statuses = await sprayFrom20Addresses(form.email);
    const newClient = await logIn(form, '192.0.2.50');
    const owner = await logIn(form, '192.0.2.1', device);
    // assess: the fifth failure locked the account; the rest were refused before any compare
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    expect(newClient.statusCode).toBe(429);
    expect(newClient.headers?.['X-Error-Code']).toBe('account_locked');
    expect(owner.statusCode).toBe(200);
    expect(sessionCookieOf(owner)).toBeDefined();
    // The owner's login leaves the lock on everyone else in place.
    expect((await logIn(form, '192.0.2.51')).statusCode).toBe(429);
    expect((await db.findUserBy({ email: form.email })).locked_until).not.toBeNull();
  });

  it('earns nothing with a forged cookie, an altered one, or another account’s own', async () => {
    // prepare: a locked account, and the attacker's own account with its own device cookie
    const form = await account();
    const owners = await ownersDevice(form);
    const attackers = await ownersDevice(await account());
    await sprayFrom20Addresses(form.email);
    const user = await db.findUserBy({ email: form.email });
    const [userId, generation, expires, id] = owners.split('.');
    const forged = [
      // well formed, signed with a key that is not the service's
      `${user.id}.0.${Math.floor(Date.now() / 1000) + 3600}.${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
      // the owner's cookie, its expiry moved
      `${userId ?? ''}.${generation ?? ''}.${Number(expires) + 1}.${id ?? ''}.${owners.split('.')[4] ?? ''}`,
      // another account's valid cookie
      attackers,
      'garbage',
    ];
    // act and assess: each is an untrusted client, refused by the account's lock
    for (const cookie of forged) {
      const answer = await logIn(form, '192.0.2.60', cookie);
      expect([cookie, answer.statusCode]).toEqual([cookie, 429]);
    }
    expect((await logIn(form, '192.0.2.1', owners)).statusCode).toBe(200);
  });
});

describe('a trusted device that fails too often', () => {
  it('is locked on its own: the account and the owner’s other devices are not', async () => {
    // prepare: two devices of the owner
    const form = await account();
    const laptop = await ownersDevice(form);
    const phone = await ownersDevice(form);
    // act: five wrong passwords from the laptop
    const laptopTries: number[] = [];
    for (let i = 0; i < 5; i++) {
      laptopTries.push(
        (await logIn({ ...form, password: 'wrong' }, '192.0.2.1', laptop)).statusCode,
      );
    }
    const laptopRight = await logIn(form, '192.0.2.1', laptop);
    // assess
    expect(laptopTries).toEqual([401, 401, 401, 401, 401]);
    expect(laptopRight.statusCode).toBe(429);
    expect(Number(laptopRight.headers?.['Retry-After'])).toBeGreaterThan(50);
    expect((await logIn(form, '192.0.2.2', phone)).statusCode).toBe(200);
    expect((await logIn(form, '192.0.2.3')).statusCode).toBe(200);
    const user = await db.findUserBy({ email: form.email });
    expect([user.failed_logins, user.locked_until]).toEqual([0, null]);
  });

  it('is locked by consecutive failures only: its right password ends a run of them', async () => {
    const form = await account();
    const device = await ownersDevice(form);
    const wrong = { ...form, password: 'wrong' };
    const statuses: number[] = [];
    for (const attempt of [wrong, wrong, wrong, wrong, form, wrong, wrong, wrong, wrong, form]) {
      statuses.push((await logIn(attempt, '192.0.2.1', device)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 200, 401, 401, 401, 401, 200]);
  });

  it('keeps its count and lock in one item per device cookie, which DynamoDB expires with it', async () => {
    const form = await account();
    const device = await ownersDevice(form);
    await logIn({ ...form, password: 'wrong' }, '192.0.2.1', device);
    await logIn({ ...form, password: 'wrong' }, '192.0.2.1', device);
    const [, , expires = '', id = ''] = device.split('.');
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: usersTable, Key: { id: deviceItemId(id) } }),
    );
    expect(Item).toEqual({ id: `device#${id}`, failed_logins: 2, ttl: Number(expires) });
    // A right password ends the run: the item goes.
    expect((await logIn(form, '192.0.2.1', device)).statusCode).toBe(200);
    const after = await documentClient.send(
      new GetCommand({ TableName: usersTable, Key: { id: deviceItemId(id) } }),
    );
    expect(after.Item).toBeUndefined();
  });
});

describe('revocation', () => {
  it('a password reset revokes the device cookies: the old one counts against the account again', async () => {
    // prepare: the owner's device, then a reset
    const form = await account();
    const device = await ownersDevice(form);
    const token = (
      bodyOf(
        await requestReset(httpEvent('POST', '/reset_password', { form: { email: form.email } })),
      ) as { reset_token: string }
    ).reset_token;
    const renewed = { ...form, password: strongPassword() };
    const reset = await resetPassword(
      httpEvent('PUT', '/reset_password', {
        form: { email: form.email, reset_token: token, new_password: renewed.password },
      }),
    );
    expect(reset.statusCode).toBe(200);
    // act: the account locked again by someone guessing
    await sprayFrom20Addresses(form.email);
    const withOldCookie = await logIn(renewed, '192.0.2.1', device);
    // assess
    expect(withOldCookie.statusCode).toBe(429);
    expect((await db.findUserBy({ email: form.email })).device_generation).toBe(1);
  });

  it('a password change revokes them too, the changing device’s included', async () => {
    const form = await account();
    const laptop = await logIn(form, '192.0.2.1');
    const device = deviceCookieOf(laptop) ?? '';
    const renewed = { ...form, password: strongPassword() };
    const changed = await changePassword(
      httpEvent('PUT', '/password', {
        cookies: [`session_id=${sessionCookieOf(laptop) ?? ''}`, `device=${device}`],
        form: { password: form.password, new_password: renewed.password },
      }),
    );
    expect(changed.statusCode).toBe(200);
    await sprayFrom20Addresses(form.email);
    expect((await logIn(renewed, '192.0.2.1', device)).statusCode).toBe(429);
  });
});

describe('the account routes that ask for the password', () => {
  it('let a trusted device confirm a change while the account is locked for everyone else', async () => {
    const form = await account();
    const laptop = await logIn(form, '192.0.2.1');
    const device = deviceCookieOf(laptop) ?? '';
    const session = `session_id=${sessionCookieOf(laptop) ?? ''}`;
    await sprayFrom20Addresses(form.email);
    const put = (cookies: string[]) =>
      changePassword(
        httpEvent('PUT', '/password', {
          cookies,
          form: { password: form.password, new_password: strongPassword() },
        }),
      );
    // Without the device cookie, the session alone is an untrusted client: the lock applies.
    expect((await put([session])).statusCode).toBe(429);
    expect((await put([session, `device=${device}`])).statusCode).toBe(200);
  });

  it('and so do the pages’ forms, without JavaScript', async () => {
    const forms = route('POST /account/{page}');
    const form = await account();
    const laptop = await logIn(form, '192.0.2.1');
    const device = deviceCookieOf(laptop) ?? '';
    const session = `session_id=${sessionCookieOf(laptop) ?? ''}`;
    await sprayFrom20Addresses(form.email);
    const post = (cookies: string[]) =>
      forms(
        httpEvent('POST', '/account/change-password', {
          pathParameters: { page: 'change-password' },
          cookies,
          headers: { 'sec-fetch-site': 'same-origin' },
          form: { password: form.password, new_password: strongPassword() },
        }),
      );
    expect((await post([session])).statusCode).toBe(429);
    expect((await post([session, `device=${device}`])).statusCode).toBe(303);
  });
});

describe('device cookies themselves', () => {
  const keyOf = (key: string) => {
    const keys = new ServiceKeys({ ...config, serviceKey: key, serviceKeyParameter: undefined });
    return () => keys.key('device-cookie');
  };
  const key = randomBytes(32).toString('base64');
  const user = { id: crypto.randomUUID(), device_generation: 3 };

  it('are trusted for their account, their generation and their lifetime only', async () => {
    const clock = new ManualClock();
    const cookies = new DeviceCookies(keyOf(key), { deviceCookieTtlSeconds: 3600 }, clock.now);
    const value = await cookies.issue(user);
    expect(await cookies.trusted(value, user)).toMatchObject({ userId: user.id, generation: 3 });
    expect(await cookies.trusted(value, { ...user, id: crypto.randomUUID() })).toBeNull();
    expect(await cookies.trusted(value, { ...user, device_generation: 4 })).toBeNull();
    clock.advanceSeconds(3599);
    expect(await cookies.trusted(value, user)).not.toBeNull();
    clock.advanceSeconds(1);
    expect(await cookies.trusted(value, user)).toBeNull();
  });

  it('are not trusted by a service with another key', async () => {
    const issued = await new DeviceCookies(keyOf(key), { deviceCookieTtlSeconds: 3600 }).issue(
      user,
    );
    const elsewhere = new DeviceCookies(keyOf(randomBytes(32).toString('base64')), {
      deviceCookieTtlSeconds: 3600,
    });
    expect(await elsewhere.trusted(issued, user)).toBeNull();
    expect(await elsewhere.trusted(undefined, user)).toBeNull();
  });
});

describe('metrics of refusals and locks', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('count them by kind, with no address, email or cookie in any line', async () => {
    // prepare: a service that writes JSON logs and EMF metrics, one attempt a minute per address
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const env = { LOG_LEVEL: 'INFO', LOG_FORMAT: 'json', METRICS_ENABLED: 'true' };
    const loud = route('POST /sessions', env);
    const budgeted = route('POST /sessions', { ...env, CLIENT_ATTEMPTS_PER_MINUTE: '1' });
    const form = await account();
    const device = await ownersDevice(form);
    const wrong = { ...form, password: 'wrong' };
    // act: a device locked, refused; the account locked, refused; an address over its budget
    const send = (handler: typeof login, options: EventOptions) =>
      handler(httpEvent('POST', '/sessions', options));
    for (let i = 0; i < 6; i++) {
      await send(loud, { form: wrong, sourceIp: '192.0.2.1', cookies: [`device=${device}`] });
    }
    for (let i = 0; i < 6; i++) await send(loud, { form: wrong, sourceIp: `198.18.1.${i}` });
    const stranger = { email: freshEmail(), password: 'wrong' };
    await send(budgeted, { form: stranger, sourceIp: '198.18.2.1' });
    await send(budgeted, { form: stranger, sourceIp: '198.18.2.1' });
    vi.restoreAllMocks();
    // assess
    const metrics = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => '_aws' in line);
    const total = (name: string) => metrics.reduce((sum, line) => sum + Number(line[name] ?? 0), 0);
    expect({
      device_locked: total('device_locked'),
      login_refused_device_locked: total('login_refused_device_locked'),
      account_locked: total('account_locked'),
      login_refused_locked: total('login_refused_locked'),
      client_over_budget: total('client_over_budget'),
    }).toEqual({
      device_locked: 1,
      login_refused_device_locked: 1,
      account_locked: 1,
      login_refused_locked: 1,
      client_over_budget: 1,
    });
    const printed = lines.join('');
    for (const secret of ['192.0.2.1', '198.18.', form.email, device]) {
      expect(printed).not.toContain(secret);
    }
  });
});
