/**
 * Credentialed CORS for the origins the stage names (`ALLOWED_ORIGINS`), and for no other: by
 * default no answer carries an `Access-Control-Allow-*` header, so a page on another origin can
 * neither read an answer nor send a preflighted request with the user's cookie. It is done here
 * rather than in API Gateway's CORS settings, which would take OPTIONS away from the $default route
 * and cannot be switched off by an empty list; so `npm start` and a deployed stage run one code.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Config } from '../platform/config';
import { ERROR_HEADERS } from './error-codes';
import { readHeader } from './headers';
import { noContent, type HttpResponse } from './response';

export type CorsSettings = Pick<Config, 'allowedOrigins'>;

const EXPOSED_ERROR_HEADERS = [...Object.values(ERROR_HEADERS), 'Retry-After'].join(', ');

// How long a browser may reuse a preflight's answer (seconds); Chromium caps it at 7200.
const PREFLIGHT_MAX_AGE = '600';

/** The request's Origin when the stage allows it, else undefined. */
function allowedOrigin(event: APIGatewayProxyEventV2, settings: CorsSettings): string | undefined {
  const origin = readHeader(event, 'origin');
  return origin !== undefined && settings.allowedOrigins.includes(origin) ? origin : undefined;
}

/** The answer, with credentialed CORS headers when the request comes from an allowed origin. */
export function withCors(
  response: HttpResponse,
  event: APIGatewayProxyEventV2,
  settings: CorsSettings,
): HttpResponse {
  const origin = allowedOrigin(event, settings);
  if (origin === undefined) return response;
  const isError = response.headers?.[ERROR_HEADERS.code] !== undefined;
  return {
    ...response,
    headers: {
      ...response.headers,
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      // A page of that origin may read an error's code and details, not only its body.
      ...(isError && { 'Access-Control-Expose-Headers': EXPOSED_ERROR_HEADERS }),
    },
  };
}

/**
 * The answer to a CORS preflight from an allowed origin for one of the path's methods (withCors
 * adds the origin); null for any other OPTIONS request, which is then an ordinary one.
 */
export function preflightAnswer(
  event: APIGatewayProxyEventV2,
  methods: readonly string[],
  settings: CorsSettings,
): HttpResponse | null {
  const requested = readHeader(event, 'access-control-request-method');
  if (
    event.requestContext.http.method !== 'OPTIONS' ||
    allowedOrigin(event, settings) === undefined ||
    requested === undefined ||
    !methods.includes(requested)
  ) {
    return null;
  }
  return noContent({
    'Access-Control-Allow-Methods': methods.join(', '),
    // The only header a page sets: Content-Type, for a JSON body.
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
  });
}
