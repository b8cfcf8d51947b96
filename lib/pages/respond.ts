import type { HttpResponse } from '../http/response';
import { problemPageHtml } from './views';

/**
 * The pages' Content-Security-Policy: everything from this origin only, nothing inline (app.js and
 * style.css are files), no framing by any site (clickjacking), forms posted only here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const COMMON_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // For browsers that predate frame-ancestors.
  'X-Frame-Options': 'DENY',
  // The reset page's address carries the token: no other site may learn it from a Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A page: never cached, since it may show an email or carry a reset token. */
export function htmlPage(
  statusCode: number,
  html: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: {
      ...COMMON_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...headers,
    },
    body: html,
  };
}

/** app.js or style.css: the same for everyone, so browsers may keep it a few minutes. */
export function assetFile(contentType: string, body: string): HttpResponse {
  return {
    statusCode: 200,
    headers: {
      ...COMMON_HEADERS,
      'Content-Type': `${contentType}; charset=utf-8`,
      'Cache-Control': 'public, max-age=300',
    },
    body,
  };
}

/**
 * 303: the browser follows with a GET, so reloading the next page posts nothing again. `location`
 * is relative to the page (`login?notice=...`), so it stays under the pages' base path.
 */
export function seeOther(location: string, cookies?: string[]): HttpResponse {
  return {
    statusCode: 303,
    headers: {
      ...COMMON_HEADERS,
      Location: location,
      // Named, or API Gateway labels the empty body JSON.
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    },
    ...(cookies !== undefined && { cookies }),
  };
}

/** A page name no page has; the forms function answers it too, without carrying the pages' files. */
export const NOT_FOUND = htmlPage(404, problemPageHtml('Page not found', 'There is no such page.'));
