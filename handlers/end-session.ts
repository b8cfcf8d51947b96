import { sessionServices } from '../lib/auth/sessions';
import { clearedSessionCookies } from '../lib/http/cookies';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** DELETE /sessions/{id}: ends one of the caller's sessions by its handle. */
export const route = defineRoute({
  services: sessionServices,
  handle:
    ({ sessions, config }) =>
    async (event) => {
      const handle = event.pathParameters?.id ?? '';
      const wasCurrent = await sessions.endByHandle(presentedSessionId(event), handle);
      // Ending the session the request came with is a logout: its cookie goes too.
      const extras = wasCurrent ? { cookies: clearedSessionCookies(config) } : {};
      return json(200, { message: 'session ended' }, extras);
    },
});
