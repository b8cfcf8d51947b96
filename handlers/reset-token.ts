import { resetRequestServices } from '../lib/auth/reset-requests';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** Every caller's answer when tokens go by mail, so the route does not tell who has an account. */
export const RESET_MAIL_SENT = 'if the email is registered, a reset token has been sent to it';

/** POST /reset_password */
export const route = defineRoute({
  services: resetRequestServices,
  handle:
    ({ resetRequests, config }) =>
    async (event) => {
      const { email } = await readFields(event, ['email'], config.maxBodyBytes);
      const outcome = await resetRequests.request(email);
      // The email as sent, as Flask echoes the form field.
      return outcome.delivery === 'response'
        ? json(200, { email, reset_token: outcome.resetToken })
        : json(200, { email, message: RESET_MAIL_SENT });
    },
});
