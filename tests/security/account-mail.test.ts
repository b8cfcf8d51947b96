// Issue 19: the account controls that go through a mailbox (verifying the address, changing it),
// through the routes as Lambda runs them, with a real SES v2 emulator for the mails.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { EmailVerification } from '../../lib/auth/email-verification';
import { recordAuthEventsInto, type AuthEvent } from '../../lib/auth/events';
import { Registration } from '../../lib/auth/registration';
import { MailUnavailable } from '../../lib/platform/aws-errors';
import { authorizerHandler } from '../../lib/http/authorizer';
import type { LambdaHandler } from '../../lib/http/lambda';
import type { Env } from '../../lib/platform/config';
import { SesMailer } from '../../lib/platform/mailer';
import {
  config,
  db,
  documentClient,
  dynamodbEndpoint,
  handlerFor,
  testEnv,
  usersTable,
} from '../support/app';
import { itemsForEmail } from '../support/table-contents';
import { freshEmail, ManualClock, strongPassword } from '../support/auth';
import { authorizerEvent, httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { definitionOf } from '../support/routes';
import { bodyOf } from '../support/responses';
import { startSesEmulator, type SesEmulator, type StoredMail } from '../support/ses-emulator';

const mail: SesEmulator = await startSesEmulator();
const mailEnv: Env = { MAIL_FROM: 'no-reply@example.com', SES_ENDPOINT: mail.endpoint };

afterAll(async () => {
  await mail.stop();
});

type Form = Record<'email' | 'password', string>;

/** The routes of a stage whose verification mode is `mode`. */
function stage(mode: 'optional' | 'required') {
  const env = { ...mailEnv, EMAIL_VERIFICATION: mode };
  const route = (key: string): LambdaHandler => handlerFor(definitionOf(key), env);
  return {
    register: route('POST /users'),
    login: route('POST /sessions'),
    verify: route('PUT /verify_email'),
    resend: route('POST /verify_email'),
    requestChange: route('POST /email_change'),
    confirmChange: route('PUT /email_change'),
    requestReset: route('POST /reset_password'),
    authorize: authorizerHandler(testEnv(env)),
  };
}

/** The token a link in the last mail to `to` carries as the query parameter `name`. */
async function tokenMailed(to: string, name: string): Promise<string> {
  const mails = await mail.mailsTo(to);
  const text = mails.at(-1)?.body.text ?? '';
  const token = new RegExp(`[?&]${name}=([0-9a-f-]{36})`, 'u').exec(text)?.[1];
  if (token === undefined) throw new Error(`no ${name} in the last mail to ${to}`);
  return token;
}

const withCookie = (sessionId: string): EventOptions => ({ cookies: [`session_id=${sessionId}`] });

describe('email verification, required', () => {
  const routes = stage('required');

  async function registered(): Promise<Form> {
    const form = { email: freshEmail(), password: strongPassword() };
    const answer = await routes.register(httpEvent('POST', '/users', { form }));
    expect(bodyOf(answer)).toEqual({ email: form.email, message: 'user created' });
    return form;
  }

  it('refuses a login until the link is followed, then logs in', async () => {
    // prepare
    const form = await registered();
    const token = await tokenMailed(form.email, 'verification_token');
    // act + assess: unverified
    const refused = await routes.login(httpEvent('POST', '/sessions', { form }));
    expect([refused.statusCode, bodyOf(refused), sessionCookieOf(refused)]).toEqual([
      403,
      { message: 'email not verified' },
      undefined,
    ]);
    // a wrong password still says only that
    const wrong = await routes.login(
      httpEvent('POST', '/sessions', { form: { ...form, password: 'nope' } }),
    );
    expect(wrong.statusCode).toBe(401);
    // the link
    const verified = await routes.verify(
      httpEvent('PUT', '/verify_email', {
        form: { email: form.email, verification_token: token },
      }),
    );
    expect([verified.statusCode, bodyOf(verified)]).toEqual([
      200,
      { email: form.email, message: 'email verified' },
    ]);
    const loggedIn = await routes.login(httpEvent('POST', '/sessions', { form }));
    expect(loggedIn.statusCode).toBe(200);
    const decision = await routes.authorize(
      authorizerEvent('GET', '/whoami', withCookie(sessionCookieOf(loggedIn) ?? '')),
    );
    expect(decision).toMatchObject({ isAuthorized: true, context: { emailVerified: 'true' } });
  });

  it('refuses a wrong, used or other address token with 403', async () => {
    const form = await registered();
    const other = await registered();
    const token = await tokenMailed(form.email, 'verification_token');
    const put = (email: string, verification_token: string) =>
      routes.verify(httpEvent('PUT', '/verify_email', { form: { email, verification_token } }));
    expect((await put(other.email, token)).statusCode).toBe(403);
    expect((await put(form.email, crypto.randomUUID())).statusCode).toBe(403);
    expect((await put(form.email, 'not-a-token')).statusCode).toBe(403);
    expect((await put(form.email, token)).statusCode).toBe(200);
    const used = await put(form.email, token);
    expect([used.statusCode, bodyOf(used), used.headers?.['X-Error-Code']]).toEqual([
      403,
      { message: 'verification token is invalid or expired' },
      'invalid_verification_token',
    ]);
  });

  it('sends a new link on request, the same answer for every address, at most one mail a minute', async () => {
    const form = await registered();
    const resend = (email: string) =>
      routes.resend(httpEvent('POST', '/verify_email', { form: { email } }));
    const known = await resend(form.email);
    const unknown = await resend(freshEmail());
    expect(known.body).toBe(unknown.body);
    expect([known.statusCode, unknown.statusCode]).toEqual([200, 200]);
    // the registration's mail was sent a moment ago: no second one within the minute
    expect(await mail.mailsTo(form.email)).toHaveLength(1);
  });

  it('mails again after the minute, and only the newest link works', async () => {
    // prepare: the rules on a clock of their own
    const clock = new ManualClock(Date.now());
    const verification = new EmailVerification(
      db,
      { emailVerification: 'required' },
      new SesMailer({
        ...config,
        ...mailEnv,
        sesEndpoint: mail.endpoint,
        mailFrom: 'no-reply@example.com',
      }),
      clock.now,
    );
    const form = await registered();
    const first = await tokenMailed(form.email, 'verification_token');
    // act
    await verification.resend(form.email);
    clock.advanceSeconds(61);
    await verification.resend(form.email);
    await verification.resend(form.email);
    // assess
    const mails: StoredMail[] = await mail.mailsTo(form.email);
    expect(mails).toHaveLength(2);
    const second = await tokenMailed(form.email, 'verification_token');
    expect(second).not.toBe(first);
    await expect(verification.verify(form.email, first)).rejects.toThrow(/invalid or expired/u);
    await expect(verification.verify(form.email, second)).resolves.toMatchObject({
      email_verified: true,
    });
  });

  it('registers even when the mail cannot be sent, counting the failure; the resend is the way on', async () => {
    const failing = {
      sendVerification: () => Promise.reject(new MailUnavailable(new Error('SES is down'))),
    };
    const registration = new Registration(
      db,
      config,
      new EmailVerification(db, { emailVerification: 'required' }, failing),
    );
    const events: AuthEvent[] = [];
    const email = freshEmail();
    await recordAuthEventsInto(events, () => registration.registerUser(email, strongPassword()));
    expect(events).toEqual(['user_registered', 'mail_failed']);
    expect(await db.findUserBy({ email })).toMatchObject({ email_verified: false });
  });

  it('expires a link after 24 hours', async () => {
    const clock = new ManualClock(Date.now());
    const form = await registered();
    const token = await tokenMailed(form.email, 'verification_token');
    const verification = new EmailVerification(
      db,
      { emailVerification: 'required' },
      new SesMailer({ ...config, sesEndpoint: mail.endpoint, mailFrom: 'no-reply@example.com' }),
      clock.now,
    );
    clock.advanceSeconds(24 * 3600 + 1);
    await expect(verification.verify(form.email, token)).rejects.toThrow(/invalid or expired/u);
  });
});

describe('email verification, required, for accounts that proved their address otherwise', () => {
  const routes = stage('required');
  const byMail = (key: string) =>
    handlerFor(definitionOf(key), {
      ...mailEnv,
      EMAIL_VERIFICATION: 'required',
      RESET_DELIVERY: 'email',
      RESET_URL: 'https://auth.example.com/account/reset-password',
    });
  const requestReset = byMail('POST /reset_password');
  const resetPassword = byMail('PUT /reset_password');

  it('logs in a user stored before verification existed (no flag): no owner is locked out by the upgrade', async () => {
    // prepare: a user as an earlier version stored it
    const form = { email: freshEmail(), password: strongPassword() };
    await routes.register(httpEvent('POST', '/users', { form }));
    const { id } = await db.findUserBy({ email: form.email });
    await documentClient.send(
      new UpdateCommand({
        TableName: usersTable,
        Key: { id },
        UpdateExpression: 'REMOVE email_verified',
      }),
    );
    // act
    const answer = await routes.login(httpEvent('POST', '/sessions', { form }));
    // assess
    expect(answer.statusCode).toBe(200);
    const decision = await routes.authorize(
      authorizerEvent('GET', '/whoami', withCookie(sessionCookieOf(answer) ?? '')),
    );
    expect(decision).toMatchObject({ context: { emailVerified: 'true' } });
  });

  it('counts a password reset through a mailed token as a verification', async () => {
    const form = { email: freshEmail(), password: strongPassword() };
    await routes.register(httpEvent('POST', '/users', { form }));
    await requestReset(httpEvent('POST', '/reset_password', { form: { email: form.email } }));
    const reset_token = await tokenMailed(form.email, 'reset_token');
    const password = strongPassword();
    const reset = await resetPassword(
      httpEvent('PUT', '/reset_password', {
        form: { email: form.email, reset_token, new_password: password },
      }),
    );
    expect(reset.statusCode).toBe(200);
    const answer = await routes.login(
      httpEvent('POST', '/sessions', { form: { ...form, password } }),
    );
    expect(answer.statusCode).toBe(200);
  });
});

describe('email verification, optional', () => {
  const routes = stage('optional');

  it('logs in before verifying, and the live session learns of the verification', async () => {
    const form = { email: freshEmail(), password: strongPassword() };
    await routes.register(httpEvent('POST', '/users', { form }));
    const loggedIn = await routes.login(httpEvent('POST', '/sessions', { form }));
    expect(loggedIn.statusCode).toBe(200);
    const session = withCookie(sessionCookieOf(loggedIn) ?? '');
    const whoami = () => routes.authorize(authorizerEvent('GET', '/whoami', session));
    expect(await whoami()).toMatchObject({ context: { emailVerified: 'false' } });
    const token = await tokenMailed(form.email, 'verification_token');
    await routes.verify(
      httpEvent('PUT', '/verify_email', { json: { email: form.email, verification_token: token } }),
    );
    expect(await whoami()).toMatchObject({ context: { emailVerified: 'true' } });
  });
});

describe('email change', () => {
  const routes = stage('optional');

  async function loggedIn(): Promise<Form & { sessionId: string }> {
    const form = { email: freshEmail(), password: strongPassword() };
    await routes.register(httpEvent('POST', '/users', { form }));
    const answer = await routes.login(httpEvent('POST', '/sessions', { form }));
    return { ...form, sessionId: sessionCookieOf(answer) ?? '' };
  }

  const request = (sessionId: string, form: Record<string, string>) =>
    routes.requestChange(httpEvent('POST', '/email_change', { ...withCookie(sessionId), form }));
  const confirm = (sessionId: string, token: string) =>
    routes.confirmChange(
      httpEvent('PUT', '/email_change', { ...withCookie(sessionId), form: { token } }),
    );
  const login = (form: Form) => routes.login(httpEvent('POST', '/sessions', { form }));

  it('changes the address only once the new one confirms; the old one works until then', async () => {
    // prepare
    const user = await loggedIn();
    const newEmail = freshEmail();
    // act: the request
    const requested = await request(user.sessionId, {
      password: user.password,
      new_email: newEmail,
    });
    expect([requested.statusCode, bodyOf(requested)]).toEqual([
      200,
      { message: 'confirmation sent' },
    ]);
    // assess: the old address logs in and gets reset tokens; the new one does not log in yet
    expect((await login(user)).statusCode).toBe(200);
    expect((await login({ ...user, email: newEmail })).statusCode).toBe(401);
    const reset = await routes.requestReset(
      httpEvent('POST', '/reset_password', { form: { email: user.email } }),
    );
    expect(reset.statusCode).toBe(200);
    // the old address is told, with the new one masked
    const notice = (await mail.mailsTo(user.email)).at(-1);
    expect(notice?.body.text).not.toContain(newEmail);
    // act: the confirmation
    const token = await tokenMailed(newEmail, 'token');
    const changed = await confirm(user.sessionId, token);
    expect([changed.statusCode, bodyOf(changed)]).toEqual([
      200,
      { email: newEmail, message: 'email changed' },
    ]);
    // assess: only the new address logs in; the session carries it, verified
    expect((await login(user)).statusCode).toBe(401);
    expect((await login({ ...user, email: newEmail })).statusCode).toBe(200);
    const decision = await routes.authorize(
      authorizerEvent('GET', '/whoami', withCookie(user.sessionId)),
    );
    expect(decision).toMatchObject({ context: { email: newEmail, emailVerified: 'true' } });
    // the token works once
    expect((await confirm(user.sessionId, token)).statusCode).toBe(403);
  });

  it('refuses a wrong password (401), a taken address (400) and no session (403)', async () => {
    const user = await loggedIn();
    const other = await loggedIn();
    const wrong = await request(user.sessionId, { password: 'nope', new_email: freshEmail() });
    expect([wrong.statusCode, bodyOf(wrong)]).toEqual([401, { message: 'wrong password' }]);
    const taken = await request(user.sessionId, {
      password: user.password,
      new_email: other.email,
    });
    expect([taken.statusCode, bodyOf(taken)]).toEqual([
      400,
      { message: 'email already registered' },
    ]);
    const invalid = await request(user.sessionId, { password: user.password, new_email: 'nope' });
    expect(invalid.statusCode).toBe(400);
    const anonymous = await routes.requestChange(
      httpEvent('POST', '/email_change', {
        form: { password: user.password, new_email: freshEmail() },
      }),
    );
    expect(anonymous.statusCode).toBe(403);
  });

  it("refuses another user's token", async () => {
    const user = await loggedIn();
    const other = await loggedIn();
    const newEmail = freshEmail();
    await request(user.sessionId, { password: user.password, new_email: newEmail });
    const token = await tokenMailed(newEmail, 'token');
    const answer = await confirm(other.sessionId, token);
    expect([answer.statusCode, answer.headers?.['X-Error-Code']]).toEqual([
      403,
      'invalid_email_change_token',
    ]);
  });

  it('leaves exactly one account with the address when a registration races the confirmation', async () => {
    for (let round = 0; round < 5; round++) {
      // prepare
      const user = await loggedIn();
      const { id } = await db.findUserBy({ email: user.email });
      const newEmail = freshEmail();
      await request(user.sessionId, { password: user.password, new_email: newEmail });
      const token = await tokenMailed(newEmail, 'token');
      // act
      const [confirmed, registered] = await Promise.all([
        confirm(user.sessionId, token),
        routes.register(
          httpEvent('POST', '/users', { form: { email: newEmail, password: strongPassword() } }),
        ),
      ]);
      // assess: one of the two has it; the loser is told the address is taken
      const statuses = [confirmed.statusCode, registered.statusCode].sort();
      expect(statuses).toEqual([200, 400]);
      const loser = confirmed.statusCode === 400 ? confirmed : registered;
      expect(bodyOf(loser)).toEqual({ message: 'email already registered' });
      expect(await itemsForEmail(dynamodbEndpoint, usersTable, newEmail)).toEqual({
        users: 1,
        guard: true,
      });
      const original = await db.findUserBy({ id });
      expect(original).toMatchObject({
        email: confirmed.statusCode === 200 ? newEmail : user.email,
        pending_email: null,
      });
    }
  });
});
