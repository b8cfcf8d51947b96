// Issue 19 through `npm start`: every account control, end to end, with the functions' DynamoDB
// behind indexes that lag as AWS's do, and the mails read from a real SES v2 emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_LIKE_LAG_MS } from '../support/lagging-dynamodb';
import { jsonApi } from '../support/json-api';
import { startLocalService, type LocalService } from '../support/local-service';
import { freshEmail, strongPassword } from '../support/auth';
import { startSesEmulator, type SesEmulator } from '../support/ses-emulator';

describe('the account controls through `npm start`, indexes lagging 1 s, verification required', () => {
  let service: LocalService;
  let mail: SesEmulator;

  beforeAll(async () => {
    mail = await startSesEmulator();
    service = await startLocalService(
      {
        EMAIL_VERIFICATION: 'required',
        MAIL_FROM: 'no-reply@example.com',
        SES_ENDPOINT: mail.endpoint,
      },
      { lagMs: AWS_LIKE_LAG_MS },
    );
  });

  afterAll(async () => {
    await service.stop();
    await mail.stop();
  });

  const call = (...args: Parameters<ReturnType<typeof jsonApi>>) =>
    jsonApi(service.baseUrl)(...args);

  async function tokenMailed(to: string, name: string): Promise<string> {
    const text = (await mail.mailsTo(to)).at(-1)?.body.text ?? '';
    const token = new RegExp(`[?&]${name}=([0-9a-f-]{36})`, 'u').exec(text)?.[1];
    if (token === undefined) throw new Error(`no ${name} in the last mail to ${to}`);
    return token;
  }

  it('registers, verifies, changes the password and the email, and deletes the account, each right after the last', async () => {
    const email = freshEmail();
    const password = strongPassword();
    // register; the login waits for the link, which works at once (the index has not caught up)
    expect((await call('POST', '/users', { email, password })).status).toBe(200);
    expect(await call('POST', '/sessions', { email, password })).toMatchObject({
      status: 403,
      body: { message: 'email not verified' },
    });
    const verification_token = await tokenMailed(email, 'verification_token');
    expect(await call('PUT', '/verify_email', { email, verification_token })).toMatchObject({
      status: 200,
      body: { email, message: 'email verified' },
    });
    const laptop = (await call('POST', '/sessions', { email, password })).sessionId ?? '';
    const phone = (await call('POST', '/sessions', { email, password })).sessionId ?? '';
    expect((await call('GET', '/whoami', undefined, phone)).body).toMatchObject({
      email,
      emailVerified: true,
    });

    // change the password from the laptop: the phone is logged out, the laptop is not
    const newPassword = strongPassword();
    const changed = await call('PUT', '/password', { password, new_password: newPassword }, laptop);
    expect(changed).toMatchObject({ status: 200, body: { email, message: 'Password updated' } });
    expect((await call('GET', '/sessions', undefined, phone)).status).toBe(403);
    expect((await call('GET', '/sessions', undefined, laptop)).status).toBe(200);
    expect((await call('POST', '/sessions', { email, password })).status).toBe(401);

    // change the email: the old one logs in until the new one confirms, then only the new one
    const newEmail = freshEmail();
    const requested = await call(
      'POST',
      '/email_change',
      { password: newPassword, new_email: newEmail },
      laptop,
    );
    expect(requested).toMatchObject({ status: 200, body: { message: 'confirmation sent' } });
    expect((await call('POST', '/sessions', { email, password: newPassword })).status).toBe(200);
    const token = await tokenMailed(newEmail, 'token');
    expect(await call('PUT', '/email_change', { token }, laptop)).toMatchObject({
      status: 200,
      body: { email: newEmail, message: 'email changed' },
    });
    expect((await call('POST', '/sessions', { email, password: newPassword })).status).toBe(401);
    const fresh = await call('POST', '/sessions', { email: newEmail, password: newPassword });
    expect(fresh.status).toBe(200);
    expect((await call('GET', '/whoami', undefined, laptop)).body).toMatchObject({
      email: newEmail,
      emailVerified: true,
    });

    // delete: every session denied at once, and the address registers again at once
    const deleted = await call('DELETE', '/users/me', { password: newPassword }, laptop);
    expect(deleted).toMatchObject({ status: 200, body: { message: 'account deleted' } });
    expect((await call('GET', '/whoami', undefined, fresh.sessionId)).status).toBe(403);
    expect((await call('GET', '/sessions', undefined, laptop)).status).toBe(403);
    expect(
      (await call('POST', '/sessions', { email: newEmail, password: newPassword })).status,
    ).toBe(401);
    expect((await call('POST', '/users', { email: newEmail, password })).status).toBe(200);
  });
});
