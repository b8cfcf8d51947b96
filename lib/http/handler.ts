import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { recordAuthEventsInto, type AuthEvent } from '../auth-events';
import { AppError } from '../errors';
import { logger } from '../log';
import { publishRequestMetrics } from '../metrics';
import { json, type HttpResponse } from './response';

export type Route = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<HttpResponse>;

function describe(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack && { stack: error.stack }) }
    : { name: typeof error, message: 'non-error thrown' };
}

/**
 * The one place where a thrown value becomes an answer. An AppError shows its status and public
 * message; anything else is a bug, logged in full and answered with a fixed 500 that reveals
 * nothing.
 */
export function errorResponse(error: unknown, requestId: string): HttpResponse {
  if (error instanceof AppError) {
    if (error.status >= 500) {
      logger.warn('dependency unavailable', {
        request_id: requestId,
        cause: describe(error.cause),
      });
    }
    return json(error.status, { message: error.publicMessage }, { headers: error.headers });
  }
  logger.error('unhandled error', { request_id: requestId, error: describe(error) });
  return json(500, { message: 'internal error' });
}

/**
 * Wraps a route into a Lambda handler: runs it, maps errors, and writes one log line and the
 * metrics of the request.
 */
export function httpHandler(route: string, handle: Route): LambdaHandler {
  return async (event, context) => {
    const started = performance.now();
    const requestId = event.requestContext.requestId;
    const events: AuthEvent[] = [];
    let response: HttpResponse;
    try {
      response = await recordAuthEventsInto(events, () => handle(event));
    } catch (error) {
      response = errorResponse(error, requestId);
    }
    logger.info('request', {
      request_id: requestId,
      ...(context && { lambda_request_id: context.awsRequestId }),
      route,
      status: response.statusCode,
      latency_ms: Math.round((performance.now() - started) * 10) / 10,
      ...(events.length > 0 && { auth_events: events }),
    });
    publishRequestMetrics(events, response.statusCode);
    return response;
  };
}
