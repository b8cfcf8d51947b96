import { accountDeletionServices } from '../lib/auth/account-deletion';
import { clearedSessionCookies } from '../lib/http/cookies';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** DELETE /users/me: closes the caller's account, given its password in the body. */
export const route = defineRoute({
  services: accountDeletionServices,
  handle:
    ({ accountDeletion, config }) =>
    async (event) => {
      const { password } = await readFields(event, ['password'], config.maxBodyBytes);
      await accountDeletion.deleteAccount(presentedSessionId(event), password);
      return json(200, { message: 'account deleted' }, { cookies: clearedSessionCookies(config) });
    },
});
