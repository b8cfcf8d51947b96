import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { RequestError } from './errors';
import { readHeader } from './headers';

// GET and HEAD change nothing, so a cross-site link or image may still reach them.
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A browser sent a state-changing request from a page of another origin (403). */
export class CrossSiteRequest extends RequestError {
  constructor() {
    super('cross-site request refused');
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    // "null" (sandboxed frames, privacy redirects) or garbage: no origin we can trust.
    return false;
  }
}

/**
 * Whether a browser sent this state-changing request from a page of another origin. SameSite=Lax
 * keeps the session cookie off such requests, but not a login: a page elsewhere could post the
 * attacker's credentials and the browser would keep the answer's cookie (login CSRF). The rule is
 * Go's `http.CrossOriginProtection`: browsers mark each request with `Sec-Fetch-Site` (or, older
 * ones, `Origin`); a request with neither mark comes from no browser (curl, the Flask clients)
 * and cannot carry a victim's cookies, so it passes unchanged. The stage's `trustedOrigins` (its
 * CORS allowlist, ALLOWED_ORIGINS) pass as Go's AddTrustedOrigin lets them: their pages are meant
 * to call the API.
 */
export function isCrossSite(
  event: APIGatewayProxyEventV2,
  trustedOrigins: readonly string[] = [],
): boolean {
  if (!STATE_CHANGING.has(event.requestContext.http.method.toUpperCase())) return false;
  const origin = readHeader(event, 'origin');
  if (origin !== undefined && trustedOrigins.includes(origin)) return false;
  const fetchSite = readHeader(event, 'sec-fetch-site');
  // "none": the person did it themselves (address bar, bookmark); "same-site" is another origin
  // (a sibling subdomain), which may well be someone else's.
  if (fetchSite !== undefined) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  if (origin === undefined) return false;
  return !sameHost(origin, readHeader(event, 'host') ?? event.requestContext.domainName);
}

/** Throws CrossSiteRequest for a cross-site state-changing request, before any route reads it. */
export function refuseCrossSite(
  event: APIGatewayProxyEventV2,
  trustedOrigins: readonly string[] = [],
): void {
  if (isCrossSite(event, trustedOrigins)) throw new CrossSiteRequest();
}
