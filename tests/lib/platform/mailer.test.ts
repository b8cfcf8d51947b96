// Each of the service's mails through SES v2, received by a real local endpoint (aws-ses-v2-local):
// the sender, the recipient, and both parts exactly as lib/platform/mail-messages.ts wrote them,
// also beyond ASCII; an SES that cannot be reached is MailUnavailable, for every mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailUnavailable } from '../../../lib/platform/aws-errors';
import {
  emailChangeMessage,
  emailChangeNoticeMessage,
  resetMessage,
  verificationMessage,
  type MailMessage,
} from '../../../lib/platform/mail-messages';
import { SesMailer, type Mailer, type MailerSettings } from '../../../lib/platform/mailer';
import { freePort } from '../../../local/dynamodb-local';
import { freshEmail } from '../../support/auth';
import { startSesEmulator, type SesEmulator } from '../../support/ses-emulator';

const TOKEN = '6d1b6a53-4f9e-4d2b-8a0c-3b7e1f2d9c40';
const settings: Omit<MailerSettings, 'sesEndpoint'> = {
  region: 'us-east-1',
  mailFrom: 'no-reply@example.com',
  // Beyond ASCII: it must arrive as written, in the subject and both parts.
  productName: 'Café Zoë',
  pagesUrl: 'https://auth.example.test/account',
  resetUrl: undefined,
};

/** Each mail: how the service sends it, and what it must be. */
const MAILS: [
  string,
  (mailer: Mailer, to: string) => Promise<void>,
  (to: string) => MailMessage,
][] = [
  [
    'reset',
    (mailer, to) => mailer.sendResetToken(to, TOKEN),
    (to) => resetMessage(settings, to, TOKEN),
  ],
  [
    'verification',
    (mailer, to) => mailer.sendVerification(to, TOKEN),
    (to) => verificationMessage(settings, to, TOKEN),
  ],
  [
    'email change',
    (mailer, to) => mailer.sendEmailChange(to, TOKEN),
    () => emailChangeMessage(settings, TOKEN),
  ],
  [
    'email change notice',
    (mailer, to) => mailer.sendEmailChangeNotice(to, 'zoë.new@example.org'),
    () => emailChangeNoticeMessage(settings, 'zoë.new@example.org'),
  ],
];

describe('SesMailer', () => {
  let ses: SesEmulator;

  beforeAll(async () => {
    ses = await startSesEmulator();
  });

  afterAll(async () => {
    await ses.stop();
  });

  it.each(MAILS)('sends the %s mail with its text and HTML parts', async (_, send, expected) => {
    // prepare
    const to = freshEmail();
    // act
    await send(new SesMailer({ ...settings, sesEndpoint: ses.endpoint }), to);
    // assess
    const message = expected(to);
    const mails = await ses.mailsTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      from: settings.mailFrom,
      destination: { to: [to] },
      subject: message.subject,
      body: { text: message.text, html: message.html },
    });
    expect(message.subject).toContain('Café Zoë');
  });

  it.each(MAILS)('an unreachable SES is MailUnavailable for the %s mail', async (_, send) => {
    const nowhere = new SesMailer({
      ...settings,
      sesEndpoint: `http://127.0.0.1:${await freePort()}`,
    });
    await expect(send(nowhere, freshEmail())).rejects.toBeInstanceOf(MailUnavailable);
  });
});
