import { sessionServices } from '../lib/auth/sessions';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** DELETE /sessions/others: ends every session of the caller's but the one it came with. */
export const route = defineRoute({
  services: sessionServices,
  handle:
    ({ sessions }) =>
    async (event) => {
      const ended = await sessions.endOthers(presentedSessionId(event));
      return json(200, { message: 'other sessions ended', ended });
    },
});
