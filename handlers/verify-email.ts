import { emailVerificationServices } from '../lib/auth/email-verification';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** PUT /verify_email: the link of the verification mail, followed. No session needed. */
export const route = defineRoute({
  services: emailVerificationServices,
  handle:
    ({ emailVerification, config }) =>
    async (event) => {
      const fields = await readFields(event, ['email', 'verification_token'], config.maxBodyBytes);
      const user = await emailVerification.verify(fields.email, fields.verification_token);
      return json(200, { email: user.email, message: 'email verified' });
    },
});
