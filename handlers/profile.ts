import { ForbiddenError } from '../lib/errors';
import { readCookie, SESSION_COOKIE } from '../lib/http/cookies';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/response';
import { auth } from '../lib/services';
import { publicProfile } from '../lib/user';

/** GET /profile */
export const handler = httpHandler('GET /profile', async (event) => {
  const user = await auth.getUserFromSessionId(readCookie(event, SESSION_COOKIE));
  if (user === null) throw new ForbiddenError('no live session');
  return json(200, publicProfile(user));
});
