import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { preflightAnswer, type CorsSettings } from './cors';
import { errorJson } from './error-answers';
import type { HttpResponse } from './response';

/** Whether a route's path matches the request's; a `{parameter}` segment matches any one segment. */
function matches(routePath: string, path: string): boolean {
  const routeSegments = routePath.split('/');
  const segments = path.split('/');
  return (
    routeSegments.length === segments.length &&
    routeSegments.every(
      (segment, i) => segment === segments[i] || (/^\{\w+\}$/u.test(segment) && segments[i] !== ''),
    )
  );
}

/**
 * The answer to a request that no route matches (API Gateway's $default route): 404 for an
 * unknown path, 405 with `Allow` for another method on a known one, or a CORS preflight's answer.
 * Always the service's own JSON, never the gateway's or the emulator's page.
 */
export function unmatchedAnswer(
  event: APIGatewayProxyEventV2,
  routeKeys: readonly string[],
  settings: CorsSettings,
): HttpResponse {
  const path = event.requestContext.http.path;
  // A path can match several routes with one method (`/sessions/others` and `/sessions/{id}`).
  const methods = [
    ...new Set(
      routeKeys
        .map((key) => key.split(' '))
        .filter(([, routePath = '']) => matches(routePath, path))
        .map(([method = '']) => method),
    ),
  ];
  if (methods.length === 0) {
    return errorJson({ status: 404, code: 'not_found', message: 'no such route' });
  }
  return (
    preflightAnswer(event, methods, settings) ??
    errorJson({
      status: 405,
      code: 'method_not_allowed',
      message: 'method not allowed',
      headers: { Allow: methods.join(', ') },
    })
  );
}
