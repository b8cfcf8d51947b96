import { mfaLoginServices } from '../lib/auth/mfa-logins';
import { loginCookies } from '../lib/http/cookies';
import { FACTOR_FIELDS, proofOf } from '../lib/http/confirmed-change';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** POST /sessions/mfa: a login's second step, its challenge completed by a code. */
export const route = defineRoute({
  services: mfaLoginServices,
  handle:
    ({ mfaLogins, config }) =>
    async (event) => {
      const fields = await readFields(event, ['mfa_token'], config.maxBodyBytes, FACTOR_FIELDS);
      const loggedIn = await mfaLogins.complete(fields.mfa_token, proofOf(fields));
      const { spent, user } = loggedIn;
      return json(
        200,
        {
          email: user.email,
          message: 'logged in',
          ...(spent.by === 'recovery_code' && { recovery_codes_remaining: spent.remaining }),
        },
        { cookies: loginCookies(loggedIn, config) },
      );
    },
});
