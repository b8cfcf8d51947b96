// What each mail says, in its text part and its HTML part: the link, the product's name, the
// masked address of a notice, and HTML that shows text as text and fetches nothing.
import { describe, expect, it } from 'vitest';
import {
  emailChangeMessage,
  emailChangeNoticeMessage,
  mailKindOf,
  maskEmail,
  resetMessage,
  verificationMessage,
  type MailKind,
  type MailMessage,
  type MessageSettings,
} from '../../lib/platform/mail-messages';

const TOKEN = '0f8e4f5c-2a51-4c8e-9f3e-2d0c7d4b6a11';
const settings: MessageSettings = {
  productName: 'Acme Cloud',
  pagesUrl: 'https://auth.acme.test/account',
  resetUrl: undefined,
};
const withoutPages: MessageSettings = { ...settings, pagesUrl: undefined };

/** The one link of a text part (each link has a line of its own, ending with it). */
function linkIn(text: string): URL | undefined {
  const found = /https?:\/\/\S+/gu.exec(text);
  return found === null ? undefined : new URL(found[0]);
}

/** The hrefs of an HTML part, as a browser reads them. */
function hrefsIn(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/gu)].map(([, href]) =>
    (href ?? '').replaceAll('&amp;', '&'),
  );
}

/** What every mail holds to: the product named, and HTML that fetches nothing and says the text. */
function expectWellFormed(mail: MailMessage, kind: MailKind, productName: string): void {
  expect(mail.subject).toContain(productName);
  expect(mail.text).toContain(productName);
  expect(mailKindOf(mail.subject, productName)).toBe(kind);
  expect(mail.html).toMatch(/^<!doctype html>\n<html lang="en">/u);
  // Nothing loaded from elsewhere, no script, no styles: plain text in paragraphs.
  expect(mail.html).not.toMatch(/<img|<link|<script|<style|style=|src=/iu);
  const link = linkIn(mail.text);
  expect(hrefsIn(mail.html)).toEqual(link === undefined ? [] : [link.href]);
}

describe('the reset mail', () => {
  it('carries the token on its own line and a link to the reset page, in both parts', () => {
    // act
    const mail = resetMessage(settings, 'bob@example.com', TOKEN);
    // assess
    expectWellFormed(mail, 'reset', 'Acme Cloud');
    expect(mail.subject).toBe('Reset the password for Acme Cloud');
    expect(mail.text).toContain(`\nReset token: ${TOKEN}\n`);
    expect(mail.html).toContain(`<p>Reset token: ${TOKEN}</p>`);
    const link = linkIn(mail.text);
    expect(`${link?.origin}${link?.pathname}`).toBe(
      'https://auth.acme.test/account/reset-password',
    );
    expect(Object.fromEntries(link?.searchParams ?? [])).toEqual({
      email: 'bob@example.com',
      reset_token: TOKEN,
    });
    expect(mail.text).toContain(`Or follow this link: ${link?.href}\n`);
  });

  it('links to resetUrl when the stage names one, and has only the token without any page', () => {
    const elsewhere = resetMessage(
      { ...settings, resetUrl: 'https://app.example.com/reset?from=mail' },
      'bob@example.com',
      TOKEN,
    );
    expect(linkIn(elsewhere.text)?.href).toBe(
      `https://app.example.com/reset?from=mail&email=bob%40example.com&reset_token=${TOKEN}`,
    );
    const bare = resetMessage(withoutPages, 'bob@example.com', TOKEN);
    expectWellFormed(bare, 'reset', 'Acme Cloud');
    expect(linkIn(bare.text)).toBeUndefined();
    expect(bare.text).toContain(`Reset token: ${TOKEN}`);
  });
});

describe('the verification mail', () => {
  it('links to /verify-email with the address and the token, in both parts', () => {
    const mail = verificationMessage(settings, 'bob@example.com', TOKEN);
    expectWellFormed(mail, 'verify', 'Acme Cloud');
    expect(mail.subject).toBe('Verify your email address for Acme Cloud');
    expect(linkIn(mail.text)?.href).toBe(
      `https://auth.acme.test/account/verify-email?email=bob%40example.com&verification_token=${TOKEN}`,
    );
  });
});

describe('the email-change mails', () => {
  it('to the new address: links to /confirm-email with the token, in both parts', () => {
    const mail = emailChangeMessage(settings, TOKEN);
    expectWellFormed(mail, 'confirm-email', 'Acme Cloud');
    expect(mail.subject).toBe('Confirm the new email address for Acme Cloud');
    expect(linkIn(mail.text)?.href).toBe(
      `https://auth.acme.test/account/confirm-email?token=${TOKEN}`,
    );
  });

  it('to the old address: names the new one masked, in both parts, and carries no link', () => {
    const mail = emailChangeNoticeMessage(settings, 'alice.new@example.org');
    expectWellFormed(mail, 'notice', 'Acme Cloud');
    expect(mail.subject).toBe('The email address for Acme Cloud is changing');
    expect(mail.text).toContain(' to a***@example.org.');
    expect(mail.html).toContain(' to a***@example.org.');
    expect(`${mail.subject}${mail.text}${mail.html}`).not.toContain('alice');
  });
});

describe('every mail', () => {
  it('reads well with the default product name', () => {
    const product = 'your account';
    const stage = { ...settings, productName: product };
    expect(resetMessage(stage, 'bob@example.com', TOKEN).subject).toBe(
      'Reset the password for your account',
    );
    expect(verificationMessage(stage, 'bob@example.com', TOKEN).subject).toBe(
      'Verify your email address for your account',
    );
    expect(emailChangeMessage(stage, TOKEN).text).toMatch(
      /^Someone asked to change the email address for your account to this one\.\n/u,
    );
    expect(emailChangeNoticeMessage(stage, 'a@example.com').subject).toBe(
      'The email address for your account is changing',
    );
  });

  it("shows a product name and addresses that hold HTML's characters as text", () => {
    // prepare: both are the stage's or the user's to choose ("a&b'c@example.com" registers)
    const stage = { ...settings, productName: 'Tom & Jerry <b>"Co"</b>' };
    const mails = [
      resetMessage(stage, "a&b'c@example.com", TOKEN),
      verificationMessage(stage, "a&b'c@example.com", TOKEN),
      emailChangeMessage(stage, TOKEN),
      emailChangeNoticeMessage(stage, "'x&y@example.com"),
    ];
    for (const mail of mails) {
      // assess: the subject and text as they are, the HTML escaped
      expect(mail.subject).toContain('Tom & Jerry <b>"Co"</b>');
      expect(mail.text).toContain('Tom & Jerry <b>"Co"</b>');
      expect(mail.html).toContain('Tom &amp; Jerry &lt;b&gt;&quot;Co&quot;&lt;/b&gt;');
      expect(mail.html).not.toContain('<b>');
      expect(mail.html).not.toContain('"Co"');
    }
    expect(mails[3]?.html).toContain('&#39;***@example.com');
    expect(hrefsIn(mails[1]?.html ?? '')).toEqual([
      `https://auth.acme.test/account/verify-email?email=a%26b%27c%40example.com&verification_token=${TOKEN}`,
    ]);
  });

  it('has no link without a pages URL, but the token, so that an API client can go on', () => {
    const verification = verificationMessage(withoutPages, 'bob@example.com', TOKEN);
    const change = emailChangeMessage(withoutPages, TOKEN);
    for (const mail of [verification, change]) {
      expect(linkIn(mail.text)).toBeUndefined();
      expect(hrefsIn(mail.html)).toEqual([]);
    }
    expect(verification.text).toContain(`Verification token: ${TOKEN}`);
    expect(change.text).toContain(`Confirmation token: ${TOKEN}`);
  });
});

describe('maskEmail', () => {
  it('keeps the first character of the local part and the domain', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('a@example.com')).toBe('a***@example.com');
    expect(maskEmail('élodie@xn--bcher-kva.example')).toBe('é***@xn--bcher-kva.example');
    // A character beyond the BMP, or one with a combining accent, is one character.
    expect(maskEmail('😀x@example.com')).toBe('😀***@example.com');
    expect(maskEmail('e\u0301lodie@example.com')).toBe('e\u0301***@example.com');
  });

  it('shows nothing of what is not an address', () => {
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
  });
});

describe('mailKindOf', () => {
  it('knows only the service subjects of the stage product', () => {
    const subject = verificationMessage(settings, 'bob@example.com', TOKEN).subject;
    expect(mailKindOf(subject, 'Acme Cloud')).toBe('verify');
    expect(mailKindOf(subject, 'your account')).toBeUndefined();
    expect(mailKindOf('Hello', 'Acme Cloud')).toBeUndefined();
  });
});
