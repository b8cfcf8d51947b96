// Issue 21: a budget of attempts per client address, shared by every Lambda instance through
// DynamoDB, on the routes that check or set a password or send a mail; spent before any bcrypt work.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { describe, expect, it, vi } from 'vitest';
import { ClientBudget, clientOf } from '../../lib/http/client-budget';
import { ClientBudgetStore } from '../../lib/store/client-budgets';
import { budgetItemId } from '../../lib/store/table';
import { documentClient, handlerFor, usersTable } from '../support/app';
import { authWith, freshEmail, ManualClock, strongPassword } from '../support/auth';
import { earlyInABudgetWindow } from '../support/budget';
import { httpEvent, sessionCookieOf } from '../support/events';
import { bodyOf } from '../support/responses';
import { definitionOf } from '../support/routes';

const store = new ClientBudgetStore(usersTable, documentClient);

/** A client address no other test of the run uses (TEST-NET-2, 198.51.100.0/24, and beyond). */
let nextAddress = 1;
function freshAddress(): string {
  const n = nextAddress++;
  return `198.51.${100 + Math.floor(n / 250)}.${n % 250}`;
}

function budgetWith(limit: number, clock: ManualClock): ClientBudget {
  return new ClientBudget(store, { clientAttemptsPerMinute: limit }, clock.now);
}

/** What spending gives: 'spent', or the refusal's Retry-After in seconds. */
async function spend(budget: ClientBudget, sourceIp: string): Promise<'spent' | number> {
  try {
    await budget.spend(httpEvent('POST', '/sessions', { sourceIp }));
    return 'spent';
  } catch (error) {
    return (error as { retryAfterSeconds: number }).retryAfterSeconds;
  }
}

describe('whose budget a request spends', () => {
  it("is the TCP peer's address: IPv4 as it is, IPv6 by its /64, IPv4 inside IPv6 as IPv4", () => {
    expect(clientOf('203.0.113.9')).toBe('203.0.113.9');
    expect(clientOf('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:0DB8:0001:0002:ffff:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:db8:1:3::5')).toBe('2001:db8:1:3::/64');
    expect(clientOf('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(clientOf('::1')).toBe('0:0:0:0::/64');
    expect(clientOf(undefined)).toBe('unknown');
    expect(clientOf('not an address')).toBe('unknown');
  });

  it('never a header the client writes', async () => {
    const budget = budgetWith(1, new ManualClock());
    const address = freshAddress();
    const event = (forwarded: string) =>
      httpEvent('POST', '/sessions', {
        sourceIp: address,
        headers: { 'x-forwarded-for': forwarded, 'x-real-ip': forwarded },
      });
    await budget.spend(event(freshAddress()));
    await expect(budget.spend(event(freshAddress()))).rejects.toMatchObject({
      name: 'TooManyRequests',
    });
  });
});

describe('a client budget', () => {
  it('allows the limit in a minute, then refuses until the next minute, with the wait', async () => {
    // prepare: 20 s into a minute
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 20));
    const budget = budgetWith(3, clock);
    const address = freshAddress();
    // act
    const first = [];
    for (let i = 0; i < 4; i++) first.push(await spend(budget, address));
    clock.advanceSeconds(30);
    const later = await spend(budget, address);
    const other = await spend(budget, freshAddress());
    clock.advanceSeconds(10);
    const next = await spend(budget, address);
    // assess
    expect(first).toEqual(['spent', 'spent', 'spent', 40]);
    expect(later).toBe(10);
    expect(other).toBe('spent');
    expect(next).toBe('spent');
  });

  it('is one counter item per address and minute, which DynamoDB expires (ttl)', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 20));
    const address = freshAddress();
    await spend(budgetWith(5, clock), address);
    await spend(budgetWith(5, clock), address);
    const windowStart = Date.UTC(2026, 0, 1, 9, 0, 0) / 1000;
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: usersTable, Key: { id: budgetItemId(address, windowStart) } }),
    );
    expect(Item).toEqual({
      id: `budget#${address}#${windowStart}`,
      attempts: 2,
      ttl: windowStart + 120,
    });
  });

  it('counts concurrent requests from every instance exactly: never past the limit', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 20));
    const address = freshAddress();
    // Ten "instances", each its own budget over the same table.
    const instances = Array.from({ length: 10 }, () => budgetWith(5, clock));
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => spend(instances[i % 10] as ClientBudget, address)),
    );
    expect(outcomes.filter((outcome) => outcome === 'spent')).toHaveLength(5);
  });
});

describe('the budgeted routes', () => {
  it('answer 429 with Retry-After over the budget, before any bcrypt compare; another address logs in meanwhile', async () => {
    // prepare: a budget of 3 a minute
    const env = { CLIENT_ATTEMPTS_PER_MINUTE: '3' };
    const login = handlerFor(definitionOf('POST /sessions'), env);
    const email = freshEmail();
    const password = strongPassword();
    await authWith().registerUser(email, password);
    const attacker = freshAddress();
    const fromAttacker = () =>
      login(
        httpEvent('POST', '/sessions', { form: { email, password: 'wrong' }, sourceIp: attacker }),
      );
    await earlyInABudgetWindow();
    for (let i = 0; i < 3; i++) expect((await fromAttacker()).statusCode).toBe(401);
    const compare = vi.spyOn(bcrypt, 'compare');

    // act
    const [refused, owner] = await Promise.all([
      fromAttacker(),
      login(
        httpEvent('POST', '/sessions', { form: { email, password }, sourceIp: freshAddress() }),
      ),
    ]);
    const compares = compare.mock.calls.length;
    compare.mockRestore();

    // assess: the refused attempt spent no compare (the owner's login spent the one made)
    expect(refused.statusCode).toBe(429);
    expect(bodyOf(refused)).toEqual({
      message: 'too many requests from this address, try again later',
    });
    expect(refused.headers?.['X-Error-Code']).toBe('too_many_requests');
    const retryAfter = Number(refused.headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.cookies).toBeUndefined();
    expect(compares).toBe(1);
    expect(owner.statusCode).toBe(200);
    expect(sessionCookieOf(owner)).toBeDefined();
  });

  it('share one budget per address: attempts on one route count on the others', async () => {
    const env = { CLIENT_ATTEMPTS_PER_MINUTE: '2' };
    const address = freshAddress();
    const register = handlerFor(definitionOf('POST /users'), env);
    const resetToken = handlerFor(definitionOf('POST /reset_password'), env);
    const login = handlerFor(definitionOf('POST /sessions'), env);
    const user = { email: freshEmail(), password: strongPassword() };
    await earlyInABudgetWindow();
    expect(
      (await register(httpEvent('POST', '/users', { form: user, sourceIp: address }))).statusCode,
    ).toBe(200);
    expect(
      (
        await resetToken(
          httpEvent('POST', '/reset_password', { form: { email: user.email }, sourceIp: address }),
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (await login(httpEvent('POST', '/sessions', { form: user, sourceIp: address }))).statusCode,
    ).toBe(429);
  });

  it('leave every other route alone', async () => {
    const env = { CLIENT_ATTEMPTS_PER_MINUTE: '1' };
    const address = freshAddress();
    const home = handlerFor(definitionOf('GET /'), env);
    const profile = handlerFor(definitionOf('GET /profile'), env);
    await earlyInABudgetWindow();
    for (let i = 0; i < 3; i++) {
      expect((await home(httpEvent('GET', '/', { sourceIp: address }))).statusCode).toBe(200);
      expect((await profile(httpEvent('GET', '/profile', { sourceIp: address }))).statusCode).toBe(
        403,
      );
    }
  });

  it("answer a person's form with the form again, the sentence above it, and 429", async () => {
    const forms = handlerFor(definitionOf('POST /account/{page}'), {
      CLIENT_ATTEMPTS_PER_MINUTE: '1',
    });
    const address = freshAddress();
    const post = () =>
      forms(
        httpEvent('POST', '/account/login', {
          form: { email: freshEmail(), password: 'wrong' },
          pathParameters: { page: 'login' },
          sourceIp: address,
        }),
      );
    await earlyInABudgetWindow();
    expect((await post()).statusCode).toBe(401);
    const refused = await post();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(Number(refused.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(refused.body).toContain('Too many attempts from your network in the last minute.');
  });
});
