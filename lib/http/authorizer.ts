import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { compose } from '../app';
import { sessionLookupServices } from '../auth/session-lookup';
import type { Env } from '../platform/config';
import type { User } from '../store/user';
import { readCookie, SESSION_COOKIE } from './cookies';
import { readHeader } from './headers';
import { serialiseError } from './lambda';
import type { SessionContext } from './session-context';

/** What the authorizer needs of the auth rules: the session rules of `GET /profile`. */
export interface SessionReader {
  getUserFromSessionId(sessionId: string | null | undefined): Promise<User | null>;
}

export type AuthorizerResult =
  APIGatewaySimpleAuthorizerResult | APIGatewaySimpleAuthorizerWithContextResult<SessionContext>;

export type SessionAuthorizer = (
  event: APIGatewayRequestAuthorizerEventV2,
) => Promise<AuthorizerResult>;

export type AuthorizerLambda = (
  event: APIGatewayRequestAuthorizerEventV2,
  context?: Context,
) => Promise<AuthorizerResult>;

// RFC 9110: the scheme is case-insensitive; the session id is one token after it.
const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/iu;

/**
 * The session id a request presents: `Authorization: Bearer <id>` when an Authorization header is
 * sent (clients that are not browsers), else the `session_id` cookie. A request whose Authorization
 * header is anything else presents nothing, even with a cookie: it said which credential it meant.
 */
export function presentedSessionId(event: APIGatewayRequestAuthorizerEventV2): string | undefined {
  const authorization = readHeader(event, 'authorization');
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1];
  return readCookie(event, SESSION_COOKIE);
}

/**
 * The session authorizer's decision: allow a request that presents a live session, with who the
 * caller is as its context, and deny every other (API Gateway then answers 403). A storage failure
 * is thrown, not denied: the caller is not logged out, the service is unavailable (API Gateway
 * answers 500 and the request may be retried).
 */
export function sessionAuthorizer(sessions: SessionReader): SessionAuthorizer {
  return async (event) => {
    const user = await sessions.getUserFromSessionId(presentedSessionId(event));
    if (user === null || user.session_expires_at === null) return { isAuthorized: false };
    return {
      isAuthorized: true,
      context: {
        userId: user.id,
        email: user.email,
        sessionExpiresAt: new Date(user.session_expires_at).toISOString(),
      },
    };
  };
}

/**
 * The session authorizer's Lambda handler: composed once from `env` at cold start over the
 * read-only `SessionLookup`, it writes one log line per decision (never the session id) and logs
 * a failure before API Gateway turns it into a 500.
 */
export function authorizerHandler(env: Env): AuthorizerLambda {
  const { sessions, logger } = compose(env, sessionLookupServices);
  const authorize = sessionAuthorizer(sessions);
  return async (event, context) => {
    const started = performance.now();
    const line = {
      request_id: event.requestContext.requestId,
      ...(context && { lambda_request_id: context.awsRequestId }),
      route: event.routeKey,
    };
    try {
      const result = await authorize(event);
      logger.info('authorization', {
        ...line,
        authorized: result.isAuthorized,
        latency_ms: Math.round((performance.now() - started) * 10) / 10,
      });
      return result;
    } catch (error) {
      logger.error('authorizer failed', { ...line, error: serialiseError(error) });
      throw error;
    }
  };
}
