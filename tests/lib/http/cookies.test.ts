import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, readCookie, sessionCookie } from '../../../lib/http/cookies';
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
  it('are HttpOnly, SameSite=Lax, Path=/ with the session lifetime, and Secure when set', () => {
    expect(sessionCookie('id', { sessionTtlSeconds: 60, cookieSecure: true })).toBe(
      'session_id=id; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
    );
    expect(sessionCookie('id', { sessionTtlSeconds: 60, cookieSecure: false })).not.toContain(
      'Secure',
    );
  });

  it('are cleared with an empty value and Max-Age=0', () => {
    expect(clearedSessionCookie({ sessionTtlSeconds: 60, cookieSecure: true })).toMatch(
      /^session_id=; Path=\/; Max-Age=0; HttpOnly/u,
    );
  });
});
