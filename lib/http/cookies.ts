import type { Config } from '../platform/config';

export const SESSION_COOKIE = 'session_id';

export type CookieSettings = Pick<Config, 'sessionTtlSeconds' | 'cookieSecure' | 'cookieDomain'>;

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

function serialise(
  value: string,
  maxAgeSeconds: number,
  settings: CookieSettings,
  domain: string | undefined,
): string {
  // HttpOnly: scripts cannot read it; SameSite=Lax: not sent on cross-site POST/PUT/DELETE.
  const attributes = [
    `Path=/`,
    ...(domain === undefined ? [] : [`Domain=${domain}`]),
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (settings.cookieSecure) attributes.push('Secure');
  return [`${SESSION_COOKIE}=${value}`, ...attributes].join('; ');
}

/**
 * With a cookie domain, the host-only cookie a browser may still hold from before it was set is
 * removed too: a browser holding both sends the older first, which readCookie would read, so a
 * stale one would hide every later login from this host.
 */
function withoutHostOnly(cookie: string, settings: CookieSettings): string[] {
  return settings.cookieDomain === undefined
    ? [cookie]
    : [cookie, serialise('', 0, settings, undefined)];
}

/** The Set-Cookie values of a login: the session cookie (on the cookie domain when set). */
export function sessionCookies(sessionId: string, settings: CookieSettings): string[] {
  const cookie = serialise(sessionId, settings.sessionTtlSeconds, settings, settings.cookieDomain);
  return withoutHostOnly(cookie, settings);
}

/** The Set-Cookie values that remove the session cookie, with the Domain it was set with. */
export function clearedSessionCookies(settings: CookieSettings): string[] {
  return withoutHostOnly(serialise('', 0, settings, settings.cookieDomain), settings);
}
