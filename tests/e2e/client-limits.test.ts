import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshEmail, strongPassword } from '../support/auth';
import { earlyInABudgetWindow } from '../support/budget';
import { startLocalService, type LocalService } from '../support/local-service';

/*
 * Issue 21 through `npm start`, with clients bound to different loopback addresses (127.0.0.2,
 * 127.0.0.9, ...), which serverless-offline reports to the functions as the request's source
 * address, as API Gateway reports the client's: per-client budgets, and device cookies against a
 * lock aimed from many addresses.
 */

const BUDGET = 5;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** Each Set-Cookie's name and value. */
  cookies: Map<string, string>;
}

describe('limits per client through `npm start`', () => {
  let service: LocalService;
  let port: number;

  beforeAll(async () => {
    service = await startLocalService({
      CLIENT_ATTEMPTS_PER_MINUTE: String(BUDGET),
      LOG_LEVEL: 'INFO',
      LOG_FORMAT: 'json',
    });
    port = Number(new URL(service.baseUrl).port);
  });

  afterAll(async () => {
    await service.stop();
  });

  /** A request from the loopback address `from`, with a form body and cookies. */
  function send(
    from: string,
    method: string,
    path: string,
    form: Record<string, string> = {},
    cookies: string[] = [],
  ): Promise<Answer> {
    const body = new URLSearchParams(form).toString();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          localAddress: from,
          method,
          path,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            ...(cookies.length > 0 && { cookie: cookies.join('; ') }),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const set = [res.headers['set-cookie'] ?? []].flat();
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: JSON.parse(text || 'null') as Record<string, unknown>,
              cookies: new Map(
                set.map((cookie) => {
                  const [pair = ''] = cookie.split(';');
                  const at = pair.indexOf('=');
                  return [pair.slice(0, at), pair.slice(at + 1)];
                }),
              ),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The auth events the service logged for each request from now on, in order. */
  function eventsFrom(start: number): () => string[][] {
    return () =>
      service
        .output()
        .slice(start)
        .split('\n')
        .filter((line) => line.includes('"message":"request"'))
        .map((line) => {
          const parsed = JSON.parse(line.slice(line.indexOf('{'))) as { auth_events?: string[] };
          return parsed.auth_events ?? [];
        });
  }

  it('one address over its budget gets 429 with Retry-After, no compare; another logs in at the same moment', async () => {
    // prepare
    const user = { email: freshEmail(), password: strongPassword() };
    expect((await send('127.0.0.9', 'POST', '/users', user)).status).toBe(200);
    await earlyInABudgetWindow();
    // Guesses at emails nobody has, so that no account lock comes into it.
    for (let i = 0; i < BUDGET; i++) {
      const guess = { email: freshEmail(), password: 'wrong' };
      expect((await send('127.0.0.2', 'POST', '/sessions', guess)).status).toBe(401);
    }
    const logged = eventsFrom(service.output().length);

    // act
    const [refused, other] = await Promise.all([
      send('127.0.0.2', 'POST', '/sessions', user),
      send('127.0.0.9', 'POST', '/sessions', user),
    ]);

    // assess
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      message: 'too many requests from this address, try again later',
    });
    expect(refused.headers['x-error-code']).toBe('too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(other.status).toBe(200);
    expect(other.cookies.get('session_id')).toBeTruthy();
    // The refusal recorded no login attempt: it was refused before the password was compared.
    for (let waited = 0; logged().length < 2 && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(logged().sort()).toEqual([['client_over_budget'], ['login_succeeded']].sort());
  }, 60_000);

  it('20 wrong passwords from 20 addresses lock the account for new clients; the owner’s device cookie logs in', async () => {
    // prepare: the owner logged in once from its own address
    const user = { email: freshEmail(), password: strongPassword() };
    const owner = '127.0.0.3';
    expect((await send(owner, 'POST', '/users', user)).status).toBe(200);
    const first = await send(owner, 'POST', '/sessions', user);
    const device = first.cookies.get('device') ?? '';
    expect(device).not.toBe('');
    // act: each attacker address tries once, well within its budget
    const spray: number[] = [];
    for (let i = 0; i < 20; i++) {
      const from = `127.0.1.${i + 1}`;
      spray.push((await send(from, 'POST', '/sessions', { ...user, password: 'wrong' })).status);
    }
    const newClient = await send('127.0.0.4', 'POST', '/sessions', user);
    const ownerAgain = await send(owner, 'POST', '/sessions', user, [`device=${device}`]);
    // assess
    expect(spray.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(spray.slice(5))).toEqual(new Set([429]));
    expect([newClient.status, newClient.headers['x-error-code']]).toEqual([429, 'account_locked']);
    expect(ownerAgain.status).toBe(200);
    expect(ownerAgain.cookies.get('session_id')).toBeTruthy();

    // A forged or a foreign device cookie earns nothing.
    const other = { email: freshEmail(), password: strongPassword() };
    expect((await send('127.0.0.5', 'POST', '/users', other)).status).toBe(200);
    const foreign = (await send('127.0.0.5', 'POST', '/sessions', other)).cookies.get('device');
    const forged = `${device.slice(0, -4)}AAAA`;
    for (const cookie of [foreign ?? '', forged]) {
      const answer = await send('127.0.0.5', 'POST', '/sessions', user, [`device=${cookie}`]);
      expect(answer.status).toBe(429);
    }

    // A reset revokes the device cookies: the owner's old one then counts as a new client.
    const token = String(
      (await send(owner, 'POST', '/reset_password', { email: user.email })).body.reset_token,
    );
    const renewed = { ...user, password: strongPassword() };
    const reset = await send(owner, 'PUT', '/reset_password', {
      email: user.email,
      reset_token: token,
      new_password: renewed.password,
    });
    expect(reset.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      await send(`127.0.2.${i + 1}`, 'POST', '/sessions', { ...user, password: 'wrong' });
    }
    const revoked = await send(owner, 'POST', '/sessions', renewed, [`device=${device}`]);
    expect(revoked.status).toBe(429);
  });
});
