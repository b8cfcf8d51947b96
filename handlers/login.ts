import { loginServices } from '../lib/auth/logins';
import { sessionCookies } from '../lib/http/cookies';
import { readFields } from '../lib/http/fields';
import { readHeader } from '../lib/http/headers';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** POST /sessions */
export const route = defineRoute({
  services: loginServices,
  handle:
    ({ logins, config }) =>
    async (event) => {
      const { email, password } = await readFields(
        event,
        ['email', 'password'],
        config.maxBodyBytes,
      );
      const device = readHeader(event, 'user-agent');
      const { sessionId } = await logins.logIn(email, password, device);
      // The email as sent, as Flask echoes the form field; the store keeps its canonical form.
      return json(
        200,
        { email, message: 'logged in' },
        { cookies: sessionCookies(sessionId, config) },
      );
    },
});
