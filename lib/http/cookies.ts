import type { Config } from '../platform/config';

export const SESSION_COOKIE = 'session_id';

export type CookieSettings = Pick<Config, 'sessionTtlSeconds' | 'cookieSecure'>;

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

function serialise(value: string, maxAgeSeconds: number, settings: CookieSettings): string {
  // HttpOnly: scripts cannot read it; SameSite=Lax: not sent on cross-site POST/PUT/DELETE.
  const attributes = [`Path=/`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (settings.cookieSecure) attributes.push('Secure');
  return [`${SESSION_COOKIE}=${value}`, ...attributes].join('; ');
}

export function sessionCookie(sessionId: string, settings: CookieSettings): string {
  return serialise(sessionId, settings.sessionTtlSeconds, settings);
}

export function clearedSessionCookie(settings: CookieSettings): string {
  return serialise('', 0, settings);
}
