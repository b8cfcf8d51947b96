import { emailChangeServices } from '../lib/auth/email-changes';
import { readConfirmedChange } from '../lib/http/confirmed-change';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** POST /email_change: mails a confirmation link to the caller's new address. */
export const route = defineRoute({
  services: emailChangeServices,
  handle:
    ({ emailChanges, config }) =>
    async (event) => {
      const change = await readConfirmedChange(event, config.maxBodyBytes, ['new_email']);
      await emailChanges.request(change, change.fields.new_email);
      return json(200, { message: 'confirmation sent' });
    },
});
