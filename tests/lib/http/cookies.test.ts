import { describe, expect, it } from 'vitest';
import { clearedSessionCookies, readCookie, sessionCookies } from '../../../lib/http/cookies';
import { httpEvent } from '../../support/events';

describe('readCookie', () => {
  it('reads the HTTP API cookies array, where API Gateway puts the Cookie header pairs', () => {
    expect(
      readCookie(httpEvent('GET', '/', { cookies: ['a=1', 'session_id=abc'] }), 'session_id'),
    ).toBe('abc');
    expect(
      readCookie(
        httpEvent('GET', '/', { headers: { Cookie: 'a=1; session_id=abc' } }),
        'session_id',
      ),
    ).toBe('abc');
    expect(readCookie(httpEvent('GET', '/'), 'session_id')).toBeUndefined();
  });

  it('takes the first of duplicated cookies, unquotes, and ignores pairs without a value', () => {
    const event = httpEvent('GET', '/', {
      cookies: ['session_id', 'session_id="first"', 'session_id=second'],
    });
    expect(readCookie(event, 'session_id')).toBe('first');
  });

  it('does not match a cookie whose name merely contains the one asked for', () => {
    expect(
      readCookie(httpEvent('GET', '/', { cookies: ['xsession_id=abc'] }), 'session_id'),
    ).toBeUndefined();
  });
});

describe('session cookies', () => {
  const hostOnly = { sessionTtlSeconds: 60, cookieSecure: true, cookieDomain: undefined };
  const onDomain = { ...hostOnly, cookieDomain: 'example.com' };

  it('are HttpOnly, SameSite=Lax, Path=/ with the session lifetime, and Secure when set', () => {
    expect(sessionCookies('id', hostOnly)).toEqual([
      'session_id=id; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
    ]);
    expect(sessionCookies('id', { ...hostOnly, cookieSecure: false })).toEqual([
      'session_id=id; Path=/; Max-Age=60; HttpOnly; SameSite=Lax',
    ]);
  });

  it('are cleared with an empty value and Max-Age=0', () => {
    expect(clearedSessionCookies(hostOnly)).toEqual([
      'session_id=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    ]);
  });

  it('carry Domain when a cookie domain is set, and remove the host-only cookie of before', () => {
    expect(sessionCookies('id', onDomain)).toEqual([
      'session_id=id; Path=/; Domain=example.com; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
      'session_id=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    ]);
    // A cookie is removed only by a Set-Cookie with its own Domain: the clear names it too.
    expect(clearedSessionCookies(onDomain)).toEqual([
      'session_id=; Path=/; Domain=example.com; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
      'session_id=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    ]);
  });
});
