import { passwordChangeServices } from '../lib/auth/password-changes';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** PUT /password: the caller's new password, given the current one. */
export const route = defineRoute({
  services: passwordChangeServices,
  handle:
    ({ passwordChanges, config }) =>
    async (event) => {
      const fields = await readFields(event, ['password', 'new_password'], config.maxBodyBytes);
      const user = await passwordChanges.change(
        presentedSessionId(event),
        fields.password,
        fields.new_password,
      );
      return json(200, { email: user.email, message: 'Password updated' });
    },
});
