import { InvalidEmail } from './errors';

// RFC 5321 limits a path to 254 octets. The pattern is deliberately plain (something@host.tld):
// the only real check of an address is a mail that reaches it.
const MAX_EMAIL_LENGTH = 254;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
// Control characters, and lone UTF-16 surrogates (possible in JSON, "\ud800"), which are no text.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NOT_TEXT = /[\u0000-\u001f\u007f]|\p{Surrogate}/u;

/**
 * The stored form of an email: trimmed and lower-cased, so that "Bob@Example.com " and
 * "bob@example.com" are one account. Throws InvalidEmail for anything not shaped like one.
 */
export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || NOT_TEXT.test(email) || !EMAIL_PATTERN.test(email)) {
    throw new InvalidEmail();
  }
  return email;
}
