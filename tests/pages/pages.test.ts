import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { route as formsRoute } from '../../handlers/page-forms';
import { route as pagesRoute } from '../../handlers/pages';
import { route as profileRoute } from '../../handlers/profile';
import type { HttpResponse } from '../../lib/http/response';
import { httpEvent, sessionCookieOf } from '../support/events';
import { handlerFor, testEnv } from '../support/app';
import { lambdaHandler } from '../../lib/http/lambda';
import { freshEmail, strongPassword } from '../support/auth';
import { addressesOf, expectRelative, FormBrowser, headerOf, linkMailed } from '../support/pages';
import { startSesEmulator } from '../support/ses-emulator';
import { nextPage, type Outcome } from '../../lib/pages/next-page';
import { FORM_PAGES } from '../../lib/pages/views';

/*
 * The hosted pages in process, through API Gateway events: their headers, and each form posted
 * without JavaScript (tests/pages/browser.test.ts drives them in a real browser).
 */

const pages = handlerFor(pagesRoute);
const forms = handlerFor(formsRoute);
const profileApi = handlerFor(profileRoute);
const PAGES = ['signup', 'login', 'forgot-password', 'reset-password'];

function get(page: string, options: { cookies?: string[]; query?: Record<string, string> } = {}) {
  return pages(httpEvent('GET', `/account/${page}`, { ...options, pathParameters: { page } }));
}

/** A form posted by a browser of this origin with JavaScript off. */
function post(
  page: string,
  form: Record<string, string>,
  cookies?: string[],
  headers: Record<string, string> = {},
) {
  return forms(
    httpEvent('POST', `/account/${page}`, {
      form,
      pathParameters: { page },
      headers: { 'sec-fetch-site': 'same-origin', origin: 'https://test.example', ...headers },
      ...(cookies !== undefined && { cookies }),
    }),
  );
}

function header(response: HttpResponse, name: string): string {
  return String(response.headers?.[name] ?? '');
}

/** The text of the element with this id (the pages keep each on one line). */
function textOf(response: HttpResponse, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`, 'u').exec(response.body ?? '')?.[1];
}

describe('the pages and their files', () => {
  it('answer with a strict CSP, no framing, nothing cached, nothing from elsewhere', async () => {
    for (const response of [...(await Promise.all(PAGES.map((p) => get(p)))), await get('nope')]) {
      const csp = header(response, 'Content-Security-Policy');
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(header(response, 'Content-Type')).toBe('text/html; charset=utf-8');
      expect(header(response, 'Cache-Control')).toBe('no-store');
      expect(header(response, 'X-Frame-Options')).toBe('DENY');
      expect(header(response, 'X-Content-Type-Options')).toBe('nosniff');
      expect(header(response, 'Referrer-Policy')).toBe('no-referrer');
      const body = response.body ?? '';
      // Every address is of this origin, relative to the page; nothing inline to run or style.
      for (const address of addressesOf(response)) expectRelative(address);
      expect(body).not.toMatch(/<script>|<style|style="|\son\w+=/u);
    }
    expect((await get('nope')).statusCode).toBe(404);
  });

  it('serve app.js and style.css with their types', async () => {
    const [script, style] = await Promise.all([get('app.js'), get('style.css')]);
    expect([script.statusCode, header(script, 'Content-Type')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
    expect([style.statusCode, header(style, 'Content-Type')]).toEqual([
      200,
      'text/css; charset=utf-8',
    ]);
    expect(style.body).toContain(':focus-visible');
  });

  it('fill the reset form from the mail link, escaped, and show only known notices', async () => {
    const page = await get('reset-password', {
      query: { email: '"><script>alert(1)</script>', reset_token: 'tok', new_password: 'no' },
    });
    expect(page.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page.body).toContain('value="tok"');
    expect(page.body).not.toContain('value="no"');
    const login = await get('login', { query: { notice: 'logged-out' } });
    expect(login.body).toContain('<p class="notice" role="status">You are logged out.</p>');
    const forged = await get('login', { query: { notice: 'constructor' } });
    expect(forged.body).not.toContain('class="notice"');
  });
});

describe('the forms, posted without JavaScript', () => {
  it('sign up, refuse a wrong password, log in, show the profile, log out, reset the password', async () => {
    const email = freshEmail();
    const [password, newPassword] = [strongPassword(), strongPassword()];

    const signup = await post('signup', { email, password });
    expect([signup.statusCode, header(signup, 'Location')]).toEqual([
      303,
      'login?notice=registered',
    ]);

    const wrong = await post('login', { email, password: 'not-it' });
    expect(wrong.statusCode).toBe(401);
    expect(textOf(wrong, 'password-error')).toBe(
      'The email or the password is wrong. Check both and try again.',
    );
    expect(wrong.body).toContain(`value="${email}"`);
    expect(wrong.body).not.toContain('not-it');
    expect(wrong.body).toMatch(/id="password"[^>]*aria-invalid="true" autofocus/u);

    const login = await post('login', { email, password });
    expect([login.statusCode, header(login, 'Location')]).toEqual([303, 'profile']);
    const cookies = [`session_id=${sessionCookieOf(login) ?? ''}`];
    const profile = await get('profile', { cookies });
    expect([profile.statusCode, textOf(profile, 'profile-email')]).toEqual([200, email]);

    const logout = await post('logout', {}, cookies);
    expect([logout.statusCode, header(logout, 'Location')]).toEqual([
      303,
      'login?notice=logged-out',
    ]);
    expect(logout.cookies?.[0]).toMatch(/^session_id=;.*Max-Age=0/u);
    const after = await get('profile', { cookies });
    expect([after.statusCode, header(after, 'Location')]).toEqual([
      303,
      'login?notice=login-needed',
    ]);
    const again = await post('logout', {}, cookies);
    expect(header(again, 'Location')).toBe('login?notice=session-ended');

    const forgot = await post('forgot-password', { email });
    expect(forgot.statusCode).toBe(303);
    const next = new URL(
      header(forgot, 'Location'),
      'https://test.example/account/forgot-password',
    );
    expect(next.pathname).toBe('/account/reset-password');
    expect(next.searchParams.get('email')).toBe(email);
    const token = next.searchParams.get('reset_token') ?? '';

    const weak = await post('reset-password', { email, reset_token: token, new_password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(textOf(weak, 'new_password-error')).toBe('Choose a password of at least 8 characters.');
    expect(weak.body).toContain(`value="${token}"`);

    const reset = await post('reset-password', {
      email,
      reset_token: token,
      new_password: newPassword,
    });
    expect(header(reset, 'Location')).toBe('login?notice=password-updated');
    const used = await post('reset-password', {
      email,
      reset_token: token,
      new_password: newPassword,
    });
    expect(textOf(used, 'reset_token-error')).toBe(
      'This reset code is wrong or has expired. Ask for a new one.',
    );
    expect(header(await post('login', { email, password: newPassword }), 'Location')).toBe(
      'profile',
    );
  });

  it('give the reasons that concern no one field above the form', async () => {
    const tooBig = await post('signup', { email: freshEmail(), password: 'x'.repeat(9000) });
    expect([tooBig.statusCode, textOf(tooBig, 'form-error')]).toEqual([
      413,
      'What you entered is too long. Shorten it and try again.',
    ]);
  });

  it('refuse a form another site posts, before reading it', async () => {
    const email = freshEmail();
    const event = httpEvent('POST', '/account/signup', {
      form: { email, password: strongPassword() },
      pathParameters: { page: 'signup' },
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });
    expect((await forms(event)).statusCode).toBe(403);
    const signup = await post('signup', { email, password: strongPassword() });
    expect(header(signup, 'Location')).toBe('login?notice=registered');
  });

  it('answer 404 for a form that is not one of theirs', async () => {
    expect((await post('profile', {})).statusCode).toBe(404);
    expect((await post('toString', {})).statusCode).toBe(404);
  });
});

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Logs in with the login form from a browser with this User-Agent: its cookie. */
async function logIn(email: string, password: string, userAgent: string): Promise<string[]> {
  const login = await post('login', { email, password }, undefined, { 'user-agent': userAgent });
  expect(header(login, 'Location')).toBe('profile');
  return [`session_id=${sessionCookieOf(login) ?? ''}`];
}

/** The sessions a profile page lists, in its order: device, "this device" mark, handle. */
function listedSessions(response: HttpResponse) {
  const items = (response.body ?? '').split('<li>').slice(1);
  return items.map((item) => ({
    device: /class="device">([^<]*)</u.exec(item)?.[1],
    current: item.includes('(this device)'),
    lastUsed: /<time [^>]*>([^<]*)</u.exec(item)?.[1],
    handle: /name="id" value="([^"]*)"/u.exec(item)?.[1] ?? '',
  }));
}

/** GET /profile, the API route: whether this cookie's session is still live. */
async function apiStatus(cookies: string[]): Promise<number> {
  return (await profileApi(httpEvent('GET', '/profile', { cookies }))).statusCode;
}

describe("the profile's sessions, ended without JavaScript", () => {
  it('lists each device with its last use and marks this one; ends another, then all others', async () => {
    const email = freshEmail();
    const password = strongPassword();
    expect((await post('signup', { email, password })).statusCode).toBe(303);
    const laptop = await logIn(email, password, FIREFOX);
    const phone = await logIn(email, password, IPHONE);

    const page = await get('profile', { cookies: laptop });
    const listed = listedSessions(page);
    // Newest first.
    expect(listed.map(({ device, current }) => ({ device, current }))).toEqual([
      { device: 'Safari on iOS', current: false },
      { device: 'Firefox on Linux', current: true },
    ]);
    for (const { lastUsed } of listed) expect(lastUsed).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/u);
    expect(page.body).toContain('action="end-other-sessions"');

    const ended = await post('end-session', { id: listed[0]?.handle ?? '' }, laptop);
    expect([ended.statusCode, header(ended, 'Location'), ended.cookies]).toEqual([
      303,
      'profile?notice=session-removed',
      undefined,
    ]);
    expect([await apiStatus(phone), await apiStatus(laptop)]).toEqual([403, 200]);
    const after = await get('profile', { cookies: laptop, query: { notice: 'session-removed' } });
    expect(after.body).toContain('That session is ended: its device is logged out.');
    expect(listedSessions(after).map((each) => each.device)).toEqual(['Firefox on Linux']);
    // Nothing else to end: no button for it.
    expect(after.body).not.toContain('end-other-sessions');

    const [phone2, tablet] = [
      await logIn(email, password, IPHONE),
      await logIn(email, password, 'curl/8.5.0'),
    ];
    const others = await post('end-other-sessions', {}, laptop);
    expect([others.statusCode, header(others, 'Location')]).toEqual([
      303,
      'profile?notice=other-sessions-ended',
    ]);
    expect(await Promise.all([phone2, tablet, laptop].map(apiStatus))).toEqual([403, 403, 200]);
  });

  it('answers a session that already ended with its sentence on the profile, not an error', async () => {
    const email = freshEmail();
    const password = strongPassword();
    await post('signup', { email, password });
    const laptop = await logIn(email, password, FIREFOX);
    const phone = await logIn(email, password, IPHONE);
    const handle = listedSessions(await get('profile', { cookies: laptop }))[0]?.handle ?? '';
    expect((await post('end-session', { id: handle }, phone)).statusCode).toBe(303);

    for (const id of [handle, 'not-a-handle']) {
      const again = await post('end-session', { id }, laptop);
      expect(again.statusCode).toBe(404);
      expect(again.body).toContain(
        '<p class="form-error" role="alert">That session has already ended.</p>',
      );
      expect(listedSessions(again).map((each) => each.device)).toEqual(['Firefox on Linux']);
    }
    expect((await post('end-session', {}, laptop)).statusCode).toBe(400);
    expect(await apiStatus(laptop)).toBe(200);
  });

  it("ends this device's own session by its button as a logout", async () => {
    const email = freshEmail();
    const password = strongPassword();
    await post('signup', { email, password });
    const laptop = await logIn(email, password, FIREFOX);
    const [own] = listedSessions(await get('profile', { cookies: laptop }));
    expect(own?.current).toBe(true);

    const ended = await post('end-session', { id: own?.handle ?? '' }, laptop);
    expect([ended.statusCode, header(ended, 'Location')]).toEqual([303, 'login?notice=logged-out']);
    expect(ended.cookies?.[0]).toMatch(/^session_id=;.*Max-Age=0/u);
    expect(await apiStatus(laptop)).toBe(403);
    // Without a live session, either button leads to the login page.
    for (const [page, form] of [
      ['end-session', { id: own?.handle ?? '' }],
      ['end-other-sessions', {}],
    ] as const) {
      expect(header(await post(page, form, laptop), 'Location')).toBe('login?notice=session-ended');
    }
  });

  it('refuses a session button another site posts', async () => {
    const email = freshEmail();
    const password = strongPassword();
    await post('signup', { email, password });
    const laptop = await logIn(email, password, FIREFOX);
    await logIn(email, password, IPHONE);
    const refused = await post('end-other-sessions', {}, laptop, {
      'sec-fetch-site': 'cross-site',
      origin: 'https://evil.example',
    });
    expect(refused.statusCode).toBe(403);
    expect(listedSessions(await get('profile', { cookies: laptop }))).toHaveLength(2);
  });
});

describe('the forms function', () => {
  it('creates one DynamoDB client at cold start, shared by every service it runs', () => {
    const created = vi.spyOn(DynamoDBDocumentClient, 'from');
    try {
      lambdaHandler(testEnv(), formsRoute);
      expect(created).toHaveBeenCalledTimes(1);
    } finally {
      created.mockRestore();
    }
  });
});

describe('addresses, so that one build serves /account/... and /auth/account/...', () => {
  it('no link, asset, form action, API path or redirect of any page starts with / or names a host', async () => {
    const email = freshEmail();
    const password = strongPassword();
    // act: every page, with and without a session, and each form to its error and its next page
    const answers = await Promise.all([...PAGES, 'profile', 'nope'].map((page) => get(page)));
    answers.push(
      await post('signup', { email, password }),
      await post('signup', { email, password }),
    );
    answers.push(await post('login', { email, password: 'not-it' }));
    const phone = await post('login', { email, password }, undefined, { 'user-agent': IPHONE });
    const login = await post('login', { email, password });
    const cookies = [`session_id=${sessionCookieOf(login) ?? ''}`];
    const profile = await get('profile', { cookies });
    answers.push(phone, login, profile, await post('end-session', { id: 'gone' }, cookies));
    answers.push(
      await post('end-other-sessions', {}, cookies),
      await post('forgot-password', { email }),
    );
    answers.push(
      await post('reset-password', { email, reset_token: 'wrong', new_password: password }),
    );
    answers.push(await post('logout', {}, cookies), await post('logout', {}, cookies));

    // assess
    expect(listedSessions(profile)).toHaveLength(2);
    const addresses = answers.flatMap(addressesOf);
    for (const kind of ['style.css', 'app.js', 'login', 'end-session', '../sessions', 'profile']) {
      expect(addresses).toContain(kind);
    }
    for (const address of addresses) expectRelative(address);
  });

  it("nor do the account controls': their pages, each form to its error and its next page", async () => {
    const mail = await startSesEmulator();
    try {
      // A stage that verifies addresses (the banner, the mails' links) and sets a cookie domain.
      const env = {
        EMAIL_VERIFICATION: 'optional',
        MAIL_FROM: 'no-reply@example.com',
        SES_ENDPOINT: mail.endpoint,
        COOKIE_DOMAIN: 'example.com',
      };
      const at = new FormBrowser(handlerFor(pagesRoute, env), handlerFor(formsRoute, env));
      const account = { email: freshEmail(), password: strongPassword() };
      const newEmail = freshEmail();
      const newPassword = strongPassword();
      const answers: HttpResponse[] = [];
      const seen = async (answer: Promise<HttpResponse>) => {
        answers.push(await answer);
        return answers.at(-1) ?? { statusCode: 0 };
      };

      // act: logged out, the pages that need a session lead to the login page, and back
      for (const address of ['delete-account', 'confirm-email?token=x', 'verify-email']) {
        await seen(at.get(address));
      }
      await seen(at.get('resend-verification'));
      await seen(at.post('signup', account));
      const back = `login?${new URLSearchParams({ next: 'confirm-email?token=x' }).toString()}`;
      await seen(at.get(back));
      await seen(at.post(back, { ...account, password: 'not-it' }));
      await seen(at.post(back, account));
      // the profile's banner and forms, each to its error and its next page
      await seen(at.get('profile'));
      await seen(at.post('resend-verification?next=profile', { email: account.email }));
      await seen(at.post('resend-verification', { email: account.email }));
      const verification = await linkMailed(mail, account.email, 'verify-email');
      await seen(at.post('verify-email', { email: account.email, verification_token: 'wrong' }));
      await seen(
        at.post('verify-email', {
          email: account.email,
          verification_token: verification.get('verification_token') ?? '',
        }),
      );
      await seen(at.get('verify-email?notice=email-verified'));
      await seen(at.post('change-password', { password: 'not-it', new_password: newPassword }));
      await seen(
        at.post('change-password', { password: account.password, new_password: newPassword }),
      );
      await seen(at.post('change-email', { new_email: newEmail, password: 'not-it' }));
      await seen(at.post('change-email', { new_email: newEmail, password: newPassword }));
      const token = (await linkMailed(mail, newEmail, 'confirm-email')).get('token') ?? '';
      await seen(at.get(`confirm-email?token=${token}`));
      await seen(at.post('confirm-email', { token: 'wrong' }));
      await seen(at.post('confirm-email', { token }));
      await seen(at.get('delete-account'));
      await seen(at.post('delete-account', { password: 'not-it' }));
      const deleted = await seen(at.post('delete-account', { password: newPassword }));
      await seen(at.post('change-password', { password: newPassword, new_password: newPassword }));

      // assess: every form went where it should, and every address is relative
      expect(answers.map((answer) => answer.statusCode)).toEqual([
        ...[303, 303, 200, 200, 303, 200, 401, 303, 200],
        ...[303, 303, 403, 303, 200, 401, 303, 401, 303, 200, 403, 303, 200, 401, 303, 303],
      ]);
      const addresses = answers.flatMap(addressesOf);
      for (const kind of [
        'login?notice=login-to-confirm&next=confirm-email%3Ftoken%3Dx',
        'login?next=confirm-email%3Ftoken%3Dx',
        'confirm-email?token=x',
        'resend-verification?next=profile',
        'resend-verification',
        'change-password',
        'change-email',
        'delete-account',
        'confirm-email',
        '../verify_email',
        '../password',
        '../email_change',
        '../users/me',
        'profile?notice=email-changed',
        'login?notice=account-deleted',
        'login?notice=session-ended',
      ]) {
        expect(addresses).toContain(kind);
      }
      for (const address of addresses) expectRelative(address);
      // The deletion's form removes the cookie on the cookie domain, and a host-only one.
      expect(deleted.cookies).toEqual([
        expect.stringMatching(/^session_id=; Path=\/; Domain=example\.com; Max-Age=0; /u),
        expect.stringMatching(/^session_id=; Path=\/; Max-Age=0; /u),
      ]);
      expect(headerOf(deleted, 'Location')).toBe('login?notice=account-deleted');
    } finally {
      await mail.stop();
    }
  });

  it('app.js goes where the forms without JavaScript go: to a page relative to this one', () => {
    const outcomes: Outcome[] = [
      { ok: true, answer: {} },
      { ok: true, answer: { current: true } },
      { ok: true, answer: { email: 'a@b.co', reset_token: 't' } },
      { ok: false, code: 'no_live_session' },
      { ok: false, code: null },
    ];
    const forms = [
      ...Object.keys(FORM_PAGES),
      ...['logout', 'end-session', 'end-other-sessions', 'change-password', 'change-email'],
      ...['confirm-email', 'delete-account'],
    ];
    // A form's address may name the page to go back to (login?next=..., the banner's resend).
    const next = forms
      .flatMap((form) =>
        [null, 'profile', 'confirm-email?token=t', 'https://evil.example/account/profile'].flatMap(
          (back) => outcomes.map((outcome) => nextPage(form, outcome, back)),
        ),
      )
      .filter((page) => page !== null);
    expect(next).toEqual(
      expect.arrayContaining([
        'confirm-email?token=t',
        'verify-email?notice=email-verified',
        'profile?notice=verification-sent',
        'login?notice=account-deleted',
      ]),
    );
    for (const page of next) expectRelative(page);
  });
});
