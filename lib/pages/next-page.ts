/**
 * Where a form leads once its API call is done: the same rule whether the browser called the API
 * (app.js imports this module) or the server ran the service for a form posted without JavaScript.
 * It imports nothing, so it runs in both places.
 */

/** How a form's call ended: its answer's JSON, or the code of its error (null: no answer). */
export type Outcome =
  { ok: true; answer: Record<string, unknown> } | { ok: false; code: string | null };

/**
 * The next page, or null to stay and show the problem. `form` is the page the form is on
 * (`logout` for the profile's button).
 */
export function nextPage(form: string, outcome: Outcome): string | null {
  if (form === 'logout') {
    if (outcome.ok) return '/account/login?notice=logged-out';
    return outcome.code === 'no_live_session' ? '/account/login?notice=session-ended' : null;
  }
  if (!outcome.ok) return null;
  const { answer } = outcome;
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
