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
 * The profile's buttons, each a form posted to /account/<name>. Only logout goes through app.js
 * (its form has data-api); the session buttons are plain forms, posted as they are with
 * JavaScript on or off.
 */
const PROFILE_ACTIONS = ['logout', 'end-session', 'end-other-sessions'] as const;

export type ProfileAction = (typeof PROFILE_ACTIONS)[number];

export function isProfileAction(name: string): name is ProfileAction {
  return (PROFILE_ACTIONS as readonly string[]).includes(name);
}

/** After a profile button: the login page once this device's session is gone, else the profile. */
function afterProfileButton(form: string, outcome: Outcome): string | null {
  if (!outcome.ok) {
    return outcome.code === 'no_live_session' ? 'login?notice=session-ended' : null;
  }
  if (form === 'end-other-sessions') return 'profile?notice=other-sessions-ended';
  // Ending one's own session by its button is a logout.
  if (form === 'end-session' && outcome.answer.current !== true) {
    return 'profile?notice=session-removed';
  }
  return 'login?notice=logged-out';
}

/**
 * The next page, or null to stay and show the problem. `form` is the page the form is on, or the
 * profile's button (`logout`, `end-session`, `end-other-sessions`).
 */
export function nextPage(form: string, outcome: Outcome): string | null {
  if (isProfileAction(form)) return afterProfileButton(form, outcome);
  if (!outcome.ok) return null;
  const { answer } = outcome;
  switch (form) {
    case 'signup':
      return 'login?notice=registered';
    case 'login':
      return 'profile';
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
    default:
      return null;
  }
}
