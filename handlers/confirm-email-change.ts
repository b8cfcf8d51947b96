import { emailChangeServices } from '../lib/auth/email-changes';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** PUT /email_change: the link mailed to the new address, followed by its user. */
export const route = defineRoute({
  services: emailChangeServices,
  handle:
    ({ emailChanges, config }) =>
    async (event) => {
      const { token } = await readFields(event, ['token'], config.maxBodyBytes);
      const email = await emailChanges.confirm(presentedSessionId(event), token);
      return json(200, { email, message: 'email changed' });
    },
});
