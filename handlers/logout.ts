import { sessionServices } from '../lib/auth/sessions';
import { clearedSessionCookies, readCookie, SESSION_COOKIE } from '../lib/http/cookies';
import { defineRoute } from '../lib/http/lambda';
import { redirect } from '../lib/http/response';

/** DELETE /sessions */
export const route = defineRoute({
  services: sessionServices,
  handle:
    ({ sessions, config }) =>
    async (event) => {
      await sessions.logOut(readCookie(event, SESSION_COOKIE));
      return redirect('/', { message: 'logged out' }, { cookies: clearedSessionCookies(config) });
    },
});
