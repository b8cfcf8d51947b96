import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Config } from './config';
import { classifyAwsError, MailUnavailable } from './aws-errors';
import {
  emailChangeMessage,
  emailChangeNoticeMessage,
  resetMessage,
  verificationMessage,
  type MailMessage,
  type MessageSettings,
} from './mail-messages';

export type MailerSettings = Pick<Config, 'region' | 'sesEndpoint' | 'mailFrom'> & MessageSettings;

export interface Mailer {
  sendResetToken(to: string, token: string): Promise<void>;
  /** Link: `${pagesUrl}/verify-email?email=<to>&verification_token=<token>` (24 h token). */
  sendVerification(to: string, token: string): Promise<void>;
  /** To the NEW address. Link: `${pagesUrl}/confirm-email?token=<token>` (1 h token). */
  sendEmailChange(to: string, token: string): Promise<void>;
  /** To the OLD address: someone asked to change it to `newEmail`, shown masked (a***@example.com). */
  sendEmailChangeNotice(to: string, newEmail: string): Promise<void>;
}

// Addresses, product names and wording may be beyond ASCII, SES's default for a part.
const CHARSET = 'UTF-8';

/** Sends the service's mails (lib/platform/mail-messages.ts) through Amazon SES v2. */
export class SesMailer implements Mailer {
  private client: SESv2Client | undefined;

  constructor(private readonly settings: MailerSettings) {}

  sendResetToken(to: string, token: string): Promise<void> {
    return this.send(to, resetMessage(this.settings, to, token));
  }

  sendVerification(to: string, token: string): Promise<void> {
    return this.send(to, verificationMessage(this.settings, to, token));
  }

  sendEmailChange(to: string, token: string): Promise<void> {
    return this.send(to, emailChangeMessage(this.settings, token));
  }

  sendEmailChangeNotice(to: string, newEmail: string): Promise<void> {
    return this.send(to, emailChangeNoticeMessage(this.settings, newEmail));
  }

  private async send(to: string, message: MailMessage): Promise<void> {
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
          Subject: { Data: message.subject, Charset: CHARSET },
          Body: {
            Text: { Data: message.text, Charset: CHARSET },
            Html: { Data: message.html, Charset: CHARSET },
          },
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
