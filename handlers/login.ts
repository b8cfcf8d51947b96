import { loginServices } from '../lib/auth/logins';
import { DEVICE_COOKIE, loginCookies, readCookie } from '../lib/http/cookies';
import { readFields } from '../lib/http/fields';
import { readHeader } from '../lib/http/headers';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { secondFactorRequired } from '../lib/http/second-factor-answers';

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
      const loggedIn = await logins.logIn(
        email,
        password,
        readHeader(event, 'user-agent'),
        readCookie(event, DEVICE_COOKIE),
      );
      if ('mfaToken' in loggedIn) return secondFactorRequired(loggedIn.mfaToken);
      // The email as sent, as Flask echoes the form field; the store keeps its canonical form.
      return json(
        200,
        { email, message: 'logged in' },
        { cookies: loginCookies(loggedIn, config) },
      );
    },
});
