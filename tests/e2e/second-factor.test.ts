// Issue 20 through `npm start`: a second factor enrolled, then logins with a code and with a
// recovery code, each step right after the last, with the functions' DynamoDB behind indexes that
// lag as AWS's do.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOTP_PERIOD_SECONDS } from '../../lib/auth/totp';
import { freshEmail, strongPassword } from '../support/auth';
import { AWS_LIKE_LAG_MS } from '../support/lagging-dynamodb';
import { jsonApi } from '../support/json-api';
import { startLocalService, type LocalService } from '../support/local-service';

describe('a second factor through `npm start`, indexes lagging 1 s', () => {
  let service: LocalService;

  beforeAll(async () => {
    service = await startLocalService({}, { lagMs: AWS_LIKE_LAG_MS });
  });

  afterAll(async () => {
    await service.stop();
  });

  const call = (...args: Parameters<ReturnType<typeof jsonApi>>) =>
    jsonApi(service.baseUrl)(...args);

  /** The code an authenticator app shows, `steps` time steps from now. */
  const codeOf = (secret: string, steps = 0) =>
    generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * TOTP_PERIOD_SECONDS });

  it('enrols, logs out, logs in with a code and a recovery code; a replay and a reset get nowhere', async () => {
    const email = freshEmail();
    const password = strongPassword();
    expect((await call('POST', '/users', { email, password })).status).toBe(200);
    const first = (await call('POST', '/sessions', { email, password })).sessionId ?? '';

    // enrol: the secret, then the first code turns it on and shows the recovery codes
    const enrol = await call('POST', '/mfa/totp', { password }, first);
    expect(enrol.status).toBe(200);
    const secret = enrol.body.secret as string;
    const confirm = await call('PUT', '/mfa/totp', { code: await codeOf(secret) }, first);
    expect(confirm.status).toBe(200);
    const recoveryCodes = confirm.body.recovery_codes as string[];
    expect(recoveryCodes).toHaveLength(10);
    // log out, as the seed does: the cookie, and a redirect
    const logout = await fetch(new URL('/sessions', service.baseUrl), {
      method: 'DELETE',
      headers: { Cookie: `session_id=${first}` },
      redirect: 'manual',
    });
    expect(logout.status).toBe(302);
    expect((await call('GET', '/profile', undefined, first)).status).toBe(403);

    // the password alone: a challenge and no cookie
    const challenged = await call('POST', '/sessions', { email, password });
    expect([challenged.status, challenged.code, challenged.sessionId]).toEqual([
      401,
      'mfa_required',
      undefined,
    ]);
    // the next step's code (the first one's step is spent; one step of drift is accepted)
    const code = await codeOf(secret, 1);
    const second = await call('POST', '/sessions/mfa', {
      mfa_token: challenged.body.mfa_token,
      code,
    });
    expect([second.status, second.body]).toEqual([200, { email, message: 'logged in' }]);
    const whoami = await call('GET', '/whoami', undefined, second.sessionId);
    expect(whoami.body).toMatchObject({ email, mfa: true });

    // the same code again, on a new challenge: refused
    const again = await call('POST', '/sessions', { email, password });
    const replay = await call('POST', '/sessions/mfa', { mfa_token: again.body.mfa_token, code });
    expect([replay.status, replay.code]).toEqual([401, 'invalid_mfa_code']);

    // a recovery code, once
    const [recovery_code = ''] = recoveryCodes;
    const byRecovery = await call('POST', '/sessions/mfa', {
      mfa_token: again.body.mfa_token,
      recovery_code,
    });
    expect([byRecovery.status, byRecovery.body.recovery_codes_remaining]).toEqual([200, 9]);
    const third = await call('POST', '/sessions', { email, password });
    const spent = await call('POST', '/sessions/mfa', {
      mfa_token: third.body.mfa_token,
      recovery_code,
    });
    expect([spent.status, spent.code]).toEqual([401, 'invalid_mfa_code']);

    // a password reset keeps the factor: the new password still asks for a code
    const asked = await call('POST', '/reset_password', { email });
    const newPassword = strongPassword();
    const reset = await call('PUT', '/reset_password', {
      email,
      reset_token: asked.body.reset_token,
      new_password: newPassword,
    });
    expect(reset.status).toBe(200);
    const afterReset = await call('POST', '/sessions', { email, password: newPassword });
    expect([afterReset.status, afterReset.code, afterReset.sessionId]).toEqual([
      401,
      'mfa_required',
      undefined,
    ]);
  });
});
