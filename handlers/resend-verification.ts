import { emailVerificationServices } from '../lib/auth/email-verification';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/**
 * POST /verify_email: another verification mail. The same answer for every address, so it tells
 * nobody who has an account; no session needed (a `required` stage gives an unverified user none).
 */
export const route = defineRoute({
  services: emailVerificationServices,
  handle:
    ({ emailVerification, config }) =>
    async (event) => {
      const { email } = await readFields(event, ['email'], config.maxBodyBytes);
      await emailVerification.resend(email);
      return json(200, {
        message: 'if the address has an unverified account, a mail is on its way',
      });
    },
});
