import { loginServices } from '../../lib/auth/logins';
import { sessionCookie } from '../../lib/http/cookies';
import { readFields } from '../../lib/http/fields';
import { defineRoute } from '../../lib/http/lambda';
import { json } from '../../lib/http/response';

/** POST /sessions */
export const route = defineRoute({
  key: 'POST /sessions',
  services: loginServices,
  handle:
    ({ logins, config }) =>
    async (event) => {
      const { email, password } = readFields(event, ['email', 'password'], config.maxBodyBytes);
      const { user, sessionId } = await logins.logIn(email, password);
      return json(
        200,
        { email: user.email, message: 'logged in' },
        { cookies: [sessionCookie(sessionId, config)] },
      );
    },
});
