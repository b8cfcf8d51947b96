import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { compose } from '../app';
import { sessionLookupServices } from '../auth/session-lookup';
import type { Env } from '../platform/config';
import type { StoredSession } from '../store/session';
import { serialiseError } from './lambda';
import { presentedSessionId } from './session-credential';
import type { CarriedSessionContext } from './session-context';

/** What the authorizer needs of the auth rules: the session rules of `GET /profile`. */
export interface SessionReader {
  liveSession(sessionId: string | null | undefined): Promise<StoredSession | null>;
}

export type AuthorizerResult =
  | APIGatewaySimpleAuthorizerResult
  | APIGatewaySimpleAuthorizerWithContextResult<CarriedSessionContext>;

export type SessionAuthorizer = (
  event: APIGatewayRequestAuthorizerEventV2,
) => Promise<AuthorizerResult>;

export type AuthorizerLambda = (
  event: APIGatewayRequestAuthorizerEventV2,
  context?: Context,
) => Promise<AuthorizerResult>;

/**
 * The session authorizer's decision: allow a request that presents a live session, with who the
 * caller is as its context, and deny every other (API Gateway then answers 403). A storage failure
 * is thrown, not denied: the caller is not logged out, the service is unavailable (API Gateway
 * answers 500 and the request may be retried).
 */
export function sessionAuthorizer(sessions: SessionReader): SessionAuthorizer {
  return async (event) => {
    const session = await sessions.liveSession(presentedSessionId(event));
    if (session === null) return { isAuthorized: false };
    return {
      isAuthorized: true,
      context: {
        userId: session.user_id,
        email: session.email,
        sessionExpiresAt: new Date(session.expires_at).toISOString(),
        emailVerified: session.email_verified ? 'true' : 'false',
        // How this session logged in: another API may demand a second factor.
        mfa: session.mfa ? 'true' : 'false',
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
