import { accountDeletionServices } from '../lib/auth/account-deletion';
import { clearedSessionCookies, DEVICE_COOKIE, readCookie } from '../lib/http/cookies';
import { FACTOR_FIELDS, factorProof, readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** DELETE /users/me: closes the caller's account, given its password in the body (and a code, with a second factor). */
export const route = defineRoute({
  services: accountDeletionServices,
  handle:
    ({ accountDeletion, config }) =>
    async (event) => {
      const fields = await readFields(event, ['password'], config.maxBodyBytes, FACTOR_FIELDS);
      await accountDeletion.deleteAccount(
        presentedSessionId(event),
        fields.password,
        readCookie(event, DEVICE_COOKIE),
        factorProof(fields),
      );
      return json(200, { message: 'account deleted' }, { cookies: clearedSessionCookies(config) });
    },
});
