import { domainToASCII } from 'node:url';
import { InvalidEmail } from './errors';

// RFC 5321 limits a path to 254 octets. The pattern is deliberately plain (something@host.tld):
// the only real check of an address is a mail that reaches it.
const MAX_EMAIL_LENGTH = 254;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
// Controls (C0, DEL and C1), format characters (zero-width space, soft hyphen, bidi marks: they
// hide in an address, so `bob@x.com` and `b\u200bob@x.com` would look like one mailbox but be two
// accounts), lone surrogates (possible in JSON, "\ud800"), private-use and unassigned code points.
const NOT_TEXT = /\p{C}/u;
// The syntax of display names, comments, quoted local parts and domain literals
// (`Bob <bob@x.com>`, `bob@x.com (work)`, `"b o b"@x.com`, `bob@[127.0.0.1]`): an address here is
// the bare mailbox, so that it has a single spelling.
const DISPLAY_SYNTAX = /[<>()[\]"\\,;:]/u;

/**
 * The stored form of an email, so that every spelling of one mailbox is one account: NFKC
 * (fullwidth and compatibility forms become plain ones), trimmed and lower-cased, with the domain
 * in its IDNA ASCII form (`bob@ｅxample.org` and `bob@bücher.de` become `bob@example.org` and
 * `bob@xn--bcher-kva.de`). Throws InvalidEmail for anything not shaped like a bare address.
 */
export function normaliseEmail(raw: string): string {
  const text = raw.normalize('NFKC').trim().toLowerCase();
  if (NOT_TEXT.test(text) || DISPLAY_SYNTAX.test(text)) throw new InvalidEmail();
  const at = text.lastIndexOf('@');
  // domainToASCII gives '' for a domain IDNA refuses.
  const email = `${text.slice(0, at + 1)}${domainToASCII(text.slice(at + 1))}`;
  if (at === -1 || email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) {
    throw new InvalidEmail();
  }
  return email;
}
