/**
 * What the service's mails say: the subject, text part and HTML part of each, from the stage's
 * settings. The wording lives here alone; lib/platform/mailer.ts sends what this builds. Each mail
 * names the stage's product (`productName`), and a mail with a link carries it in both parts.
 */
import { escapeHtml } from '../pages/html';
import type { Config } from './config';

export type MessageSettings = Pick<Config, 'productName' | 'pagesUrl' | 'resetUrl'>;

export interface MailMessage {
  subject: string;
  text: string;
  html: string;
}

/** The service's mails, by the names npm start prints them with (local/local-mail.ts). */
export type MailKind = 'reset' | 'verify' | 'confirm-email' | 'notice';

const SUBJECTS: Record<MailKind, (product: string) => string> = {
  reset: (product) => `Reset the password for ${product}`,
  verify: (product) => `Verify your email address for ${product}`,
  'confirm-email': (product) => `Confirm the new email address for ${product}`,
  notice: (product) => `The email address for ${product} is changing`,
};

/** A paragraph: a sentence, or a sentence that ends with a link. */
type Paragraph = string | { lead: string; link: URL };

/**
 * An address as a notice may show it: its first character, `***`, and its domain
 * (`a***@example.com`). The owner recognises their own address; anyone else reading the mail
 * learns neither the rest of it nor its length.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  // The first character as a reader sees one (an emoji, a letter with its accents), never half.
  const [first] = new Intl.Segmenter().segment(email.slice(0, Math.max(at, 0)));
  return first === undefined ? '***' : `${first.segment}***${email.slice(at)}`;
}

/** Which of the service's mails has this subject on a stage named `productName`. */
export function mailKindOf(subject: string, productName: string): MailKind | undefined {
  const kinds = Object.keys(SUBJECTS) as MailKind[];
  return kinds.find((kind) => SUBJECTS[kind](productName) === subject);
}

function withQuery(base: string, query: Record<string, string>): URL {
  const link = new URL(base);
  for (const [name, value] of Object.entries(query)) link.searchParams.set(name, value);
  return link;
}

/** A link to one of the hosted pages; none when the stage has no pages URL. */
function pageLink(
  settings: MessageSettings,
  page: string,
  query: Record<string, string>,
): URL | undefined {
  return settings.pagesUrl === undefined
    ? undefined
    : withQuery(`${settings.pagesUrl}/${page}`, query);
}

function textOf(paragraph: Paragraph): string {
  return typeof paragraph === 'string' ? paragraph : `${paragraph.lead} ${paragraph.link.href}`;
}

function htmlOf(paragraph: Paragraph): string {
  if (typeof paragraph === 'string') return `<p>${escapeHtml(paragraph)}</p>`;
  const href = escapeHtml(paragraph.link.href);
  return `<p>${escapeHtml(paragraph.lead)} <a href="${href}">${href}</a></p>`;
}

/**
 * The mail of `kind` made of `paragraphs` (those undefined left out): the text part, and an HTML
 * part saying the same, escaped, with nothing fetched from elsewhere (no images, no stylesheet).
 */
function message(
  kind: MailKind,
  settings: MessageSettings,
  paragraphs: (Paragraph | undefined)[],
): MailMessage {
  const subject = SUBJECTS[kind](settings.productName);
  const shown = paragraphs.filter((paragraph) => paragraph !== undefined);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(subject)}</title>
</head>
<body>
${shown.map(htmlOf).join('\n')}
</body>
</html>
`;
  return { subject, text: `${shown.map(textOf).join('\n\n')}\n`, html };
}

/** The line a link goes on, when there is a link. */
function linkLine(lead: string, link: URL | undefined): Paragraph | undefined {
  return link === undefined ? undefined : { lead, link };
}

/**
 * A password-reset token, and a link to the reset page (`resetUrl`, else the pages' own) that
 * fills the form in. The token has a line of its own: API clients read it from there.
 */
export function resetMessage(settings: MessageSettings, to: string, token: string): MailMessage {
  const query = { email: to, reset_token: token };
  const link =
    settings.resetUrl === undefined
      ? pageLink(settings, 'reset-password', query)
      : withQuery(settings.resetUrl, query);
  return message('reset', settings, [
    `Someone asked to reset the password for ${settings.productName}.`,
    `Reset token: ${token}`,
    linkLine('Or follow this link:', link),
    'If it was not you, ignore this mail: your password stays as it is.',
  ]);
}

/** The link that confirms `to` belongs to the person who registered it (or asked again). */
export function verificationMessage(
  settings: MessageSettings,
  to: string,
  token: string,
): MailMessage {
  const link = pageLink(settings, 'verify-email', { email: to, verification_token: token });
  return message('verify', settings, [
    `This email address was given for ${settings.productName}. Confirm that it is yours.`,
    linkLine('Follow this link to confirm it:', link),
    `Verification token: ${token}`,
    'If it was not you, ignore this mail: the address stays unconfirmed.',
  ]);
}

/** To the new address of an email change: the link that confirms it. */
export function emailChangeMessage(settings: MessageSettings, token: string): MailMessage {
  const link = pageLink(settings, 'confirm-email', { token });
  return message('confirm-email', settings, [
    `Someone asked to change the email address for ${settings.productName} to this one.`,
    linkLine('Follow this link to confirm the change:', link),
    `Confirmation token: ${token}`,
    'Until it is confirmed, the account keeps its current address. If it was not you, ignore this mail.',
  ]);
}

/** To the old address of an email change: what was asked, the new address shown masked. */
export function emailChangeNoticeMessage(settings: MessageSettings, newEmail: string): MailMessage {
  return message('notice', settings, [
    `Someone asked to change the email address for ${settings.productName} from this one to ${maskEmail(newEmail)}.`,
    'The address changes only once the new one confirms it; until then this one keeps working, for logins and password resets.',
    "If it was not you, someone knows your password: reset it now, while this address still receives the account's mails.",
  ]);
}
