// Item 6 in process: where the reset token goes, chosen by RESET_DELIVERY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidResetToken, UnknownEmail } from '../../lib/auth/errors';
import { ResetRequests } from '../../lib/auth/reset-requests';
import { MailUnavailable } from '../../lib/platform/aws-errors';
import { ConfigError, loadConfig, type ResetDelivery } from '../../lib/platform/config';
import { SesMailer, type Mailer } from '../../lib/platform/mailer';
import { freePort } from '../../local/dynamodb-local';
import { config, db } from '../support/app';
import { authWith, freshEmail, strongPassword } from '../support/auth';
import { startSesEmulator, type SesEmulator } from '../support/ses-emulator';

const MAIL_FROM = 'no-reply@example.com';
const RESET_URL = 'https://app.example.com/reset';

describe('reset delivery setting', () => {
  it('defaults to email, which needs a sender', () => {
    expect(() => loadConfig({})).toThrow(
      new ConfigError('MAIL_FROM is required when RESET_DELIVERY is "email"'),
    );
    expect(loadConfig({ MAIL_FROM }).resetDelivery).toBe('email');
    expect(
      loadConfig({ RESET_DELIVERY: 'response', EMAIL_VERIFICATION: 'off' }).resetDelivery,
    ).toBe('response');
    expect(() => loadConfig({ RESET_DELIVERY: 'sms', MAIL_FROM })).toThrow(ConfigError);
  });
});

function resetRequests(
  resetDelivery: ResetDelivery,
  mailer: Pick<Mailer, 'sendResetToken'>,
): ResetRequests {
  return new ResetRequests(db, { ...config, resetDelivery }, mailer);
}

describe('delivery `response` (the seed contract, the local default)', () => {
  it('gives the token in the answer and refuses an unknown email', async () => {
    const auth = authWith();
    const resets = resetRequests('response', {
      sendResetToken: () => Promise.reject(new Error('no mail in response mode')),
    });
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    const answer = await resets.request(email);
    expect(answer).toEqual({ delivery: 'response', resetToken: expect.any(String) });
    const token = (answer as { resetToken: string }).resetToken;
    await expect(auth.updatePassword(token, strongPassword(), email)).resolves.toBeDefined();
    await expect(resets.request(freshEmail())).rejects.toBeInstanceOf(UnknownEmail);
  });
});

describe('delivery `email` through SES v2 (aws-ses-v2-local)', () => {
  let ses: SesEmulator;
  let resets: ResetRequests;
  const auth = authWith();

  beforeAll(async () => {
    ses = await startSesEmulator();
    resets = resetRequests('email', mailerFor(RESET_URL));
  });

  afterAll(async () => {
    await ses.stop();
  });

  /** The stage's mailer on the emulator, its reset links to `resetUrl` (else to its own pages). */
  function mailerFor(resetUrl: string | undefined, sesEndpoint = ses.endpoint): SesMailer {
    return new SesMailer({ ...config, sesEndpoint, mailFrom: MAIL_FROM, resetUrl });
  }

  /** The reset token and the link in the last mail to `email`. */
  async function mailedReset(email: string): Promise<{ token: string; link: URL }> {
    const mail = (await ses.mailsTo(email)).at(-1);
    expect(mail).toMatchObject({ from: MAIL_FROM, subject: 'Reset the password for your account' });
    const text = mail?.body.text ?? '';
    const token = /Reset token: (\S+)/u.exec(text)?.[1] ?? '';
    const link = new URL(/Or follow this link: (\S+)/u.exec(text)?.[1] ?? 'about:blank');
    expect(mail?.body.html).toContain(`href="${link.href.replaceAll('&', '&amp;')}"`);
    return { token, link };
  }

  it('answers the same for an email before and after it is registered, mailing only the registered one', async () => {
    // prepare
    const email = freshEmail();
    // act
    const unregistered = await resets.request(email);
    const mailsBefore = await ses.mailsTo(email);
    await auth.registerUser(email, strongPassword());
    const registered = await resets.request(` ${email.toUpperCase()}`);
    // assess
    expect(JSON.stringify(registered)).toBe(JSON.stringify(unregistered));
    expect(registered).toEqual({ delivery: 'email' });
    expect(mailsBefore).toEqual([]);
    expect(await ses.mailsTo(email)).toHaveLength(1);
  });

  it('mails the token, and a link carrying it, from the configured sender; the token resets once', async () => {
    // prepare
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    // act
    await resets.request(email);
    // assess
    const { token, link } = await mailedReset(email);
    expect(`${link.origin}${link.pathname}`).toBe(RESET_URL);
    expect(Object.fromEntries(link.searchParams)).toEqual({ email, reset_token: token });
    const newPassword = strongPassword();
    await auth.updatePassword(token, newPassword, email);
    expect(await auth.validLogin(email, newPassword)).toBe(true);
    await expect(auth.updatePassword(token, strongPassword(), email)).rejects.toBeInstanceOf(
      InvalidResetToken,
    );
  });

  it("without RESET_URL, links to the reset page of the stage's own pages (PAGES_URL)", async () => {
    // prepare
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    // act
    await resetRequests('email', mailerFor(undefined)).request(email);
    // assess
    const { token, link } = await mailedReset(email);
    expect(`${link.origin}${link.pathname}`).toBe(`${config.pagesUrl ?? ''}/reset-password`);
    expect(Object.fromEntries(link.searchParams)).toEqual({ email, reset_token: token });
  });

  it('an unreachable SES is a 503 to retry, never a silent success', async () => {
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    const nowhere = mailerFor(undefined, `http://127.0.0.1:${await freePort()}`);
    await expect(resetRequests('email', nowhere).request(email)).rejects.toBeInstanceOf(
      MailUnavailable,
    );
  });
});
