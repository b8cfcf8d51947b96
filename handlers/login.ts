import { config } from '../lib/config';
import { UnauthorizedError } from '../lib/errors';
import { sessionCookie } from '../lib/http/cookies';
import { httpHandler } from '../lib/http/handler';
import { readFields } from '../lib/http/fields';
import { json } from '../lib/http/response';
import { auth } from '../lib/services';

/** POST /sessions */
export const handler = httpHandler('POST /sessions', async (event) => {
  const { email, password } = readFields(event, ['email', 'password']);
  const session = await auth.logIn(email, password);
  if (session === null) throw new UnauthorizedError();
  return json(
    200,
    { email: session.user.email, message: 'logged in' },
    { cookies: [sessionCookie(session.sessionId, config)] },
  );
});
