import { secondFactorSetupServices } from '../lib/auth/second-factor-setup';
import { DEVICE_COOKIE, readCookie } from '../lib/http/cookies';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';
import { presentedSessionId } from '../lib/http/session-credential';

/** POST /mfa/totp: a new TOTP secret for the caller, pending its first code. */
export const route = defineRoute({
  services: secondFactorSetupServices,
  handle:
    ({ secondFactorSetup, config }) =>
    async (event) => {
      const { password } = await readFields(event, ['password'], config.maxBodyBytes);
      const enrolment = await secondFactorSetup.enrol(
        presentedSessionId(event),
        password,
        readCookie(event, DEVICE_COOKIE),
      );
      return json(200, enrolment);
    },
});
