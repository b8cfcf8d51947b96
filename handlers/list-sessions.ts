import { sessionServices } from '../lib/auth/sessions';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** GET /sessions: the caller's live sessions, newest first. */
export const route = defineRoute({
  services: sessionServices,
  handle:
    ({ sessions }) =>
    async (event) =>
      json(200, { sessions: await sessions.list(presentedSessionId(event)) }),
});
