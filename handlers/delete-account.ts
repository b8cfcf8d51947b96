import { accountDeletionServices } from '../lib/auth/account-deletion';
import { readConfirmedChange } from '../lib/http/confirmed-change';
import { clearedSessionCookies } from '../lib/http/cookies';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/**
 * DELETE /users/me: closes the caller's account, given its password in the body (and a code,
 * with a second factor).
 */
export const route = defineRoute({
  services: accountDeletionServices,
  handle:
    ({ accountDeletion, config }) =>
    async (event) => {
      await accountDeletion.deleteAccount(await readConfirmedChange(event, config.maxBodyBytes));
      return json(200, { message: 'account deleted' }, { cookies: clearedSessionCookies(config) });
    },
});
