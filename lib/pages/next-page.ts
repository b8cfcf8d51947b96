/**
 * Where a form leads once its API call is done: the same rule whether the browser called the API
 * (app.js imports this module) or the server ran the service for a form posted without JavaScript.
 * It imports nothing, so it runs in both places. Each next page is relative to the page the form
 * is on, as a 303's Location and as app.js's navigation alike, so it stays under the base path the
 * pages are mounted at.
 */

/** How a form's call ended: its answer's JSON, or the code of its error (null: no answer). */
export type Outcome =
  { ok: true; answer: Record<string, unknown> } | { ok: false; code: string | null };

/**
 * The profile's forms, each posted to /account/<name>; an error comes back on the profile. The
 * session buttons, and the second factor's forms whose answer is a page of the server's (the
 * enrolment's QR code, new recovery codes), are plain forms, posted as they are with JavaScript
 * on or off; the others go through app.js (their forms have data-api).
 */
const PROFILE_ACTIONS = [
  'logout',
  'end-session',
  'end-other-sessions',
  'change-password',
  'change-email',
  'enrol-totp',
  'disable-totp',
  'replace-recovery-codes',
] as const;

export type ProfileAction = (typeof PROFILE_ACTIONS)[number];

export function isProfileAction(name: string): name is ProfileAction {
  return (PROFILE_ACTIONS as readonly string[]).includes(name);
}

/**
 * The forms of a step within another page, which no address shows by itself: the login's code
 * (on the login page, after the right password) and the enrolment's first code (on the page that
 * the enrolment answers with).
 */
const STEP_FORMS = ['login-mfa', 'confirm-totp'] as const;

export type StepForm = (typeof STEP_FORMS)[number];

export function isStepForm(name: string): name is StepForm {
  return (STEP_FORMS as readonly string[]).includes(name);
}

/**
 * The pages a form may lead back to, given as `next` in the address of the form's page (the
 * login page's, for a link that needs a session first). Only these: a `next` from a link in a
 * mail or elsewhere must not lead off the pages (an open redirect).
 */
const RETURN_PAGES = ['profile', 'confirm-email'];

/**
 * `next` as a page address relative to the pages (`confirm-email?token=...`), or null unless it
 * names one of the return pages, on this origin, under the pages' own folder.
 */
export function returnPage(next: string | null | undefined): string | null {
  if (next === null || next === undefined || next === '') return null;
  const base = 'https://pages.invalid/account/';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return null;
  }
  const name = url.pathname.slice('/account/'.length);
  const here = url.origin === new URL(base).origin && url.pathname.startsWith('/account/');
  return here && RETURN_PAGES.includes(name) ? `${name}${url.search}` : null;
}

/** After a profile form: the login page once this device's session is gone, else the profile. */
function afterProfileForm(form: ProfileAction, outcome: Outcome): string | null {
  if (!outcome.ok) {
    return outcome.code === 'no_live_session' ? 'login?notice=session-ended' : null;
  }
  switch (form) {
    case 'end-other-sessions':
      return 'profile?notice=other-sessions-ended';
    case 'change-password':
      return 'profile?notice=password-changed';
    case 'change-email':
      return 'profile?notice=email-change-sent';
    case 'end-session':
      // Ending one's own session by its button is a logout.
      if (outcome.answer.current !== true) return 'profile?notice=session-removed';
      return 'login?notice=logged-out';
    case 'logout':
      return 'login?notice=logged-out';
    case 'disable-totp':
      return 'profile?notice=mfa-disabled';
    case 'enrol-totp':
    case 'replace-recovery-codes':
      // Answered with a page of their own (the QR code, the new codes), never sent on.
      return null;
  }
}

/** After the login's code: where a login goes; back to log in when the challenge is over. */
function afterLoginStep(outcome: Outcome, next: string | null): string {
  const back = returnPage(next);
  if (!outcome.ok) {
    const query = new URLSearchParams({ notice: 'login-expired', ...(back && { next: back }) });
    return `login?${query.toString()}`;
  }
  if (back !== null) return back;
  // A recovery code was spent: the profile says so, where new ones are made.
  return typeof outcome.answer.recovery_codes_remaining === 'number'
    ? 'profile?notice=recovery-code-used'
    : 'profile';
}

/**
 * After a step's form: see afterLoginStep. The enrolment's first code is answered with the
 * recovery codes, a page of its own; it leads away only once the enrolment is gone.
 */
function afterStep(form: StepForm, outcome: Outcome, next: string | null): string | null {
  const code = outcome.ok ? null : outcome.code;
  if (code === 'no_live_session') return 'login?notice=session-ended';
  if (form === 'login-mfa') {
    return outcome.ok || code === 'invalid_mfa_token' ? afterLoginStep(outcome, next) : null;
  }
  return code === 'mfa_enrolment_missing' ? 'profile?notice=mfa-setup-expired' : null;
}

/** After a form of a page that needs a session: the login page once the session is gone. */
function afterSessionForm(form: string, outcome: Outcome): string | null {
  if (!outcome.ok) return outcome.code === 'no_live_session' ? 'login?notice=session-ended' : null;
  return form === 'delete-account'
    ? 'login?notice=account-deleted'
    : 'profile?notice=email-changed';
}

/**
 * The next page, or null to stay and show the problem. `form` is the page the form is on, or the
 * profile's form (`logout`, `change-password` ...); `next` is the `next` of the form's address
 * (see returnPage).
 */
export function nextPage(
  form: string,
  outcome: Outcome,
  next: string | null = null,
): string | null {
  if (isProfileAction(form)) return afterProfileForm(form, outcome);
  if (isStepForm(form)) return afterStep(form, outcome, next);
  if (form === 'delete-account' || form === 'confirm-email') {
    return afterSessionForm(form, outcome);
  }
  if (!outcome.ok) return null;
  const { answer } = outcome;
  switch (form) {
    case 'signup':
      return 'login?notice=registered';
    case 'login':
      return returnPage(next) ?? 'profile';
    case 'forgot-password': {
      // The local stage answers the token itself; deployed stages mail a link to the reset page.
      if (typeof answer.reset_token !== 'string' || typeof answer.email !== 'string') {
        return 'forgot-password?notice=mail-sent';
      }
      const query = new URLSearchParams({ email: answer.email, reset_token: answer.reset_token });
      return `reset-password?${query.toString()}`;
    }
    case 'reset-password':
      return 'login?notice=password-updated';
    case 'verify-email':
      return 'verify-email?notice=email-verified';
    case 'resend-verification':
      // From the profile's banner, back to it; else (the login page, the verification page) on
      // to log in once the link is followed.
      return returnPage(next) === 'profile'
        ? 'profile?notice=verification-sent'
        : 'login?notice=verification-sent';
    default:
      return null;
  }
}
