import { secondFactorSetupServices } from '../lib/auth/second-factor-setup';
import { readConfirmedChange } from '../lib/http/confirmed-change';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** DELETE /mfa/totp: turns the second factor off, given the password and a code. */
export const route = defineRoute({
  services: secondFactorSetupServices,
  handle:
    ({ secondFactorSetup, config }) =>
    async (event) => {
      await secondFactorSetup.disable(await readConfirmedChange(event, config.maxBodyBytes));
      return json(200, { message: 'two-factor disabled' });
    },
});
