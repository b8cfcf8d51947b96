import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { route as unmatchedRoute } from '../../handlers/unmatched';
import { ERROR_CODES, ERROR_HEADERS } from '../../lib/http/error-codes';
import { errorResponse, type LambdaHandler } from '../../lib/http/lambda';
import type { HttpResponse } from '../../lib/http/response';
import { nextPage, returnPage } from '../../lib/pages/next-page';
import { describeProblem, type ErrorDetails } from '../../lib/pages/sentences';
import { DependencyUnavailable } from '../../lib/platform/aws-errors';
import { createLogger } from '../../lib/platform/logger';
import { httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { config, handlerFor } from '../support/app';
import { freshEmail, strongPassword } from '../support/auth';
import { earlyInABudgetWindow } from '../support/budget';
import { definitionOf, routesFor, type RouteKey } from '../support/routes';

/**
 * The seed's routes, the one that answers a session handle none of the caller's has, the
 * account controls' (issue 19) and the second factor's (issue 20).
 */
const EXTRA_KEYS = [
  'DELETE /sessions/{id}',
  'PUT /password',
  'POST /email_change',
  'PUT /email_change',
  'PUT /verify_email',
  'POST /sessions/mfa',
  'POST /mfa/totp',
  'PUT /mfa/totp',
  'DELETE /mfa/totp',
] as const;
const routes = {
  ...routesFor(),
  ...(Object.fromEntries(EXTRA_KEYS.map((key) => [key, handlerFor(definitionOf(key))])) as Record<
    (typeof EXTRA_KEYS)[number],
    LambdaHandler
  >),
};
type Key = RouteKey | (typeof EXTRA_KEYS)[number];
const unmatched = handlerFor(unmatchedRoute);
const silentLogger = createLogger(config);
const APOLOGY = describeProblem({ code: null }, []).text;

const SIGNUP = ['email', 'password'];
const RESET = ['email', 'reset_token', 'new_password'];

/** What app.js reads of an error answer: its code and details, from the headers alone. */
function detailsOf(response: HttpResponse): ErrorDetails {
  const header = (name: string) => {
    const value = response.headers?.[name];
    return value === undefined ? null : String(value);
  };
  return {
    code: header(ERROR_HEADERS.code),
    field: header(ERROR_HEADERS.field),
    limit: Number(header(ERROR_HEADERS.limit)) || null,
    retryAfterSeconds: Number(header('Retry-After')) || null,
  };
}

describe('where a form leads', () => {
  it('on to its next page on success, and nowhere on errors', () => {
    const ok = (answer: Record<string, unknown> = {}) => ({ ok: true as const, answer });
    const failed = (code: string | null) => ({ ok: false as const, code });
    expect(nextPage('signup', ok())).toBe('login?notice=registered');
    expect(nextPage('login', ok())).toBe('profile');
    expect(nextPage('login', failed('invalid_credentials'))).toBeNull();
    expect(nextPage('forgot-password', ok({ email: 'a@b.co', message: 'sent' }))).toBe(
      'forgot-password?notice=mail-sent',
    );
    expect(nextPage('forgot-password', ok({ email: 'a@b.co', reset_token: 't' }))).toBe(
      'reset-password?email=a%40b.co&reset_token=t',
    );
    expect(nextPage('reset-password', ok())).toBe('login?notice=password-updated');
    expect(nextPage('logout', ok())).toBe('login?notice=logged-out');
    expect(nextPage('logout', failed('no_live_session'))).toBe('login?notice=session-ended');
    expect(nextPage('logout', failed('service_unavailable'))).toBeNull();
    expect(nextPage('logout', failed(null))).toBeNull();
    // The profile's session buttons: back to the profile, or a logout when it was this device's.
    expect(nextPage('end-session', ok({ current: false }))).toBe('profile?notice=session-removed');
    expect(nextPage('end-session', ok({ current: true }))).toBe('login?notice=logged-out');
    expect(nextPage('end-other-sessions', ok())).toBe('profile?notice=other-sessions-ended');
    expect(nextPage('end-session', failed('no_live_session'))).toBe('login?notice=session-ended');
    expect(nextPage('end-session', failed('unknown_session'))).toBeNull();
  });

  it("for the account's controls, and back only to the pages' own after a login", () => {
    const ok = { ok: true as const, answer: {} };
    const failed = (code: string | null) => ({ ok: false as const, code });
    expect(
      [
        'change-password',
        'change-email',
        'verify-email',
        'resend-verification',
        'confirm-email',
        'delete-account',
      ].map((form) => nextPage(form, ok)),
    ).toEqual([
      'profile?notice=password-changed',
      'profile?notice=email-change-sent',
      'verify-email?notice=email-verified',
      'login?notice=verification-sent',
      'profile?notice=email-changed',
      'login?notice=account-deleted',
    ]);
    // The profile's banner asks for the mail with next=profile, and comes back to it.
    expect(nextPage('resend-verification', ok, 'profile')).toBe('profile?notice=verification-sent');
    for (const form of ['change-password', 'change-email', 'confirm-email', 'delete-account']) {
      expect(nextPage(form, failed('wrong_password'))).toBeNull();
      expect(nextPage(form, failed('no_live_session'))).toMatch(/login\?notice=session-ended$/u);
    }
    expect(nextPage('login', ok, 'confirm-email?token=t')).toBe('confirm-email?token=t');
    expect(nextPage('login', ok, '/account/confirm-email?token=t')).toBe('confirm-email?token=t');
    expect(nextPage('login', failed('invalid_credentials'), 'profile')).toBeNull();
    for (const elsewhere of [
      'https://evil.example/account/profile',
      '//evil.example/account/profile',
      '/elsewhere/profile',
      'javascript:alert(1)',
      '../users/me',
      'reset-password?email=a',
      'profile/../../x',
      '',
    ]) {
      expect([elsewhere, returnPage(elsewhere)]).toEqual([elsewhere, null]);
      expect(nextPage('login', ok, elsewhere)).toBe('profile');
    }
  });
});

describe("where the second factor's forms lead", () => {
  it("after the login's code: where a login goes, or back to log in when the challenge is over", () => {
    const ok = (answer: Record<string, unknown> = {}) => ({ ok: true as const, answer });
    const failed = (code: string | null) => ({ ok: false as const, code });
    expect(nextPage('login-mfa', ok())).toBe('profile');
    expect(nextPage('login-mfa', ok({ recovery_codes_remaining: 4 }))).toBe(
      'profile?notice=recovery-code-used',
    );
    expect(nextPage('login-mfa', ok(), 'confirm-email?token=t')).toBe('confirm-email?token=t');
    expect(nextPage('login-mfa', failed('invalid_mfa_code'))).toBeNull();
    expect(nextPage('login-mfa', failed('invalid_mfa_token'), 'confirm-email?token=t')).toBe(
      'login?notice=login-expired&next=confirm-email%3Ftoken%3Dt',
    );
    expect(nextPage('login-mfa', failed('invalid_mfa_token'), 'https://evil.example/')).toBe(
      'login?notice=login-expired',
    );
    // The enrolment and new codes answer with pages of their own; turning off, to the profile.
    expect(nextPage('enrol-totp', ok())).toBeNull();
    expect(nextPage('replace-recovery-codes', ok())).toBeNull();
    expect(nextPage('disable-totp', ok())).toBe('profile?notice=mfa-disabled');
    expect(nextPage('disable-totp', failed('invalid_mfa_code'))).toBeNull();
    expect(nextPage('confirm-totp', failed('invalid_mfa_code'))).toBeNull();
    expect(nextPage('confirm-totp', failed('mfa_enrolment_missing'))).toBe(
      'profile?notice=mfa-setup-expired',
    );
    expect(nextPage('confirm-totp', failed('no_live_session'))).toBe('login?notice=session-ended');
  });
});

describe('the sentences', () => {
  it('say how long a locked account waits, in words', () => {
    const locked = (seconds: number) =>
      describeProblem({ code: 'account_locked', retryAfterSeconds: seconds }, SIGNUP).text;
    expect(locked(1)).toContain('Try again in 1 second,');
    expect(locked(45)).toContain('Try again in 45 seconds,');
    expect(locked(60)).toContain('Try again in 1 minute,');
    expect(locked(61)).toContain('Try again in 2 minutes,');
  });

  it('apologise for what has no code of ours, whatever its message says', () => {
    expect(describeProblem({ code: null }, SIGNUP)).toEqual({ field: null, text: APOLOGY });
    expect(describeProblem({ code: 'constructor' }, SIGNUP)).toEqual({
      field: null,
      text: APOLOGY,
    });
    expect(describeProblem({ code: 'internal_error' }, SIGNUP)).toEqual({
      field: null,
      text: APOLOGY,
    });
  });
});

describe('every error the API routes answer has a code, and its sentence next to its field', () => {
  const seen = new Set<string>();

  /** Calls the route as a client would and describes its answer, by its headers, for `fields`. */
  async function problemOf(
    route: Key,
    options: EventOptions,
    fields: string[],
    raw: Partial<APIGatewayProxyEventV2> = {},
    handler: LambdaHandler = routes[route],
  ) {
    const [method = '', path = ''] = route.split(' ');
    const response = await handler({ ...httpEvent(method, path, options), ...raw });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    const details = detailsOf(response);
    expect(ERROR_CODES).toContain(details.code);
    seen.add(String(details.code));
    return { code: details.code, ...describeProblem(details, fields) };
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
    const cases: [Key, EventOptions, string[], string | null, string][] = [
      ['POST /users', { form: { email, password } }, SIGNUP, 'email', 'An account already'],
      ['POST /users', { form: { email: 'x', password } }, SIGNUP, 'email', 'Enter an email'],
      [
        'POST /users',
        { form: { email: freshEmail(), password: 'short' } },
        SIGNUP,
        'password',
        `Choose a password of at least ${config.minPasswordLength} characters.`,
      ],
      [
        'POST /users',
        { form: { email: freshEmail(), password: 'é'.repeat(37) } },
        SIGNUP,
        'password',
        'This password is too long: keep it within 72 bytes',
      ],
      [
        'POST /users',
        { form: { email: freshEmail(), password: 'nul\u0000char-pw' } },
        SIGNUP,
        'password',
        'The password holds a character that cannot be used (NUL)',
      ],
      [
        'POST /users',
        { form: { email: freshEmail(), password: 'password' } },
        SIGNUP,
        'password',
        'This password is too common',
      ],
      ['POST /users', { form: { password } }, SIGNUP, 'email', 'Enter your email address.'],
      ['POST /users', { form: { email } }, SIGNUP, 'password', 'Enter your password.'],
      ['POST /users', { json: { email: 7, password } }, SIGNUP, 'email', 'could not be read'],
      [
        'POST /users',
        {
          body: 'email=a@b.co&email=c@d.co&password=x',
          contentType: 'application/x-www-form-urlencoded',
        },
        SIGNUP,
        'email',
        'This field was sent twice',
      ],
      [
        'POST /users',
        {
          body: '--b\r\nContent-Disposition: form-data; name="password"; filename="p.txt"\r\n\r\nx\r\n--b--\r\n',
          contentType: 'multipart/form-data; boundary=b',
        },
        SIGNUP,
        'password',
        'This field was sent as a file',
      ],
      ['POST /sessions', { form: { email, password: 'wrong' } }, SIGNUP, 'password', 'wrong.'],
      ['POST /sessions', { form: { email: locked, password } }, SIGNUP, 'password', 'locked'],
      ['POST /reset_password', { form: { email: freshEmail() } }, ['email'], 'email', 'No account'],
      [
        'PUT /reset_password',
        { form: { email, new_password: password } },
        RESET,
        'reset_token',
        'Enter the reset code from the mail.',
      ],
      [
        'PUT /reset_password',
        { form: { email, reset_token: 'x' } },
        RESET,
        'new_password',
        'Enter a new password.',
      ],
      [
        'PUT /reset_password',
        { form: { email, reset_token: 'x', new_password: 'short' } },
        RESET,
        'new_password',
        'Choose a password of at least',
      ],
      [
        'PUT /reset_password',
        { form: { email, reset_token: crypto.randomUUID(), new_password: password } },
        RESET,
        'reset_token',
        'This reset code is wrong or has expired.',
      ],
    ];
    for (const [route, options, fields, field, sentence] of cases) {
      const problem = await problemOf(route, options, fields);
      expect([problem.code, problem.field]).toEqual([problem.code, field]);
      expect([problem.code, problem.text]).toEqual([
        problem.code,
        expect.stringContaining(sentence),
      ]);
      expect(problem.text).toMatch(/^[A-Z].*\.$/u);
    }
  });

  it('for the form as a whole', async () => {
    const form = { email: freshEmail(), password: strongPassword() };
    // prepare: a live session, to end a session it does not have
    const account = { email: freshEmail(), password: strongPassword() };
    await routes['POST /users'](httpEvent('POST', '/users', { form: account }));
    const live = sessionCookieOf(
      await routes['POST /sessions'](httpEvent('POST', '/sessions', { form: account })),
    );
    const cases: [Key, EventOptions, Partial<APIGatewayProxyEventV2>?][] = [
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
      [
        'DELETE /sessions/{id}',
        { cookies: [`session_id=${live ?? ''}`], pathParameters: { id: 'not-a-handle' } },
      ],
    ];
    for (const [route, options, raw] of cases) {
      const problem = await problemOf(route, options, SIGNUP, raw);
      expect([problem.code, problem.field]).toEqual([problem.code, null]);
      expect([problem.code, problem.text === APOLOGY]).toEqual([problem.code, false]);
    }
    // A client over its budget: one attempt a minute from its address.
    const budgeted = handlerFor(definitionOf('POST /sessions'), {
      CLIENT_ATTEMPTS_PER_MINUTE: '1',
    });
    const fromOne = () =>
      budgeted(httpEvent('POST', '/sessions', { form, sourceIp: '203.0.113.77' }));
    await earlyInABudgetWindow();
    await fromOne();
    const overBudget = detailsOf(await fromOne());
    expect(overBudget.code).toBe('too_many_requests');
    expect(describeProblem(overBudget, SIGNUP)).toEqual({
      field: null,
      text: expect.stringMatching(
        /^Too many attempts from your network in the last minute\. Wait \d+ \w+ and try again\.$/u,
      ),
    });
    seen.add('too_many_requests');
    // DynamoDB down: the answer every route gives then.
    const unavailable = errorResponse(
      new DependencyUnavailable(new Error('down')),
      'r',
      silentLogger,
    );
    expect(describeProblem(detailsOf(unavailable), SIGNUP).text).toBe(
      'The service is busy right now. Wait a moment and try again.',
    );
    seen.add(String(detailsOf(unavailable).code));
  });

  it("for the account controls' forms", async () => {
    // prepare: an account with a session, and another whose address is taken
    const account = { email: freshEmail(), password: strongPassword() };
    const other = freshEmail();
    for (const email of [account.email, other]) {
      await routes['POST /users'](httpEvent('POST', '/users', { form: { ...account, email } }));
    }
    const login = await routes['POST /sessions'](httpEvent('POST', '/sessions', { form: account }));
    const cookies = [`session_id=${sessionCookieOf(login) ?? ''}`];
    const PASSWORD = ['password', 'new_password'];
    const EMAIL_CHANGE = ['new_email', 'password'];
    const VERIFY = ['email', 'verification_token'];
    const { password } = account;
    const cases: [Key, EventOptions, string[], string | null, string][] = [
      [
        'PUT /password',
        { cookies, form: { password: 'x', new_password: password } },
        PASSWORD,
        'password',
        'not your current password',
      ],
      [
        'PUT /password',
        { cookies, form: { password, new_password: 'short' } },
        PASSWORD,
        'new_password',
        'Choose a password of at least',
      ],
      [
        'POST /email_change',
        { cookies, form: { password, new_email: other } },
        EMAIL_CHANGE,
        'new_email',
        'An account already',
      ],
      [
        'POST /email_change',
        { cookies, form: { password, new_email: 'x' } },
        EMAIL_CHANGE,
        'new_email',
        'Enter an email',
      ],
      [
        'POST /email_change',
        { cookies, form: { password } },
        EMAIL_CHANGE,
        'new_email',
        'Enter the new email address.',
      ],
      [
        'PUT /verify_email',
        { form: { email: account.email } },
        VERIFY,
        'verification_token',
        'Enter the confirmation code',
      ],
      [
        'PUT /verify_email',
        { form: { email: account.email, verification_token: crypto.randomUUID() } },
        VERIFY,
        null,
        'This confirmation link is wrong',
      ],
      // The confirmation's token is hidden: its problems go above the form.
      ['PUT /email_change', { cookies, form: {} }, [], null, 'This link is incomplete.'],
      [
        'PUT /email_change',
        { cookies, form: { token: crypto.randomUUID() } },
        [],
        null,
        'This link to change your email is wrong',
      ],
    ];
    for (const [route, options, fields, field, sentence] of cases) {
      const problem = await problemOf(route, options, fields);
      expect([route, problem.field, problem.text]).toEqual([
        route,
        field,
        expect.stringContaining(sentence),
      ]);
    }
    // A stage that requires a confirmed address refuses the login, above the form.
    const required = handlerFor(definitionOf('POST /sessions'), {
      EMAIL_VERIFICATION: 'required',
      MAIL_FROM: 'no-reply@example.com',
    });
    const refused = await problemOf('POST /sessions', { form: account }, SIGNUP, {}, required);
    expect([refused.code, refused.field, refused.text]).toEqual([
      'email_not_verified',
      null,
      expect.stringContaining('Confirm your email address first'),
    ]);
  });

  it("for the second factor's forms", async () => {
    // prepare: an account with a second factor and the session that set it up, and one without
    const account = { email: freshEmail(), password: strongPassword() };
    const plain = { email: freshEmail(), password: account.password };
    for (const form of [account, plain]) {
      await routes['POST /users'](httpEvent('POST', '/users', { form }));
    }
    const sessionOf = async (form: typeof account) => [
      `session_id=${sessionCookieOf(await routes['POST /sessions'](httpEvent('POST', '/sessions', { form }))) ?? ''}`,
    ];
    const [cookies, plainCookies] = [await sessionOf(account), await sessionOf(plain)];
    const { password } = account;
    const enrol = await routes['POST /mfa/totp'](
      httpEvent('POST', '/mfa/totp', { cookies, form: { password } }),
    );
    const { secret } = JSON.parse(enrol.body ?? '{}') as { secret: string };
    const confirmed = await routes['PUT /mfa/totp'](
      httpEvent('PUT', '/mfa/totp', { cookies, form: { code: await generate({ secret }) } }),
    );
    expect(confirmed.statusCode).toBe(200);
    const challenge = await routes['POST /sessions'](
      httpEvent('POST', '/sessions', { form: account }),
    );
    const { mfa_token } = JSON.parse(challenge.body ?? '{}') as { mfa_token: string };
    const STEP = ['code', 'recovery_code'];
    const MANAGE = ['password', ...STEP];
    const cases: [Key, EventOptions, string[], string | null, string][] = [
      // The login's first step, with JavaScript: app.js shows the second in its place.
      ['POST /sessions', { form: account }, SIGNUP, null, 'to finish logging in'],
      ['POST /sessions/mfa', { form: { mfa_token } }, STEP, 'code', 'or one of your recovery'],
      [
        'POST /sessions/mfa',
        { form: { mfa_token, code: '000000' } },
        STEP,
        'code',
        'This code is wrong or was already used.',
      ],
      ['POST /sessions/mfa', { form: { code: '000000' } }, STEP, null, 'Log in again'],
      [
        'POST /sessions/mfa',
        { form: { mfa_token: crypto.randomUUID(), code: '000000' } },
        STEP,
        null,
        'This login took too long',
      ],
      ['POST /mfa/totp', { cookies, form: { password } }, ['password'], null, 'already on'],
      ['PUT /mfa/totp', { cookies, form: {} }, ['code'], 'code', 'Enter the code from your'],
      ['PUT /mfa/totp', { cookies, form: { code: '000000' } }, ['code'], null, 'has expired'],
      [
        'DELETE /mfa/totp',
        { cookies: plainCookies, form: { password, code: '000000' } },
        MANAGE,
        null,
        'is not on for this account',
      ],
      [
        'POST /email_change',
        { cookies, form: { password, new_email: freshEmail() } },
        ['new_email', ...MANAGE],
        'code',
        'or one of your recovery codes',
      ],
    ];
    for (const [route, options, fields, field, sentence] of cases) {
      const problem = await problemOf(route, options, fields);
      expect([route, problem.field, problem.text]).toEqual([
        route,
        field,
        expect.stringContaining(sentence),
      ]);
    }
  });

  it('and every code is answered by some request: the list has none to spare', async () => {
    const bug = errorResponse(new TypeError('a bug'), 'r', silentLogger);
    const notFound = await unmatched(httpEvent('GET', '/nope'));
    const notAllowed = await unmatched(httpEvent('PATCH', '/users'));
    for (const response of [bug, notFound, notAllowed]) seen.add(String(detailsOf(response).code));
    expect([...seen].sort()).toEqual([...ERROR_CODES].sort());
  });
});
