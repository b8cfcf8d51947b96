import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Who the caller of a route behind the session authorizer is: what the authorizer puts in its
 * context and API Gateway hands the route as `event.requestContext.authorizer.lambda`. Strings
 * only, so that nothing is lost or retyped on the way: `emailVerified` and `mfa` travel as "true"
 * or "false" (`SessionContext` reads them as booleans).
 */
export interface CarriedSessionContext {
  /** The user's id: stable for the life of the account, the key to store things under. */
  userId: string;
  /** The user's email, trimmed and lower-cased. */
  email: string;
  /** When the session ends, in ISO 8601 (UTC). */
  sessionExpiresAt: string;
  /** Whether the user followed the link mailed to `email`: "true" or "false". */
  emailVerified: 'true' | 'false';
  /** Whether the session's login passed a second factor: "true" or "false". */
  mfa: 'true' | 'false';
}

export type SessionContext = Omit<CarriedSessionContext, 'emailVerified' | 'mfa'> & {
  emailVerified: boolean;
  mfa: boolean;
};

const isFlag = (value: unknown): value is 'true' | 'false' => value === 'true' || value === 'false';

type Carried = Partial<Record<keyof CarriedSessionContext, unknown>>;

/**
 * The caller of a route behind the session authorizer (`authorizer: { name: session }` in
 * serverless.yml). Throws when the event carries no such context: the route is not behind the
 * authorizer, a deployment mistake that must fail loudly (a 500), not serve an anonymous caller.
 */
export function sessionContext(event: APIGatewayProxyEventV2): SessionContext {
  const { authorizer } = event.requestContext as { authorizer?: { lambda?: Carried } };
  const { userId, email, sessionExpiresAt, emailVerified, mfa } = authorizer?.lambda ?? {};
  if (
    typeof userId !== 'string' ||
    typeof email !== 'string' ||
    typeof sessionExpiresAt !== 'string' ||
    !isFlag(emailVerified) ||
    !isFlag(mfa)
  ) {
    throw new Error('no session authorizer context: is the route behind the session authorizer?');
  }
  return {
    userId,
    email,
    sessionExpiresAt,
    emailVerified: emailVerified === 'true',
    mfa: mfa === 'true',
  };
}
