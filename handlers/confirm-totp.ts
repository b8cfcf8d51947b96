import { secondFactorSetupServices } from '../lib/auth/second-factor-setup';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** PUT /mfa/totp: turns the pending secret on with its first code; the recovery codes, once. */
export const route = defineRoute({
  services: secondFactorSetupServices,
  handle:
    ({ secondFactorSetup, config }) =>
    async (event) => {
      const { code } = await readFields(event, ['code'], config.maxBodyBytes);
      const codes = await secondFactorSetup.confirm(presentedSessionId(event), code);
      return json(200, { message: 'two-factor enabled', recovery_codes: codes });
    },
});
