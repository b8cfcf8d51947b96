import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { sessionContext } from '../lib/http/session-context';

/**
 * GET /whoami, behind the session authorizer: who the caller is, whether their email is verified,
 * whether this session's login passed a second factor, and when the session ends.
 * Written as any route of yours would be: API Gateway runs the authorizer first, so a request that
 * reaches this code has a live session, and `sessionContext` says whose. It needs no services.
 */
export const route = defineRoute({
  services: () => ({}),
  handle: () => (event) => {
    const { userId, email, sessionExpiresAt, emailVerified, mfa } = sessionContext(event);
    return Promise.resolve(json(200, { userId, email, sessionExpiresAt, emailVerified, mfa }));
  },
});
