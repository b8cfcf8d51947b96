import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { route as formsRoute } from '../../handlers/page-forms';
import { route as pagesRoute } from '../../handlers/pages';
import type { HttpResponse } from '../../lib/http/response';
import { httpEvent, sessionCookieOf } from '../support/events';
import { handlerFor, testEnv } from '../support/app';
import { lambdaHandler } from '../../lib/http/lambda';
import { freshEmail, strongPassword } from '../support/auth';

/*
 * The hosted pages in process, through API Gateway events: their headers, and each form posted
 * without JavaScript (tests/pages/browser.test.ts drives them in a real browser).
 */

const pages = handlerFor(pagesRoute);
const forms = handlerFor(formsRoute);
const PAGES = ['signup', 'login', 'forgot-password', 'reset-password'];

function get(page: string, options: { cookies?: string[]; query?: Record<string, string> } = {}) {
  return pages(httpEvent('GET', `/account/${page}`, { ...options, pathParameters: { page } }));
}

/** A form posted by a browser of this origin with JavaScript off. */
function post(page: string, form: Record<string, string>, cookies?: string[]) {
  return forms(
    httpEvent('POST', `/account/${page}`, {
      form,
      pathParameters: { page },
      headers: { 'sec-fetch-site': 'same-origin', origin: 'https://test.example' },
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
      // Every address is a path of this origin; nothing inline to run or style.
      for (const [, url] of body.matchAll(/(?:src|href|action)="([^"]*)"/gu)) {
        expect(url).toMatch(/^\/account\//u);
      }
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
      '/account/login?notice=registered',
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
    expect([login.statusCode, header(login, 'Location')]).toEqual([303, '/account/profile']);
    const cookies = [`session_id=${sessionCookieOf(login) ?? ''}`];
    const profile = await get('profile', { cookies });
    expect([profile.statusCode, textOf(profile, 'profile-email')]).toEqual([200, email]);

    const logout = await post('logout', {}, cookies);
    expect([logout.statusCode, header(logout, 'Location')]).toEqual([
      303,
      '/account/login?notice=logged-out',
    ]);
    expect(logout.cookies?.[0]).toMatch(/^session_id=;.*Max-Age=0/u);
    const after = await get('profile', { cookies });
    expect([after.statusCode, header(after, 'Location')]).toEqual([
      303,
      '/account/login?notice=login-needed',
    ]);
    const again = await post('logout', {}, cookies);
    expect(header(again, 'Location')).toBe('/account/login?notice=session-ended');

    const forgot = await post('forgot-password', { email });
    expect(forgot.statusCode).toBe(303);
    const next = new URL(header(forgot, 'Location'), 'https://test.example');
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
    expect(header(reset, 'Location')).toBe('/account/login?notice=password-updated');
    const used = await post('reset-password', {
      email,
      reset_token: token,
      new_password: newPassword,
    });
    expect(textOf(used, 'reset_token-error')).toBe(
      'This reset code is wrong or has expired. Ask for a new one.',
    );
    expect(header(await post('login', { email, password: newPassword }), 'Location')).toBe(
      '/account/profile',
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
    expect(header(signup, 'Location')).toBe('/account/login?notice=registered');
  });

  it('answer 404 for a form that is not one of theirs', async () => {
    expect((await post('profile', {})).statusCode).toBe(404);
    expect((await post('toString', {})).statusCode).toBe(404);
  });
});

describe('the forms function', () => {
  it('creates one DynamoDB client at cold start, shared by the five services it runs', () => {
    const created = vi.spyOn(DynamoDBDocumentClient, 'from');
    try {
      lambdaHandler(testEnv(), formsRoute);
      expect(created).toHaveBeenCalledTimes(1);
    } finally {
      created.mockRestore();
    }
  });
});
