import type { Platform } from '../app';
import { MailUnavailable } from '../platform/aws-errors';
import type { Config } from '../platform/config';
import { SesMailer, type Mailer } from '../platform/mailer';
import type { DB } from '../store/db';
import { ConflictError, NoResultFound } from '../store/errors';
import { userStoreOf } from '../store/open';
import type { User } from '../store/user';
import { findUser, hasPassed } from './accounts';
import { normaliseEmail } from './email';
import { InvalidVerificationToken } from './errors';
import { recordAuthEvent } from './events';
import { digestToken, generateUuid, isWellFormedToken } from './tokens';

export type VerificationSettings = Pick<Config, 'emailVerification'>;

/** How long a verification link works. */
export const VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;
/** At most one verification mail per address in this long, whoever asks. */
export const VERIFICATION_RESEND_MS = 60_000;

/** What a user is created with when a verification mail is to follow, and the token to mail. */
export interface IssuedVerification {
  token: string;
  fields: Pick<User, 'verify_token' | 'verify_expires_at' | 'verify_sent_at'>;
}

/**
 * Proving that an address belongs to whoever registered it: a single-use link mailed at
 * registration (stored as a digest, 24 h), sent again on request at most once a minute.
 */
export class EmailVerification {
  constructor(
    private readonly db: DB,
    private readonly settings: VerificationSettings,
    private readonly mailer: Pick<Mailer, 'sendVerification'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new token for a user about to be created; null when the stage does not verify. */
  issue(): IssuedVerification | null {
    if (this.settings.emailVerification === 'off') return null;
    const token = generateUuid();
    const now = this.now();
    return {
      token,
      fields: {
        verify_token: digestToken(token),
        verify_expires_at: now + VERIFICATION_TTL_MS,
        verify_sent_at: now,
      },
    };
  }

  /**
   * Mails the link. A failure does not fail the request that registered (or asked again): the
   * account exists either way, the failure is counted (`mail_failed`), and the user can ask again.
   */
  async mail(email: string, token: string): Promise<void> {
    try {
      await this.mailer.sendVerification(email, token);
      recordAuthEvent('verification_sent');
    } catch (error) {
      if (!(error instanceof MailUnavailable)) throw error;
      recordAuthEvent('mail_failed');
    }
  }

  /**
   * Marks the email verified, with the token mailed to it; InvalidVerificationToken when the token
   * is not the live one of this email. It works once.
   */
  async verify(email: string, token: string): Promise<User> {
    const normalised = normaliseEmail(email);
    if (!isWellFormedToken(token)) throw new InvalidVerificationToken();
    const digest = digestToken(token);
    const user = await findUser(this.db, { email: normalised });
    if (user?.verify_token !== digest || hasPassed(user.verify_expires_at, this.now())) {
      throw new InvalidVerificationToken();
    }
    const changes = { email_verified: true, verify_token: null, verify_expires_at: null };
    try {
      // The sessions follow (they carry the flag for the authorizer) in the same transaction.
      await this.db.rewriteUser(user, () => ({ changes }), { verify_token: digest });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NoResultFound) {
        throw new InvalidVerificationToken();
      }
      throw error;
    }
    recordAuthEvent('email_verified');
    return { ...user, ...changes };
  }

  /**
   * Sends a new link to the address if it has an unverified account and none was sent in the
   * last minute; otherwise nothing. The caller answers the same either way, so the route tells
   * nobody who has an account.
   */
  async resend(email: string): Promise<void> {
    const normalised = normaliseEmail(email);
    if (this.settings.emailVerification === 'off') return;
    const user = await findUser(this.db, { email: normalised });
    if (user === null || user.email_verified) return;
    const token = generateUuid();
    const now = this.now();
    const changes = {
      verify_token: digestToken(token),
      verify_expires_at: now + VERIFICATION_TTL_MS,
    };
    // The minute is kept in the table, not in memory: every Lambda instance sees the same one.
    const sent = await this.db.updateUserUnlessSince(
      user.id,
      changes,
      'verify_sent_at',
      now,
      now - VERIFICATION_RESEND_MS,
      { email: user.email },
    );
    if (sent) await this.mail(user.email, token);
  }
}

/** What POST and PUT /verify_email run. */
export function emailVerificationServices(platform: Platform) {
  const { config, now } = platform;
  return {
    emailVerification: new EmailVerification(
      userStoreOf(platform),
      config,
      new SesMailer(config),
      now,
    ),
  };
}
