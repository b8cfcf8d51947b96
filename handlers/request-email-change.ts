import { emailChangeServices } from '../lib/auth/email-changes';
import { DEVICE_COOKIE, readCookie } from '../lib/http/cookies';
import { FACTOR_FIELDS, factorProof, readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** POST /email_change: mails a confirmation link to the caller's new address. */
export const route = defineRoute({
  services: emailChangeServices,
  handle:
    ({ emailChanges, config }) =>
    async (event) => {
      const fields = await readFields(
        event,
        ['password', 'new_email'],
        config.maxBodyBytes,
        FACTOR_FIELDS,
      );
      await emailChanges.request(
        presentedSessionId(event),
        fields.password,
        fields.new_email,
        readCookie(event, DEVICE_COOKIE),
        factorProof(fields),
      );
      return json(200, { message: 'confirmation sent' });
    },
});
