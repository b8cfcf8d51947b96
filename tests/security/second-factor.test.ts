// Issue 20: a second factor (TOTP) with recovery codes, through the routes as Lambda runs them,
// every route on one clock the test moves by hand.
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { authorizerHandler } from '../../lib/http/authorizer';
import { CHALLENGE_TTL_MS } from '../../lib/auth/logins';
import { handlerFor, testEnv } from '../support/app';
import { MfaCodeRequired } from '../../lib/auth/errors';
import { authWith, freshEmail, ManualClock, strongPassword } from '../support/auth';
import { authorizerEvent, httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { bodyOf } from '../support/responses';
import { definitionOf } from '../support/routes';

type Account = Record<'email' | 'password', string>;
type Answer = Awaited<ReturnType<ReturnType<typeof handlerFor>>>;

/**
 * The routes on a clock of their own. `overrides`: settings of the test environment; the
 * account lock is out of the way unless a test brings it back, so that the challenge's own
 * limit shows.
 */
function service(overrides: Record<string, string> = { LOGIN_MAX_FAILURES: '50' }) {
  // From the real time: the session authorizer, which has its own clock, reads the sessions too.
  const clock = new ManualClock(Date.now());
  const route = (key: string) => handlerFor(definitionOf(key), overrides, clock.now);
  const routes = {
    register: route('POST /users'),
    login: route('POST /sessions'),
    loginMfa: route('POST /sessions/mfa'),
    profile: route('GET /profile'),
    enrol: route('POST /mfa/totp'),
    confirm: route('PUT /mfa/totp'),
    disable: route('DELETE /mfa/totp'),
    newCodes: route('POST /mfa/recovery_codes'),
    deleteMe: route('DELETE /users/me'),
    emailChange: route('POST /email_change'),
    requestReset: route('POST /reset_password'),
    reset: route('PUT /reset_password'),
  };

  const withCookie = (sessionId: string, form?: Record<string, string>): EventOptions => ({
    cookies: [`session_id=${sessionId}`],
    ...(form && { form }),
  });

  /** The code an authenticator app shows for `secret`, `offsetSeconds` from the clock's now. */
  const codeOf = (secret: string, offsetSeconds = 0) =>
    generate({ secret, epoch: Math.floor(clock.now() / 1000) + offsetSeconds });

  async function account(): Promise<Account> {
    const form = { email: freshEmail(), password: strongPassword() };
    expect((await routes.register(httpEvent('POST', '/users', { form }))).statusCode).toBe(200);
    return form;
  }

  const logIn = (form: Account) => routes.login(httpEvent('POST', '/sessions', { form }));

  async function sessionOf(form: Account): Promise<string> {
    const answer = await logIn(form);
    expect(answer.statusCode).toBe(200);
    return sessionCookieOf(answer) ?? '';
  }

  /** An account with a second factor: its secret, recovery codes and the session that set it. */
  async function enrolled() {
    const form = await account();
    const sessionId = await sessionOf(form);
    const enrol = await routes.enrol(
      httpEvent('POST', '/mfa/totp', withCookie(sessionId, { password: form.password })),
    );
    expect(enrol.statusCode).toBe(200);
    const { secret } = bodyOf(enrol) as { secret: string };
    const confirm = await routes.confirm(
      httpEvent('PUT', '/mfa/totp', withCookie(sessionId, { code: await codeOf(secret) })),
    );
    expect(confirm.statusCode).toBe(200);
    const { recovery_codes } = bodyOf(confirm) as { recovery_codes: string[] };
    // The next step: the code that confirmed is spent for its own.
    clock.advanceSeconds(30);
    return { form, secret, recoveryCodes: recovery_codes, sessionId };
  }

  /** The challenge token of a login with the right password. */
  async function challenge(form: Account): Promise<string> {
    const answer = await logIn(form);
    expect(answer.statusCode).toBe(401);
    return (bodyOf(answer) as { mfa_token: string }).mfa_token;
  }

  const secondStep = (form: Record<string, string>) =>
    routes.loginMfa(httpEvent('POST', '/sessions/mfa', { form }));

  const profileStatus = async (sessionId: string) =>
    (await routes.profile(httpEvent('GET', '/profile', withCookie(sessionId)))).statusCode;

  return {
    clock,
    routes,
    withCookie,
    codeOf,
    account,
    logIn,
    sessionOf,
    enrolled,
    challenge,
    secondStep,
    profileStatus,
  };
}

const errorCodeOf = (answer: Answer) => answer.headers?.['X-Error-Code'];

describe('enrolling a second factor', () => {
  it('shows a secret and its otpauth URI for the password, then turns on with a first code', async () => {
    // prepare: two devices logged in
    const s = service();
    const form = await s.account();
    const laptop = await s.sessionOf(form);
    const phone = await s.sessionOf(form);
    // act
    const enrol = await s.routes.enrol(
      httpEvent('POST', '/mfa/totp', s.withCookie(laptop, { password: form.password })),
    );
    const { secret, otpauth_uri } = bodyOf(enrol) as Record<string, string>;
    const confirm = await s.routes.confirm(
      httpEvent('PUT', '/mfa/totp', s.withCookie(laptop, { code: await s.codeOf(secret ?? '') })),
    );
    // assess
    expect(enrol.statusCode).toBe(200);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/u);
    expect(otpauth_uri).toBe(
      `otpauth://totp/your%20account:${encodeURIComponent(form.email)}?secret=${secret}&issuer=your%20account`,
    );
    expect(confirm.statusCode).toBe(200);
    const body = bodyOf(confirm) as { message: string; recovery_codes: string[] };
    expect(body.message).toBe('two-factor enabled');
    expect(body.recovery_codes).toHaveLength(10);
    expect(new Set(body.recovery_codes).size).toBe(10);
    for (const code of body.recovery_codes) expect(code).toMatch(/^([a-z2-7]{4}-){5}[a-z2-7]{4}$/u);
    // ASVS 7.4.3: the other sessions end; the one that enrolled stays
    expect([await s.profileStatus(laptop), await s.profileStatus(phone)]).toEqual([200, 403]);
  });

  it('refuses a wrong password (counted), no session, a wrong first code and a second enrolment', async () => {
    const s = service();
    const form = await s.account();
    const sessionId = await s.sessionOf(form);
    const enrol = (password: string, id = sessionId) =>
      s.routes.enrol(httpEvent('POST', '/mfa/totp', s.withCookie(id, { password })));
    // a wrong password: 401, and nothing pending to confirm
    const wrong = await enrol(strongPassword());
    expect([wrong.statusCode, errorCodeOf(wrong)]).toEqual([401, 'wrong_password']);
    const unstarted = await s.routes.confirm(
      httpEvent('PUT', '/mfa/totp', s.withCookie(sessionId, { code: '123456' })),
    );
    expect([unstarted.statusCode, errorCodeOf(unstarted)]).toEqual([409, 'mfa_enrolment_missing']);
    // no session
    expect((await enrol(form.password, 'not-a-session')).statusCode).toBe(403);
    // a wrong first code leaves it off
    const { secret } = bodyOf(await enrol(form.password)) as { secret: string };
    const badCode = await s.routes.confirm(
      httpEvent('PUT', '/mfa/totp', s.withCookie(sessionId, { code: await s.codeOf(secret, 90) })),
    );
    expect([badCode.statusCode, errorCodeOf(badCode)]).toEqual([401, 'invalid_mfa_code']);
    expect((await s.logIn(form)).statusCode).toBe(200);
    // once on, enrolling again is refused: it would replace the factor with the password alone
    await s.routes.confirm(
      httpEvent('PUT', '/mfa/totp', s.withCookie(sessionId, { code: await s.codeOf(secret) })),
    );
    const again = await enrol(form.password);
    expect([again.statusCode, errorCodeOf(again)]).toEqual([409, 'mfa_already_enabled']);
  });

  it('lets a pending enrolment expire after ten minutes', async () => {
    const s = service();
    const form = await s.account();
    const sessionId = await s.sessionOf(form);
    const enrol = await s.routes.enrol(
      httpEvent('POST', '/mfa/totp', s.withCookie(sessionId, { password: form.password })),
    );
    const { secret } = bodyOf(enrol) as { secret: string };
    s.clock.advanceSeconds(10 * 60 + 1);
    const late = await s.routes.confirm(
      httpEvent('PUT', '/mfa/totp', s.withCookie(sessionId, { code: await s.codeOf(secret) })),
    );
    expect([late.statusCode, errorCodeOf(late)]).toEqual([409, 'mfa_enrolment_missing']);
  });
});

describe('logging in with a second factor', () => {
  it('asks for the code after the password, with no cookie, then logs in with it', async () => {
    // prepare
    const s = service();
    const { form, secret } = await s.enrolled();
    // act
    const first = await s.logIn(form);
    const { mfa_token } = bodyOf(first) as { mfa_token: string };
    const second = await s.secondStep({ mfa_token, code: await s.codeOf(secret) });
    // assess: the first step is a 401 with a token and no cookie
    expect(first.statusCode).toBe(401);
    expect(bodyOf(first)).toEqual({ message: 'second factor required', mfa_token });
    expect(errorCodeOf(first)).toBe('mfa_required');
    expect(first.cookies ?? []).toEqual([]);
    // ... the second, the seed's login answer and cookie; the authorizer says mfa: true
    expect(second.statusCode).toBe(200);
    expect(bodyOf(second)).toEqual({ email: form.email, message: 'logged in' });
    const sessionId = sessionCookieOf(second) ?? '';
    expect(await s.profileStatus(sessionId)).toBe(200);
    const authorize = authorizerHandler(testEnv());
    const decision = await authorize(
      authorizerEvent('GET', '/whoami', { cookies: [`session_id=${sessionId}`] }),
    );
    expect(decision).toMatchObject({ isAuthorized: true, context: { mfa: 'true' } });
  });

  it('refuses a replayed code, and a challenge used once already', async () => {
    const s = service();
    const { form, secret } = await s.enrolled();
    const code = await s.codeOf(secret);
    const token = await s.challenge(form);
    expect((await s.secondStep({ mfa_token: token, code })).statusCode).toBe(200);
    // the same code on a new challenge, within its window
    const replay = await s.secondStep({ mfa_token: await s.challenge(form), code });
    expect([replay.statusCode, errorCodeOf(replay)]).toEqual([401, 'invalid_mfa_code']);
    // the used challenge, with the next step's code
    s.clock.advanceSeconds(30);
    const reused = await s.secondStep({ mfa_token: token, code: await s.codeOf(secret) });
    expect([reused.statusCode, errorCodeOf(reused)]).toEqual([401, 'invalid_mfa_token']);
  });

  it.each([
    [-30, 200],
    [30, 200],
    [-90, 401],
    [90, 401],
  ])('a code from a clock %i s off: %i', async (offset, status) => {
    const s = service();
    const { form, secret } = await s.enrolled();
    // Two steps on, so that a code from a step before is still after the last one accepted.
    s.clock.advanceSeconds(60);
    const answer = await s.secondStep({
      mfa_token: await s.challenge(form),
      code: await s.codeOf(secret, offset),
    });
    expect(answer.statusCode).toBe(status);
  });

  it('ends the challenge after five wrong codes, and after five minutes', async () => {
    const s = service();
    const { form, secret } = await s.enrolled();
    const token = await s.challenge(form);
    const wrong = String((Number(await s.codeOf(secret)) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) {
      const answer = await s.secondStep({ mfa_token: token, code: wrong });
      expect([answer.statusCode, errorCodeOf(answer)]).toEqual([401, 'invalid_mfa_code']);
    }
    const sixth = await s.secondStep({ mfa_token: token, code: await s.codeOf(secret) });
    expect([sixth.statusCode, errorCodeOf(sixth)]).toEqual([401, 'invalid_mfa_token']);
    // a fresh challenge, answered too late
    const late = await s.challenge(form);
    s.clock.advanceSeconds(CHALLENGE_TTL_MS / 1000 + 1);
    const expired = await s.secondStep({ mfa_token: late, code: await s.codeOf(secret) });
    expect([expired.statusCode, errorCodeOf(expired)]).toEqual([401, 'invalid_mfa_token']);
  });

  it('counts wrong codes toward the account lock, as wrong passwords', async () => {
    // the default lock: five failures. The right password counted one; four wrong codes lock.
    const s = service({});
    const { form, secret } = await s.enrolled();
    const token = await s.challenge(form);
    for (let i = 0; i < 4; i++) {
      expect((await s.secondStep({ mfa_token: token, code: '000000' })).statusCode).toBe(401);
    }
    const locked = await s.secondStep({ mfa_token: token, code: await s.codeOf(secret) });
    expect([locked.statusCode, errorCodeOf(locked)]).toEqual([429, 'account_locked']);
    expect((await s.logIn(form)).statusCode).toBe(429);
  });

  it('takes each recovery code once, and says how many remain', async () => {
    const s = service();
    const { form, recoveryCodes } = await s.enrolled();
    const [code = ''] = recoveryCodes;
    // As people copy them: upper case, spaces for hyphens.
    const typed = code.toUpperCase().replaceAll('-', ' ');
    const used = await s.secondStep({ mfa_token: await s.challenge(form), recovery_code: typed });
    expect(used.statusCode).toBe(200);
    expect(bodyOf(used)).toEqual({
      email: form.email,
      message: 'logged in',
      recovery_codes_remaining: 9,
    });
    const again = await s.secondStep({ mfa_token: await s.challenge(form), recovery_code: code });
    expect([again.statusCode, errorCodeOf(again)]).toEqual([401, 'invalid_mfa_code']);
  });

  it('needs a code or a recovery code, and a token', async () => {
    const s = service();
    const { form } = await s.enrolled();
    const token = await s.challenge(form);
    const none = await s.secondStep({ mfa_token: token });
    expect([none.statusCode, errorCodeOf(none)]).toEqual([401, 'mfa_code_required']);
    const noToken = await s.secondStep({ code: '123456' });
    expect([noToken.statusCode, errorCodeOf(noToken)]).toEqual([400, 'field_missing']);
    const forged = await s.secondStep({ mfa_token: 'forged', code: '123456' });
    expect([forged.statusCode, errorCodeOf(forged)]).toEqual([401, 'invalid_mfa_token']);
  });

  it('a login without a second factor answers as the seed did; the authorizer says mfa: false', async () => {
    const s = service();
    const form = await s.account();
    const answer = await s.logIn(form);
    expect(answer.statusCode).toBe(200);
    expect(bodyOf(answer)).toEqual({ email: form.email, message: 'logged in' });
    const authorize = authorizerHandler(testEnv());
    const decision = await authorize(
      authorizerEvent('GET', '/whoami', { cookies: [`session_id=${sessionCookieOf(answer)}`] }),
    );
    expect(decision).toMatchObject({ isAuthorized: true, context: { mfa: 'false' } });
  });
});

describe('the second factor cannot be bypassed', () => {
  it('survives a password reset; a challenge from before the reset dies with the old password', async () => {
    // prepare
    const s = service();
    const { form, secret } = await s.enrolled();
    const before = await s.challenge(form);
    const asked = await s.routes.requestReset(
      httpEvent('POST', '/reset_password', { form: { email: form.email } }),
    );
    const { reset_token } = bodyOf(asked) as { reset_token: string };
    const newPassword = strongPassword();
    // act
    const reset = await s.routes.reset(
      httpEvent('PUT', '/reset_password', {
        form: { email: form.email, reset_token, new_password: newPassword },
      }),
    );
    // assess
    expect(reset.statusCode).toBe(200);
    const stale = await s.secondStep({ mfa_token: before, code: await s.codeOf(secret) });
    expect([stale.statusCode, errorCodeOf(stale)]).toEqual([401, 'invalid_mfa_token']);
    const next = await s.challenge({ email: form.email, password: newPassword });
    expect((await s.secondStep({ mfa_token: next, code: await s.codeOf(secret) })).statusCode).toBe(
      200,
    );
  });

  it("gives the library facade (the seed's validLogin and createSession) no session", async () => {
    const s = service();
    const { form } = await s.enrolled();
    const auth = authWith();
    expect(await auth.validLogin(form.email, form.password)).toBe(true);
    await expect(auth.createSession(form.email)).rejects.toBeInstanceOf(MfaCodeRequired);
    await expect(auth.createSession(form.email)).rejects.toBeInstanceOf(MfaCodeRequired);
    await expect(auth.logins.logIn(form.email, form.password)).rejects.toBeInstanceOf(
      MfaCodeRequired,
    );
  });

  it('asks for a code to change the email or delete the account', async () => {
    const s = service();
    const { form, secret, sessionId } = await s.enrolled();
    const deleteMe = (fields: Record<string, string>) =>
      s.routes.deleteMe(httpEvent('DELETE', '/users/me', s.withCookie(sessionId, fields)));
    const change = await s.routes.emailChange(
      httpEvent(
        'POST',
        '/email_change',
        s.withCookie(sessionId, { password: form.password, new_email: freshEmail() }),
      ),
    );
    expect([change.statusCode, errorCodeOf(change)]).toEqual([401, 'mfa_code_required']);
    const noCode = await deleteMe({ password: form.password });
    expect([noCode.statusCode, errorCodeOf(noCode)]).toEqual([401, 'mfa_code_required']);
    const badCode = await deleteMe({ password: form.password, code: '000000' });
    expect([badCode.statusCode, errorCodeOf(badCode)]).toEqual([401, 'invalid_mfa_code']);
    const deleted = await deleteMe({ password: form.password, code: await s.codeOf(secret) });
    expect(deleted.statusCode).toBe(200);
    expect((await s.logIn(form)).statusCode).toBe(401);
  });
});

describe('managing the second factor', () => {
  it('turns it off with the password and a code; logins then need the password alone', async () => {
    const s = service();
    const { form, secret, sessionId } = await s.enrolled();
    const phone = await s.secondStep({
      mfa_token: await s.challenge(form),
      code: await s.codeOf(secret),
    });
    s.clock.advanceSeconds(30);
    const disable = (fields: Record<string, string>) =>
      s.routes.disable(httpEvent('DELETE', '/mfa/totp', s.withCookie(sessionId, fields)));
    const noCode = await disable({ password: form.password });
    expect([noCode.statusCode, errorCodeOf(noCode)]).toEqual([401, 'mfa_code_required']);
    const wrongPassword = await disable({ password: strongPassword(), code: '000000' });
    expect([wrongPassword.statusCode, errorCodeOf(wrongPassword)]).toEqual([401, 'wrong_password']);
    const off = await disable({ password: form.password, code: await s.codeOf(secret) });
    expect([off.statusCode, bodyOf(off)]).toEqual([200, { message: 'two-factor disabled' }]);
    // the other session ended; logins need the password alone
    expect(await s.profileStatus(sessionCookieOf(phone) ?? '')).toBe(403);
    expect((await s.logIn(form)).statusCode).toBe(200);
    const again = await disable({ password: form.password, code: await s.codeOf(secret) });
    expect([again.statusCode, errorCodeOf(again)]).toEqual([409, 'mfa_not_enabled']);
  });

  it('replaces the recovery codes: the new set works, the old does not', async () => {
    const s = service();
    const { form, recoveryCodes, sessionId } = await s.enrolled();
    const [old = ''] = recoveryCodes;
    const replaced = await s.routes.newCodes(
      httpEvent(
        'POST',
        '/mfa/recovery_codes',
        s.withCookie(sessionId, { password: form.password, recovery_code: recoveryCodes[1] ?? '' }),
      ),
    );
    expect(replaced.statusCode).toBe(200);
    const body = bodyOf(replaced) as { message: string; recovery_codes: string[] };
    expect(body.message).toBe('recovery codes replaced');
    expect(body.recovery_codes).toHaveLength(10);
    const withOld = await s.secondStep({ mfa_token: await s.challenge(form), recovery_code: old });
    expect(withOld.statusCode).toBe(401);
    const withNew = await s.secondStep({
      mfa_token: await s.challenge(form),
      recovery_code: body.recovery_codes[0] ?? '',
    });
    expect(bodyOf(withNew)).toMatchObject({ recovery_codes_remaining: 9 });
  });
});
