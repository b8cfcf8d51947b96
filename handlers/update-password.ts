import { passwordResetServices } from '../lib/auth/password-resets';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** PUT /reset_password */
export const route = defineRoute({
  services: passwordResetServices,
  handle:
    ({ passwordResets, config }) =>
    async (event) => {
      const fields = await readFields(
        event,
        ['email', 'reset_token', 'new_password'],
        config.maxBodyBytes,
      );
      await passwordResets.updatePassword(fields.reset_token, fields.new_password, fields.email);
      // The email as sent, as Flask echoes the form field.
      return json(200, { email: fields.email, message: 'Password updated' });
    },
});
