import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { compose, type Platform, type ServiceBuilder } from '../app';
import { recordAuthEventsInto, type AuthEvent } from '../auth/events';
import { DependencyUnavailable } from '../platform/aws-errors';
import type { Env } from '../platform/config';
import { REQUEST_MESSAGE, type RequestLog } from '../platform/local-log-format';
import type { Logger } from '../platform/logger';
import type { ErrorKind } from '../platform/metrics';
import { withCors } from './cors';
import { refuseCrossSite } from './csrf';
import { errorJson, INTERNAL_ERROR, knownAnswer, type ErrorAnswer } from './error-answers';
import type { HttpResponse } from './response';

/** A route as API Gateway names it: method and path, e.g. `GET /profile`, or its catch-all. */
export type RouteKey = `${'GET' | 'POST' | 'PUT' | 'DELETE'} /${string}` | '$default';

/** Answers one request of a route, with the services the route was built with. */
export type RequestHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<HttpResponse>;

/**
 * A route: the services it runs, and how it answers a request with them. Its key, and everything
 * else about how it is deployed, is its entry in handlers/table.ts.
 */
export interface RouteDefinition<S> {
  services: ServiceBuilder<S>;
  handle: (app: Platform & S) => RequestHandler;
  /**
   * How the route answers an error that it, or its limits (a client over its budget), let
   * through; unset, the JSON answer of errorResponse. The pages' forms answer a page instead. A
   * cross-site request is refused before the route, with the JSON answer, whatever the route.
   */
  answerError?: (app: Platform & S) => ErrorHandler;
}

/** Answers a request with the error it met. */
export type ErrorHandler = (
  error: unknown,
  event: APIGatewayProxyEventV2,
) => Promise<HttpResponse> | HttpResponse;

/**
 * What the route table (handlers/table.ts) says that a route's handler itself enforces. Each
 * route's generated Lambda entry applies its own (deploy/route-resources.ts), with `withLimits`
 * (lib/http/client-budget.ts) where there are any, so that a function without them bundles none
 * of their code.
 */
export interface RouteLimits {
  /**
   * Each client address spends one of its attempts per minute before the route runs: on the
   * routes that check or set a password or send a mail.
   */
  clientBudget: boolean;
}

/** Spelled out so the compiler infers the services' type from the builder. */
export function defineRoute<S>(route: RouteDefinition<S>): RouteDefinition<S> {
  return route;
}

/** What the logs may hold of an error: its kind, message and stack, never its other fields. */
export function serialiseError(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack && { stack: error.stack }) }
    : { name: typeof error, message: 'non-error thrown' };
}

function errorKind(status: number): ErrorKind | null {
  if (status === 503) return 'storage_unavailable';
  if (status >= 500) return 'internal_error';
  if (status >= 400) return 'client_error';
  return null;
}

/**
 * The one place where a thrown value becomes an answer: what lib/http/error-answers.ts says for a
 * known error; for anything else, a bug, a fixed 500 that reveals nothing, and the details logged.
 * The pages' forms (lib/pages) describe the same answer to a person instead of sending it as JSON.
 */
export function answerFor(error: unknown, requestId: string, logger: Logger): ErrorAnswer {
  const known = knownAnswer(error);
  if (known === null) {
    logger.error('unhandled error', { request_id: requestId, error: serialiseError(error) });
    return INTERNAL_ERROR;
  }
  if (error instanceof DependencyUnavailable) {
    logger.warn('dependency unavailable', {
      request_id: requestId,
      cause: serialiseError(error.cause),
    });
  }
  return known;
}

/** The JSON answer to a thrown value (see answerFor). */
export function errorResponse(error: unknown, requestId: string, logger: Logger): HttpResponse {
  return errorJson(answerFor(error, requestId, logger));
}

/**
 * The Lambda handler of a route: composes its services from `env` once (at cold start), then for
 * each request refuses a cross-site browser request that changes state, runs the route, maps
 * errors, and writes one log line and the request's metrics. `now`: the clock of its rules.
 */
export function lambdaHandler<S>(
  env: Env,
  route: RouteDefinition<S>,
  now?: () => number,
): LambdaHandler {
  const app = compose(env, route.services, now);
  const handle = route.handle(app);
  const ownAnswer = route.answerError?.(app);
  return async (event, context) => {
    const started = performance.now();
    const requestId = event.requestContext.requestId;
    const events: AuthEvent[] = [];
    let response: HttpResponse;
    let errorName: string | undefined;
    // Whether the request got past the cross-site check to the route (and its limits).
    const reached = { route: false };
    try {
      response = await recordAuthEventsInto(events, () => {
        refuseCrossSite(event, app.config.allowedOrigins);
        reached.route = true;
        return handle(event);
      });
    } catch (error) {
      errorName = serialiseError(error).name;
      response =
        reached.route && ownAnswer !== undefined
          ? await ownAnswer(error, event)
          : errorResponse(error, requestId, app.logger);
    }
    response = withCors(response, event, app.config);
    const line: RequestLog = {
      request_id: requestId,
      ...(context && { lambda_request_id: context.awsRequestId }),
      route: event.routeKey,
      status: response.statusCode,
      latency_ms: Math.round((performance.now() - started) * 10) / 10,
      ...(events.length > 0 && { auth_events: events }),
      ...(errorName !== undefined && { error_name: errorName }),
    };
    app.logger.info(REQUEST_MESSAGE, line);
    app.metrics.publish(events, errorKind(response.statusCode));
    return response;
  };
}
