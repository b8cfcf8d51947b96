import { sessionServices } from '../lib/auth/sessions';
import { readCookie, SESSION_COOKIE } from '../lib/http/cookies';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { publicProfile } from '../lib/store/user';

/** GET /profile */
export const route = defineRoute({
  services: sessionServices,
  handle:
    ({ sessions }) =>
    async (event) => {
      // The session item carries its user's current email: one read answers.
      const session = await sessions.current(readCookie(event, SESSION_COOKIE));
      return json(200, publicProfile(session));
    },
});
