/*
 * What the pages decide the same way with JavaScript on and off: the sentence a person reads for
 * each error the API answers, and where a form leads next. The server runs these functions for
 * forms posted without JavaScript; app.js carries their source (Function.prototype.toString) and
 * runs them in the browser after calling the API routes. So each function here must stand alone:
 * no imports, no names from this module, only its parameters and JavaScript's built-ins; and no
 * named function inside it, which the bundler's keepNames would wrap in a helper of its own module
 * (tests/pages/app-js.test.ts runs app.js as the deployed bundle serves it, to prove it).
 */

/** An API error message (a regular expression), the form field it concerns, and its sentence. */
export type MessageRule = readonly [pattern: string, field: string | null, sentence: string];

/**
 * Every error message the API routes can answer, as a sentence. `$1` is the pattern's first group;
 * `{retry}` is the wait that Retry-After gives. Messages the routes answer are in lib/ (errors,
 * email, password policy, body parsing) and lib/http/csrf.ts.
 */
export const MESSAGE_RULES: readonly MessageRule[] = [
  [
    '^email already registered$',
    'email',
    'An account already uses this email. Log in, or sign up with another email.',
  ],
  [
    '^email is not a valid email address$',
    'email',
    'Enter an email address like name@example.com.',
  ],
  ['^email is not registered$', 'email', 'No account uses this email. Check it, or sign up.'],
  ['^email is required$', 'email', 'Enter your email address.'],
  ['^password is required$', 'password', 'Enter your password.'],
  ['^new_password is required$', 'new_password', 'Enter a new password.'],
  ['^reset_token is required$', 'reset_token', 'Enter the reset code from the mail.'],
  ['^(\\w+) must be a string$', '$1', 'This field could not be read. Enter it again.'],
  [
    '^(\\w+) is given more than once$',
    '$1',
    'This field was sent twice. Reload the page and try again.',
  ],
  [
    '^password must be at least (\\d+) characters long$',
    'password',
    'Choose a password of at least $1 characters.',
  ],
  [
    '^password must be at most (\\d+) bytes',
    'password',
    'This password is too long: keep it within $1 bytes (an accented letter or a symbol takes two to four).',
  ],
  [
    '^password must not contain NUL characters$',
    'password',
    'The password holds a character that cannot be used (NUL). Remove it.',
  ],
  [
    '^password is too common',
    'password',
    'This password is too common and easy to guess. Choose another one.',
  ],
  [
    '^wrong email or password$',
    'password',
    'The email or the password is wrong. Check both and try again.',
  ],
  [
    '^too many failed logins',
    'password',
    'Too many wrong passwords: this account is locked for now. Try again in {retry}, or reset your password.',
  ],
  [
    '^reset token is invalid or expired$',
    'reset_token',
    'This reset code is wrong or has expired. Ask for a new one.',
  ],
  ['^no live session$', null, 'You are not logged in, or your session has ended. Log in again.'],
  [
    '^cross-site request refused$',
    null,
    'This form was sent from another site, so it was refused. Open this page here and try again.',
  ],
  ['^request body is larger than', null, 'What you entered is too long. Shorten it and try again.'],
  ['^(\\w+) is a file:', '$1', 'This field was sent as a file. Enter it as text and try again.'],
  [
    '^((JSON |form )?body |charset )',
    null,
    'The form could not be read. Reload the page and try again.',
  ],
  [
    '^service temporarily unavailable',
    null,
    'The service is busy right now. Wait a moment and try again.',
  ],
];

export interface Problem {
  /** The form field it concerns, or null for the form as a whole. */
  field: string | null;
  text: string;
}

/**
 * The sentence for an API error answer, next to the field of `fields` it concerns. Anything no rule
 * knows (a 500, a gateway's own answer, no answer at all) gets a plain apology for the whole form.
 */
export function describeProblem(
  rules: readonly MessageRule[],
  message: unknown,
  retryAfterSeconds: number | null,
  fields: readonly string[],
): Problem {
  for (const [pattern, field, sentence] of rules) {
    const match = typeof message === 'string' ? new RegExp(pattern, 'u').exec(message) : null;
    if (match === null) continue;
    const group = match[1] ?? '';
    let name = field === null ? null : field.replace('$1', group);
    // The password rules say `password` whichever route applied them; the reset form's is new_password.
    if (name === 'password' && !fields.includes(name)) name = 'new_password';
    const seconds = retryAfterSeconds ?? 60;
    const minutes = Math.ceil(seconds / 60);
    const wait =
      seconds < 60
        ? `${seconds} second${seconds === 1 ? '' : 's'}`
        : `${minutes} minute${minutes === 1 ? '' : 's'}`;
    return {
      field: name !== null && fields.includes(name) ? name : null,
      text: sentence.replace('$1', group).replace('{retry}', wait),
    };
  }
  return { field: null, text: 'Something went wrong on our side. Try again in a moment.' };
}

/**
 * Where the browser goes after a form's API call answered `status` with `answer`, or null to stay
 * and show the problem. `form` is the page the form is on (`logout` for the profile's button).
 */
export function nextPage(
  form: string,
  status: number,
  answer: Record<string, unknown>,
): string | null {
  // DELETE /sessions answers 302 to /; a 403 means the session had already ended.
  if (form === 'logout') {
    if (status === 302) return '/account/login?notice=logged-out';
    return status === 403 ? '/account/login?notice=session-ended' : null;
  }
  if (status !== 200) return null;
  switch (form) {
    case 'signup':
      return '/account/login?notice=registered';
    case 'login':
      return '/account/profile';
    case 'forgot-password': {
      // The local stage answers the token itself; deployed stages mail a link to the reset page.
      if (typeof answer.reset_token !== 'string' || typeof answer.email !== 'string') {
        return '/account/forgot-password?notice=mail-sent';
      }
      const query = new URLSearchParams({ email: answer.email, reset_token: answer.reset_token });
      return `/account/reset-password?${query.toString()}`;
    }
    case 'reset-password':
      return '/account/login?notice=password-updated';
    default:
      return null;
  }
}
