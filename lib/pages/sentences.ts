/**
 * The sentence a person reads for each error the API answers, by the answer's code (never by its
 * message, whose words are the API's). One table for both ways a form is sent: the server uses it
 * for forms posted without JavaScript (lib/pages/submit.ts), and the browser bundle app.js imports
 * it (lib/pages/browser/app.ts) and reads the code and its details from the answer's headers. So
 * this module imports only the list of codes, which imports nothing, and runs in both places.
 */
import type { ErrorCode } from '../http/error-codes';

/** The field the sentence belongs next to. */
type Place =
  /** The field the answer names (X-Error-Field). */
  | 'named'
  /**
   * The form's field for a new password: `new_password` where the form has one (reset, change of
   * password beside the current one), else `password` (sign-up).
   */
  | 'new-password'
  /** The form's field for an address to take: `new_email` on a change of email, else `email`. */
  | 'new-email'
  /** Above the form: it concerns no one field. */
  | null
  | 'email'
  | 'password'
  | 'reset_token'
  /** The second factor's code (a recovery code stands in for it, beside it). */
  | 'code';

interface Sentence {
  place: Place;
  /** `{limit}` is the answer's limit; `{retry}` the wait that Retry-After gives, in words. */
  text: string;
  /** Another sentence for some fields the answer may name. */
  byField?: Record<string, string>;
}

const FORM_NOT_READ = 'The form could not be read. Reload the page and try again.';
const APOLOGY = 'Something went wrong on our side. Try again in a moment.';

export const SENTENCES: Record<ErrorCode, Sentence> = {
  email_taken: {
    place: 'new-email',
    text: 'An account already uses this email. Use another one, or log in to that account if it is yours.',
  },
  invalid_email: { place: 'new-email', text: 'Enter an email address like name@example.com.' },
  unknown_email: { place: 'email', text: 'No account uses this email. Check it, or sign up.' },
  field_missing: {
    place: 'named',
    text: 'Fill in this field.',
    byField: {
      email: 'Enter your email address.',
      password: 'Enter your password.',
      new_password: 'Enter a new password.',
      new_email: 'Enter the new email address.',
      reset_token: 'Enter the reset code from the mail.',
      verification_token: 'Enter the confirmation code from the mail.',
      code: 'Enter the code from your authenticator app.',
      // A field nobody types: the challenge of the login's second step, carried by its form.
      mfa_token: 'This login step is incomplete. Log in again with your password.',
      // A field nobody types: the link's token, sent by the confirmation page.
      token: 'This link is incomplete. Open it again from the mail.',
    },
  },
  field_not_string: { place: 'named', text: 'This field could not be read. Enter it again.' },
  field_repeated: {
    place: 'named',
    text: 'This field was sent twice. Reload the page and try again.',
  },
  field_is_file: {
    place: 'named',
    text: 'This field was sent as a file. Enter it as text and try again.',
  },
  password_too_short: {
    place: 'new-password',
    text: 'Choose a password of at least {limit} characters.',
  },
  password_too_long: {
    place: 'new-password',
    text: 'This password is too long: keep it within {limit} bytes (an accented letter or a symbol takes two to four).',
  },
  password_has_nul: {
    place: 'new-password',
    text: 'The password holds a character that cannot be used (NUL). Remove it.',
  },
  password_too_common: {
    place: 'new-password',
    text: 'This password is too common and easy to guess. Choose another one.',
  },
  invalid_credentials: {
    place: 'password',
    text: 'The email or the password is wrong. Check both and try again.',
  },
  wrong_password: {
    place: 'password',
    text: 'This is not your current password. Check it and try again.',
  },
  email_not_verified: {
    place: null,
    text: 'Confirm your email address first: follow the link in the mail we sent you, or ask for a new one.',
  },
  account_locked: {
    place: 'password',
    text: 'Too many wrong passwords: this account is locked for now. Try again in {retry}, or reset your password.',
  },
  too_many_requests: {
    place: null,
    text: 'Too many attempts from your network in the last minute. Wait {retry} and try again.',
  },
  invalid_reset_token: {
    place: 'reset_token',
    text: 'This reset code is wrong or has expired. Ask for a new one.',
  },
  invalid_verification_token: {
    place: null,
    text: 'This confirmation link is wrong or has expired. Ask for a new one.',
  },
  invalid_email_change_token: {
    place: null,
    text: 'This link to change your email is wrong, has expired, or belongs to another account. Ask for a new one.',
  },
  mfa_required: {
    place: null,
    text: 'Enter the code from your authenticator app to finish logging in.',
  },
  mfa_code_required: {
    place: 'code',
    text: 'Enter the code from your authenticator app, or one of your recovery codes.',
  },
  invalid_mfa_code: {
    place: 'code',
    text: 'This code is wrong or was already used. Enter the code your authenticator app shows now, or an unused recovery code.',
  },
  invalid_mfa_token: {
    place: null,
    text: 'This login took too long or had too many wrong codes. Log in again.',
  },
  mfa_already_enabled: {
    place: null,
    text: 'Two-factor authentication is already on. Turn it off first to set up another app.',
  },
  mfa_not_enabled: { place: null, text: 'Two-factor authentication is not on for this account.' },
  mfa_enrolment_missing: {
    place: null,
    text: 'This setup has expired. Start setting up two-factor authentication again.',
  },
  no_live_session: {
    place: null,
    text: 'You are not logged in, or your session has ended. Log in again.',
  },
  unknown_session: {
    place: null,
    text: 'That session has already ended.',
  },
  cross_site_request: {
    place: null,
    text: 'This form was sent from another site, so it was refused. Open this page here and try again.',
  },
  body_too_large: { place: null, text: 'What you entered is too long. Shorten it and try again.' },
  malformed_body: { place: null, text: FORM_NOT_READ },
  unsupported_media_type: { place: null, text: FORM_NOT_READ },
  service_unavailable: {
    place: null,
    text: 'The service is busy right now. Wait a moment and try again.',
  },
  internal_error: { place: null, text: APOLOGY },
  // No form posts to a path or with a method that has no route; if one ever did, it is our bug.
  not_found: { place: null, text: APOLOGY },
  method_not_allowed: { place: null, text: APOLOGY },
};

/** What an error answer says, as its code and headers give it (no answer at all: code null). */
export interface ErrorDetails {
  code: string | null;
  field?: string | null;
  limit?: number | null;
  retryAfterSeconds?: number | null;
}

export interface Problem {
  /** The form field it concerns, or null for the form as a whole. */
  field: string | null;
  text: string;
}

function inWords(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return seconds < 60
    ? `${seconds} second${seconds === 1 ? '' : 's'}`
    : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function fieldOf(place: Place, named: string | null, fields: readonly string[]): string | null {
  let field: string | null = place;
  if (place === 'named') field = named;
  if (place === 'new-password')
    field = fields.includes('new_password') ? 'new_password' : 'password';
  if (place === 'new-email') field = fields.includes('new_email') ? 'new_email' : 'email';
  return field !== null && fields.includes(field) ? field : null;
}

/**
 * The sentence for an error answer, next to the field of `fields` it concerns. A code no entry
 * knows (a gateway's own answer, no answer at all) gets a plain apology for the whole form.
 */
export function describeProblem(details: ErrorDetails, fields: readonly string[]): Problem {
  const { code } = details;
  if (code === null || !Object.hasOwn(SENTENCES, code)) return { field: null, text: APOLOGY };
  const sentence = SENTENCES[code as ErrorCode];
  const named = details.field ?? null;
  const { byField = {} } = sentence;
  const text = named !== null && Object.hasOwn(byField, named) ? byField[named] : sentence.text;
  return {
    field: fieldOf(sentence.place, named, fields),
    text: (text ?? sentence.text)
      .replace('{limit}', String(details.limit ?? ''))
      .replace('{retry}', inWords(details.retryAfterSeconds ?? 60)),
  };
}
