import type { Config } from '../platform/config';

export const SESSION_COOKIE = 'session_id';

/** The device cookie (lib/auth/device-cookies.ts): which account this browser logged in to. */
export const DEVICE_COOKIE = 'device';

export type CookieSettings = Pick<Config, 'sessionTtlSeconds' | 'cookieSecure' | 'cookieDomain'>;

export type DeviceCookieSettings = Pick<Config, 'deviceCookieTtlSeconds' | 'cookieSecure'>;

/** What cookies are read from: a route's event or a Lambda authorizer's. */
export interface CookieSource {
  /** The Cookie header's pairs: HTTP APIs pass them here, not as a header. */
  cookies?: string[];
}

function cookiePairs(event: CookieSource): string[] {
  return (event.cookies ?? []).flatMap((c) => c.split(';'));
}

/** The first value of the named cookie, as browsers send the most specific one first. */
export function readCookie(event: CookieSource, name: string): string | undefined {
  for (const pair of cookiePairs(event)) {
    const separator = pair.indexOf('=');
    if (separator === -1 || pair.slice(0, separator).trim() !== name) continue;
    return pair
      .slice(separator + 1)
      .trim()
      .replace(/^"(.*)"$/u, '$1');
  }
  return undefined;
}

/**
 * One Set-Cookie value, with the attributes every cookie of the service has. HttpOnly: scripts
 * cannot read it; SameSite=Lax: not sent on cross-site POST/PUT/DELETE; Secure but locally.
 * Host-only unless `domain` is given.
 */
function serialise(
  name: string,
  value: string,
  maxAgeSeconds: number,
  settings: Pick<Config, 'cookieSecure'>,
  domain?: string,
): string {
  const attributes = [
    `Path=/`,
    ...(domain === undefined ? [] : [`Domain=${domain}`]),
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (settings.cookieSecure) attributes.push('Secure');
  return [`${name}=${value}`, ...attributes].join('; ');
}

/**
 * With a cookie domain, the host-only cookie a browser may still hold from before it was set is
 * removed too: a browser holding both sends the older first, which readCookie would read, so a
 * stale one would hide every later login from this host.
 */
function withoutHostOnly(cookie: string, settings: CookieSettings): string[] {
  return settings.cookieDomain === undefined
    ? [cookie]
    : [cookie, serialise(SESSION_COOKIE, '', 0, settings)];
}

/** The Set-Cookie values of a new session: its cookie (on the cookie domain when set). */
export function sessionCookies(sessionId: string, settings: CookieSettings): string[] {
  const { sessionTtlSeconds, cookieDomain } = settings;
  const cookie = serialise(SESSION_COOKIE, sessionId, sessionTtlSeconds, settings, cookieDomain);
  return withoutHostOnly(cookie, settings);
}

/** The Set-Cookie values that remove the session cookie, with the Domain it was set with. */
export function clearedSessionCookies(settings: CookieSettings): string[] {
  const cookie = serialise(SESSION_COOKIE, '', 0, settings, settings.cookieDomain);
  return withoutHostOnly(cookie, settings);
}

/**
 * A login's device cookie: long lived, and kept by a logout (it is not a session). Host-only even
 * with a cookie domain: only this service reads it, so the domain's other hosts are never sent it.
 */
export function deviceCookie(value: string, settings: DeviceCookieSettings): string {
  return serialise(DEVICE_COOKIE, value, settings.deviceCookieTtlSeconds, settings);
}

/** The Set-Cookie values of a login: its session, and the device cookie it earned, if any. */
export function loginCookies(
  loggedIn: { sessionId: string; deviceCookie?: string },
  settings: CookieSettings & DeviceCookieSettings,
): string[] {
  const cookies = sessionCookies(loggedIn.sessionId, settings);
  if (loggedIn.deviceCookie !== undefined) {
    cookies.push(deviceCookie(loggedIn.deviceCookie, settings));
  }
  return cookies;
}
