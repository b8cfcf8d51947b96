import { secondFactorSetupServices } from '../lib/auth/second-factor-setup';
import { DEVICE_COOKIE, readCookie } from '../lib/http/cookies';
import { FACTOR_FIELDS, factorProof, readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** POST /mfa/recovery_codes: a new set of recovery codes, given the password and a code. */
export const route = defineRoute({
  services: secondFactorSetupServices,
  handle:
    ({ secondFactorSetup, config }) =>
    async (event) => {
      const fields = await readFields(event, ['password'], config.maxBodyBytes, FACTOR_FIELDS);
      const codes = await secondFactorSetup.replaceRecoveryCodes(
        presentedSessionId(event),
        fields.password,
        factorProof(fields),
        readCookie(event, DEVICE_COOKIE),
      );
      return json(200, { message: 'recovery codes replaced', recovery_codes: codes });
    },
});
