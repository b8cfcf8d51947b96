import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Config } from './config';
import { classifyAwsError, MailUnavailable } from './aws-errors';

export type MailerSettings = Pick<Config, 'region' | 'sesEndpoint' | 'mailFrom' | 'resetUrl'>;

export interface Mailer {
  sendResetToken(to: string, token: string): Promise<void>;
  sendVerification(to: string, token: string): Promise<void>;
  sendEmailChange(to: string, token: string): Promise<void>;
  sendEmailChangeNotice(to: string, newEmail: string): Promise<void>;
}

function resetMessage(to: string, token: string, resetUrl: string | undefined): string {
  const lines = [
    'Someone asked to reset the password of this account.',
    '',
    `Reset token: ${token}`,
  ];
  if (resetUrl !== undefined) {
    const link = new URL(resetUrl);
    link.searchParams.set('email', to);
    link.searchParams.set('reset_token', token);
    lines.push('', `Or follow this link: ${link.toString()}`);
  }
  lines.push('', 'If it was not you, ignore this mail: your password stays as it is.');
  return lines.join('\n');
}

/** Sends reset tokens through Amazon SES v2. */
export class SesMailer implements Mailer {
  private client: SESv2Client | undefined;

  constructor(private readonly settings: MailerSettings) {}

  sendVerification(to: string, token: string): Promise<void> {
    return this.send(to, 'Verify your email', `verify-email?verification_token=${token}`);
  }

  sendEmailChange(to: string, token: string): Promise<void> {
    return this.send(to, 'Confirm your new email', `confirm-email?token=${token}`);
  }

  sendEmailChangeNotice(to: string, newEmail: string): Promise<void> {
    return this.send(to, 'Your email is changing', `Someone asked to change it to ${newEmail}`);
  }

  sendResetToken(to: string, token: string): Promise<void> {
    return this.send(to, 'Reset your password', resetMessage(to, token, this.settings.resetUrl));
  }

  private async send(to: string, subject: string, text: string): Promise<void> {
    // Loaded on first use, so a stage that never mails never loads the SES client.
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    this.client ??= new SESv2Client({
      region: this.settings.region,
      maxAttempts: 2,
      ...(this.settings.sesEndpoint !== undefined && {
        endpoint: this.settings.sesEndpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    });
    const command = new SendEmailCommand({
      FromEmailAddress: this.settings.mailFrom,
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: subject },
          Body: { Text: { Data: text } },
        },
      },
    });
    try {
      await this.client.send(command);
    } catch (error) {
      throw classifyAwsError(error, MailUnavailable);
    }
  }
}
