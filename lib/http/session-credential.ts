import { readCookie, SESSION_COOKIE, type CookieSource } from './cookies';
import { readHeader, type HeaderSource } from './headers';

// RFC 9110: the scheme is case-insensitive; the session id is one token after it.
const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/iu;

/**
 * The session id a request presents: `Authorization: Bearer <id>` when an Authorization header is
 * sent (clients that are not browsers), else the `session_id` cookie. A request whose Authorization
 * header is anything else presents nothing, even with a cookie: it said which credential it meant.
 * The session authorizer and the session routes read it alike.
 */
export function presentedSessionId(event: HeaderSource & CookieSource): string | undefined {
  const authorization = readHeader(event, 'authorization');
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1];
  return readCookie(event, SESSION_COOKIE);
}
