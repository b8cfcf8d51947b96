// The profile page shows the stored email and each session's device as text: an address
// registration accepts, or a User-Agent header, may hold characters HTML reads as markup, and each
// must come back escaped.
import { describe, expect, it } from 'vitest';
import { route as loginRoute } from '../../handlers/login';
import { route as pagesRoute } from '../../handlers/pages';
import { route as registerRoute } from '../../handlers/register';
import { httpEvent, sessionCookieOf } from '../support/events';
import { handlerFor } from '../support/app';
import { strongPassword } from '../support/auth';

const login = handlerFor(loginRoute);
const pages = handlerFor(pagesRoute);
const register = handlerFor(registerRoute);

describe('the profile page', () => {
  it("shows an email holding & and ' escaped", async () => {
    // prepare: this file's table is its own, so the address is free
    const email = "a&b'c@example.com";
    const password = strongPassword();
    const registered = await register(httpEvent('POST', '/users', { json: { email, password } }));
    expect(registered.statusCode).toBe(200);
    const sessionId = sessionCookieOf(
      await login(httpEvent('POST', '/sessions', { json: { email, password } })),
    );
    expect(sessionId).toBeDefined();
    // act
    const page = await pages(
      httpEvent('GET', '/account/profile', {
        cookies: [`session_id=${sessionId}`],
        pathParameters: { page: 'profile' },
      }),
    );
    // assess
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<dd id="profile-email">a&amp;b&#39;c@example.com</dd>');
    expect(page.body).not.toContain("a&b'c");
  });

  it("shows a session's device, taken from its User-Agent header, escaped", async () => {
    // prepare: a login from a "browser" whose header is markup
    const email = 'device@example.com';
    const password = strongPassword();
    await register(httpEvent('POST', '/users', { json: { email, password } }));
    const loggedIn = await login(
      httpEvent('POST', '/sessions', {
        json: { email, password },
        headers: { 'user-agent': '"><script>alert(1)</script>' },
      }),
    );
    // act
    const page = await pages(
      httpEvent('GET', '/account/profile', {
        cookies: [`session_id=${sessionCookieOf(loggedIn) ?? ''}`],
        pathParameters: { page: 'profile' },
      }),
    );
    // assess
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      // The summary keeps a non-browser's first word, with its first slash as a space.
      '<span class="device">&quot;&gt;&lt;script&gt;alert(1)&lt; script&gt;</span>',
    );
    expect(page.body).not.toContain('<script>alert');
  });
});
