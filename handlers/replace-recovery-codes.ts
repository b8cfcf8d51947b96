import { secondFactorSetupServices } from '../lib/auth/second-factor-setup';
import { readConfirmedChange } from '../lib/http/confirmed-change';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** POST /mfa/recovery_codes: a new set of recovery codes, given the password and a code. */
export const route = defineRoute({
  services: secondFactorSetupServices,
  handle:
    ({ secondFactorSetup, config }) =>
    async (event) => {
      const change = await readConfirmedChange(event, config.maxBodyBytes);
      const codes = await secondFactorSetup.replaceRecoveryCodes(change);
      return json(200, { message: 'recovery codes replaced', recovery_codes: codes });
    },
});
