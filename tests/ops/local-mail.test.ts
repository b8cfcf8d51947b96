// npm start's mail emulator (local/local-mail.ts): each mail the service sends to it becomes one
// line naming the mail and its link, once, in the order sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { mailLine, startLocalMail, type LocalMail } from '../../local/local-mail';
import { SesMailer } from '../../lib/platform/mailer';

const TOKEN = '5b0c7c1e-8d2f-4a3b-9e6d-1f2a3b4c5d6e';
const PAGES = 'http://localhost:3000/account';

describe('the local mail emulator', () => {
  let mail: LocalMail;
  const lines: string[] = [];

  beforeAll(async () => {
    mail = await startLocalMail(await freePort(), (sent) => {
      lines.push(mailLine(sent, 'Acme'));
    });
  });

  afterAll(async () => {
    await mail.stop();
  });

  it('hands over each mail once, as a line with its kind and link', async () => {
    // prepare
    const mailer = new SesMailer({
      region: 'us-east-1',
      sesEndpoint: mail.endpoint,
      mailFrom: 'no-reply@localhost.test',
      productName: 'Acme',
      pagesUrl: PAGES,
      resetUrl: undefined,
    });
    // act: every mail of the service, one after another
    await mailer.sendResetToken('a@example.com', TOKEN);
    await mailer.sendVerification('b@example.com', TOKEN);
    await mailer.sendEmailChange('c@example.org', TOKEN);
    await mailer.sendEmailChangeNotice('d@example.com', 'c@example.org');
    // assess: a line is printed a moment after its mail is taken
    for (const deadline = Date.now() + 5000; lines.length < 4 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lines).toEqual([
      `MAIL to a@example.com: reset ${PAGES}/reset-password?email=a%40example.com&reset_token=${TOKEN}`,
      `MAIL to b@example.com: verify ${PAGES}/verify-email?email=b%40example.com&verification_token=${TOKEN}`,
      `MAIL to c@example.org: confirm-email ${PAGES}/confirm-email?token=${TOKEN}`,
      'MAIL to d@example.com: notice',
    ]);
  });
});

describe('mailLine', () => {
  it("quotes the subject of a mail that is not one of the service's", () => {
    const stored = {
      messageId: 'm-1',
      from: 'someone@example.com',
      destination: { to: ['a@example.com', 'b@example.com'] },
      subject: 'Hello "there"',
      body: { text: 'Nothing to follow.' },
    };
    expect(mailLine(stored, 'Acme')).toBe(
      'MAIL to a@example.com, b@example.com: "Hello \\"there\\""',
    );
  });
});
