import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { runInNewContext, Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../lib/http/lambda';
import { ASSETS } from '../../lib/pages/assets';
import { describeProblem, MESSAGE_RULES, nextPage } from '../../lib/pages/shared';
import { DependencyUnavailable } from '../../lib/platform/aws-errors';
import { createLogger } from '../../lib/platform/logger';
import { httpEvent, type EventOptions } from '../support/events';
import { config } from '../support/app';
import { freshEmail, strongPassword } from '../support/auth';
import { routesFor, type RouteKey } from '../support/routes';

const routes = routesFor();
const silentLogger = createLogger(config);
const APOLOGY = describeProblem(MESSAGE_RULES, undefined, null, []).text;

const SIGNUP = ['email', 'password'];
const RESET = ['email', 'reset_token', 'new_password'];

describe('the functions app.js carries', () => {
  it('run from their source alone, with nothing but what a browser has', () => {
    // What a browser gives them: JavaScript's built-ins and URLSearchParams, no module scope.
    const revive = <T>(fn: T): T => runInNewContext(`(${String(fn)})`, { URLSearchParams }) as T;
    const describe = revive(describeProblem);
    const next = revive(nextPage);
    expect(
      describe(MESSAGE_RULES, 'password must be at least 8 characters long', null, RESET),
    ).toEqual(
      describeProblem(MESSAGE_RULES, 'password must be at least 8 characters long', null, RESET),
    );
    expect(next('forgot-password', 200, { email: 'a@b.co', reset_token: 't' })).toBe(
      '/account/reset-password?email=a%40b.co&reset_token=t',
    );
    // app.js as served is one valid script.
    expect(() => new Script(ASSETS.get('app.js')?.body ?? '')).not.toThrow();
  });

  it('lead each form to its next page, and stay on errors', () => {
    expect(nextPage('signup', 200, {})).toBe('/account/login?notice=registered');
    expect(nextPage('login', 200, {})).toBe('/account/profile');
    expect(nextPage('login', 401, {})).toBeNull();
    expect(nextPage('forgot-password', 200, { email: 'a@b.co', message: 'sent' })).toBe(
      '/account/forgot-password?notice=mail-sent',
    );
    expect(nextPage('reset-password', 200, {})).toBe('/account/login?notice=password-updated');
    expect(nextPage('logout', 302, {})).toBe('/account/login?notice=logged-out');
    expect(nextPage('logout', 403, {})).toBe('/account/login?notice=session-ended');
    expect(nextPage('logout', 503, {})).toBeNull();
  });

  it('say how long a locked account waits, in words', () => {
    const locked = (seconds: number) =>
      describeProblem(MESSAGE_RULES, 'too many failed logins, try again later', seconds, SIGNUP)
        .text;
    expect(locked(1)).toContain('Try again in 1 second,');
    expect(locked(45)).toContain('Try again in 45 seconds,');
    expect(locked(60)).toContain('Try again in 1 minute,');
    expect(locked(61)).toContain('Try again in 2 minutes,');
  });
});

describe('every error the API routes answer has its sentence, next to its field', () => {
  /** Calls the route as a client would and describes its answer for a form with `fields`. */
  async function problemOf(
    route: RouteKey,
    options: EventOptions,
    fields: string[],
    raw: Partial<APIGatewayProxyEventV2> = {},
  ) {
    const [method = '', path = ''] = route.split(' ');
    const response = await routes[route]({ ...httpEvent(method, path, options), ...raw });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    const { message } = JSON.parse(response.body ?? '') as { message: string };
    const retryAfter = Number(response.headers?.['Retry-After']) || null;
    return { message, ...describeProblem(MESSAGE_RULES, message, retryAfter, fields) };
  }

  it('for each field', async () => {
    // prepare: an account, locked after too many wrong passwords
    const email = freshEmail();
    const password = strongPassword();
    await routes['POST /users'](httpEvent('POST', '/users', { form: { email, password } }));
    const locked = freshEmail();
    await routes['POST /users'](httpEvent('POST', '/users', { form: { email: locked, password } }));
    for (let i = 0; i < config.loginMaxFailures; i++) {
      await routes['POST /sessions'](
        httpEvent('POST', '/sessions', { form: { email: locked, password: 'wrong' } }),
      );
    }
    const cases: [RouteKey, EventOptions, string[], string | null][] = [
      ['POST /users', { form: { email, password } }, SIGNUP, 'email'],
      ['POST /users', { form: { email: 'not-an-email', password } }, SIGNUP, 'email'],
      ['POST /users', { form: { email: freshEmail(), password: 'short' } }, SIGNUP, 'password'],
      [
        'POST /users',
        { form: { email: freshEmail(), password: 'é'.repeat(37) } },
        SIGNUP,
        'password',
      ],
      [
        'POST /users',
        { form: { email: freshEmail(), password: 'nul\u0000char-pw' } },
        SIGNUP,
        'password',
      ],
      ['POST /users', { form: { email: freshEmail(), password: 'password' } }, SIGNUP, 'password'],
      ['POST /users', { form: { password } }, SIGNUP, 'email'],
      ['POST /users', { form: { email } }, SIGNUP, 'password'],
      ['POST /users', { json: { email: 7, password } }, SIGNUP, 'email'],
      [
        'POST /users',
        {
          body: 'email=a@b.co&email=c@d.co&password=x',
          contentType: 'application/x-www-form-urlencoded',
        },
        SIGNUP,
        'email',
      ],
      [
        'POST /users',
        {
          body: '--b\r\nContent-Disposition: form-data; name="password"; filename="p.txt"\r\n\r\nx\r\n--b--\r\n',
          contentType: 'multipart/form-data; boundary=b',
        },
        SIGNUP,
        'password',
      ],
      ['POST /sessions', { form: { email, password: 'wrong' } }, SIGNUP, 'password'],
      ['POST /sessions', { form: { email: locked, password } }, SIGNUP, 'password'],
      ['POST /reset_password', { form: { email: freshEmail() } }, ['email'], 'email'],
      ['PUT /reset_password', { form: { email, new_password: password } }, RESET, 'reset_token'],
      ['PUT /reset_password', { form: { email, reset_token: 'x' } }, RESET, 'new_password'],
      [
        'PUT /reset_password',
        { form: { email, reset_token: 'x', new_password: 'short' } },
        RESET,
        'new_password',
      ],
      [
        'PUT /reset_password',
        { form: { email, reset_token: crypto.randomUUID(), new_password: password } },
        RESET,
        'reset_token',
      ],
    ];
    for (const [route, options, fields, field] of cases) {
      const problem = await problemOf(route, options, fields);
      expect([problem.message, problem.field]).toEqual([problem.message, field]);
      expect([problem.message, problem.text === APOLOGY]).toEqual([problem.message, false]);
      expect(problem.text).toMatch(/^[A-Z].*\.$/u);
    }
  });

  it('for the form as a whole', async () => {
    const form = { email: freshEmail(), password: strongPassword() };
    const cases: [RouteKey, EventOptions, Partial<APIGatewayProxyEventV2>?][] = [
      ['POST /users', { form: { ...form, password: 'x'.repeat(9000) } }],
      ['POST /users', { body: 'x', contentType: 'text/plain' }],
      ['POST /users', { body: '{"email":', contentType: 'application/json' }],
      ['POST /users', { json: [form] }],
      ['POST /users', { body: 'email=%FF', contentType: 'application/x-www-form-urlencoded' }],
      ['POST /users', { body: 'a=b', contentType: 'application/json; charset=latin1' }],
      ['POST /users', { body: 'email=x', contentType: 'multipart/form-data; boundary=b' }],
      [
        'POST /users',
        {},
        { body: Buffer.from([0xff, 0xfe]).toString('base64'), isBase64Encoded: true },
      ],
      ['POST /sessions', { form, headers: { 'sec-fetch-site': 'cross-site' } }],
      ['GET /profile', {}],
      ['DELETE /sessions', { cookies: [`session_id=${crypto.randomUUID()}`] }],
    ];
    for (const [route, options, raw] of cases) {
      const problem = await problemOf(route, options, SIGNUP, raw);
      expect([problem.message, problem.field]).toEqual([problem.message, null]);
      expect([problem.message, problem.text === APOLOGY]).toEqual([problem.message, false]);
    }
    // DynamoDB down: the answer every route gives then.
    const unavailable = JSON.parse(
      errorResponse(new DependencyUnavailable(new Error('down')), 'r', silentLogger).body ?? '',
    ) as { message: string };
    expect(describeProblem(MESSAGE_RULES, unavailable.message, 1, SIGNUP).text).toBe(
      'The service is busy right now. Wait a moment and try again.',
    );
    // A bug (500), or an answer of no route of ours: an apology, not the raw message.
    expect(describeProblem(MESSAGE_RULES, 'internal error', null, SIGNUP)).toEqual({
      field: null,
      text: APOLOGY,
    });
  });
});
