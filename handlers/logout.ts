import { config } from '../lib/config';
import { ForbiddenError } from '../lib/errors';
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from '../lib/http/cookies';
import { httpHandler } from '../lib/http/handler';
import { redirect } from '../lib/http/response';
import { auth } from '../lib/services';

/** DELETE /sessions */
export const handler = httpHandler('DELETE /sessions', async (event) => {
  const loggedOut = await auth.logOut(readCookie(event, SESSION_COOKIE));
  if (!loggedOut) throw new ForbiddenError('no live session');
  return redirect('/', { message: 'logged out' }, { cookies: [clearedSessionCookie(config)] });
});
