import { describe, expect, it } from 'vitest';
import { isCrossSite } from '../../../lib/http/csrf';
import { httpEvent, sessionCookieOf } from '../../support/events';
import { freshEmail, strongPassword } from '../../support/auth';
import { routesFor } from '../../support/routes';

const HOST = 'auth.example.com';
const REFUSED = JSON.stringify({ message: 'cross-site request refused' });

/** A request as a browser on `from` would send it to https://auth.example.com. */
function browserEvent(method: string, headers: Record<string, string>) {
  return httpEvent(method, '/sessions', { headers: { host: HOST, ...headers } });
}

describe('isCrossSite', () => {
  it('refuses state-changing requests that a browser marks as from another site or origin', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect(isCrossSite(browserEvent(method, { 'sec-fetch-site': 'cross-site' }))).toBe(true);
      // Same site is not same origin: a sibling subdomain may be someone else's.
      expect(isCrossSite(browserEvent(method, { 'Sec-Fetch-Site': 'same-site' }))).toBe(true);
      expect(isCrossSite(browserEvent(method, { origin: 'https://evil.example' }))).toBe(true);
      expect(isCrossSite(browserEvent(method, { origin: 'https://auth.example.com:8443' }))).toBe(
        true,
      );
      expect(isCrossSite(browserEvent(method, { Origin: 'null' }))).toBe(true);
    }
  });

  it('lets same-origin browser requests, requests of no browser and safe methods through', () => {
    const allowed = [
      browserEvent('POST', { 'sec-fetch-site': 'same-origin', origin: `https://${HOST}` }),
      // Typed or bookmarked by the person.
      browserEvent('POST', { 'sec-fetch-site': 'none' }),
      // An older browser: Origin only.
      browserEvent('DELETE', { origin: `https://${HOST}` }),
      browserEvent('POST', { origin: 'HTTPS://AUTH.EXAMPLE.COM' }),
      // curl, requests, the Flask clients: no mark at all.
      browserEvent('POST', {}),
      // Reading is no state change: links and images from anywhere still work.
      browserEvent('GET', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }),
      browserEvent('HEAD', { 'sec-fetch-site': 'cross-site' }),
    ];
    for (const event of allowed) expect(isCrossSite(event)).toBe(false);
  });

  it("passes the stage's trusted origins (its CORS allowlist), and only them", () => {
    const trusted = ['https://app.example.com'];
    const fromApp = browserEvent('POST', {
      'sec-fetch-site': 'cross-site',
      origin: 'https://app.example.com',
    });
    expect(isCrossSite(fromApp, trusted)).toBe(false);
    expect(isCrossSite(fromApp)).toBe(true);
    const fromElsewhere = browserEvent('POST', {
      'sec-fetch-site': 'cross-site',
      origin: 'https://app.example.com.evil.example',
    });
    expect(isCrossSite(fromElsewhere, trusted)).toBe(true);
  });

  it('trusts Sec-Fetch-Site over Origin, as only a browser sets it', () => {
    const event = browserEvent('POST', {
      'sec-fetch-site': 'cross-site',
      origin: `https://${HOST}`,
    });
    expect(isCrossSite(event)).toBe(true);
  });

  it('compares Origin with the API domain when a request has no Host header', () => {
    const event = httpEvent('POST', '/sessions', {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(isCrossSite(event)).toBe(true);
    event.headers.origin = `https://${event.requestContext.domainName}`;
    expect(isCrossSite(event)).toBe(false);
  });
});

describe('every handler refuses a cross-site login before it reads anything', () => {
  it('POST /sessions from another site: 403 and no cookie; from the same origin or curl: logged in', async () => {
    // prepare
    const routes = routesFor();
    const user = { email: freshEmail(), password: strongPassword() };
    expect(
      (await routes['POST /users'](httpEvent('POST', '/users', { form: user }))).statusCode,
    ).toBe(200);
    const login = (headers: Record<string, string>) =>
      routes['POST /sessions'](
        httpEvent('POST', '/sessions', { form: user, headers: { host: HOST, ...headers } }),
      );

    // act
    const crossSite = await login({
      'sec-fetch-site': 'cross-site',
      origin: 'https://evil.example',
    });
    const sameOrigin = await login({ 'sec-fetch-site': 'same-origin', origin: `https://${HOST}` });
    const curl = await login({});

    // assess
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.body).toBe(REFUSED);
    expect(sessionCookieOf(crossSite)).toBeUndefined();
    expect([sameOrigin.statusCode, curl.statusCode]).toEqual([200, 200]);
    expect(sessionCookieOf(sameOrigin)).toBeDefined();
  });

  it('every state-changing API route answers the same 403 to a cross-site browser request', async () => {
    const routes = routesFor();
    for (const key of [
      'POST /users',
      'DELETE /sessions',
      'POST /reset_password',
      'PUT /reset_password',
    ] as const) {
      const [method = '', path = ''] = key.split(' ');
      const event = httpEvent(method, path, { headers: { 'sec-fetch-site': 'cross-site' } });
      const response = await routes[key](event);
      expect([key, response.statusCode, response.body]).toEqual([key, 403, REFUSED]);
    }
  });
});
