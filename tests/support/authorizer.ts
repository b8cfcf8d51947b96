import type { SessionAuthorizer } from '../../lib/http/authorizer';
import type { LambdaHandler } from '../../lib/http/lambda';
import type { HttpResponse } from '../../lib/http/response';
import { authorizerEvent } from './events';

function gatewayAnswer(statusCode: number, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message }),
  };
}

/**
 * API Gateway's own answers for a route behind a Lambda authorizer (an HTTP API cannot change
 * them): 403 when the authorizer denies, 500 when it fails. Written down from the deployed
 * behaviour (shared/STACK.md); npm start answers a deny with the same body, plus the service's
 * headers (local/hapi-edge.ts), and an authorizer's failure with a 403 too.
 */
export const GATEWAY_FORBIDDEN = gatewayAnswer(403, 'Forbidden');
export const GATEWAY_ERROR = gatewayAnswer(500, 'Internal Server Error');

/**
 * A route behind the authorizer, run as API Gateway runs it: the authorizer first, with the
 * request's headers and cookies; on a deny or a failure API Gateway's answer, on an allow the route
 * with the authorizer's context in `requestContext.authorizer.lambda`.
 */
export function behindAuthorizer(
  authorize: SessionAuthorizer,
  route: LambdaHandler,
): LambdaHandler {
  return async (event, context) => {
    const request = authorizerEvent(event.requestContext.http.method, event.rawPath, {
      headers: event.headers as Record<string, string>,
      ...(event.cookies !== undefined && { cookies: event.cookies }),
    });
    let result: Awaited<ReturnType<SessionAuthorizer>>;
    try {
      result = await authorize(request);
    } catch {
      return GATEWAY_ERROR;
    }
    if (!result.isAuthorized) return GATEWAY_FORBIDDEN;
    const lambda = 'context' in result ? result.context : {};
    const requestContext = { ...event.requestContext, authorizer: { lambda } };
    return route({ ...event, requestContext }, context);
  };
}
