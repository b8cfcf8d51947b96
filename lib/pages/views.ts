import {
  documentOf,
  escapeHtml,
  fieldHtml,
  formErrorHtml,
  linksHtml,
  noticeHtml,
  type FieldSpec,
} from './html';
import type { SessionView } from '../auth/sessions';
import type { ProfileAction } from './next-page';
import type { Problem } from './sentences';

/** The API route a form's data goes to, with JavaScript (app.js) or without (the pages Lambda). */
export interface ApiRoute {
  method: string;
  path: string;
}

export interface FormPage {
  title: string;
  intro?: string;
  api: ApiRoute;
  fields: readonly FieldSpec[];
  submit: string;
  links: readonly (readonly [href: string, text: string])[];
}

const EMAIL: FieldSpec = { name: 'email', label: 'Email', type: 'email', autocomplete: 'email' };

/** A password field; `autocomplete` tells password managers whether to fill or to generate. */
function password(name: string, label: string, autocomplete: string): FieldSpec {
  return { name, label, type: 'password', autocomplete };
}

/** The four pages that are one form each, by the name in their path (/account/<name>). */
export const FORM_PAGES = {
  signup: {
    title: 'Create an account',
    api: { method: 'POST', path: '/users' },
    fields: [EMAIL, password('password', 'Password', 'new-password')],
    submit: 'Create account',
    links: [['login', 'Already have an account? Log in']],
  },
  login: {
    title: 'Log in',
    api: { method: 'POST', path: '/sessions' },
    fields: [EMAIL, password('password', 'Password', 'current-password')],
    submit: 'Log in',
    links: [
      ['forgot-password', 'Forgot your password?'],
      ['signup', 'No account yet? Create one'],
    ],
  },
  'forgot-password': {
    title: 'Forgot your password',
    intro: 'Give the email of your account: you get a reset code to set a new password.',
    api: { method: 'POST', path: '/reset_password' },
    fields: [EMAIL],
    submit: 'Get a reset code',
    links: [['login', 'Back to log in']],
  },
  'reset-password': {
    title: 'Set a new password',
    api: { method: 'PUT', path: '/reset_password' },
    fields: [
      EMAIL,
      {
        name: 'reset_token',
        label: 'Reset code',
        type: 'text',
        autocomplete: 'one-time-code',
        hint: 'The code from the reset mail (the link in the mail fills it in).',
      },
      password('new_password', 'New password', 'new-password'),
    ],
    submit: 'Set new password',
    links: [['forgot-password', 'Ask for a new reset code']],
  },
} satisfies Record<string, FormPage>;

export type FormName = keyof typeof FORM_PAGES;

/** The profile's log-out button: a form of its own, posted to /account/logout. */
export const LOGOUT_API: ApiRoute = { method: 'DELETE', path: '/sessions' };

/** What `?notice=` may say on a page: fixed sentences, never text taken from the URL. */
export const NOTICES: Record<string, string> = {
  registered: 'Your account is created. Log in with its email and password.',
  'logged-out': 'You are logged out.',
  'session-ended': 'Your session had already ended.',
  'login-needed': 'Log in to see your profile.',
  'session-removed': 'That session is ended: its device is logged out.',
  'other-sessions-ended': 'Your other sessions are ended: only this device stays logged in.',
  'mail-sent':
    'If an account uses this email, a mail with a reset code and a link is on its way to it.',
  'password-updated': 'Your password is changed. Log in with the new one.',
};

export function isFormName(name: string): name is FormName {
  return Object.hasOwn(FORM_PAGES, name);
}

export interface FormState {
  /** What the fields hold (passwords are never written back). */
  values?: Record<string, string>;
  problem?: Problem;
  notice?: string | undefined;
}

function formHtml(
  page: string,
  action: string,
  api: ApiRoute,
  inner: string,
  submit: string,
): string {
  // data-page and data-api tell app.js which API route to call and which page's rules apply. The
  // route's path is written from the page (/account/<page>): one level up is the API's root.
  return `<form method="post" action="${action}" data-page="${page}" data-api="${api.method} ..${api.path}" novalidate>
${inner}
<button type="submit">${escapeHtml(submit)}</button>
</form>`;
}

export function formPageHtml(name: FormName, state: FormState = {}): string {
  const page: FormPage = FORM_PAGES[name];
  const { problem } = state;
  const fields = page.fields.map((spec) =>
    fieldHtml(
      spec,
      state.values?.[spec.name] ?? '',
      problem?.field === spec.name ? problem.text : undefined,
    ),
  );
  const formError = problem !== undefined && problem.field === null ? problem.text : undefined;
  const inner = [formErrorHtml(formError), ...fields].join('\n');
  return documentOf(
    page.title,
    [
      noticeHtml(state.notice),
      page.intro === undefined ? '' : `<p>${escapeHtml(page.intro)}</p>`,
      formHtml(name, name, page.api, inner, page.submit),
      linksHtml(page.links),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** "2025-01-02 13:04 UTC": the same for every reader, whatever their time zone. */
function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A plain form of the profile (no data-api: app.js leaves it to the browser). */
function plainFormHtml(action: ProfileAction, inner: string, button: string): string {
  return `<form method="post" action="${action}">${inner}${button}</form>`;
}

/**
 * One session: its device, its last use, and the button that ends it (this device's too: a
 * logout). Each button says the same, so it is described by its session's line, which screen
 * readers read with it.
 */
function sessionHtml(session: SessionView, index: number): string {
  const line = `session-${index}`;
  const here = session.current ? ' <strong>(this device)</strong>' : '';
  const { last_used_at: lastUsed } = session;
  const time = `<time datetime="${escapeHtml(lastUsed)}">${readableTime(lastUsed)}</time>`;
  return `<li>
<p id="${line}"><span class="device">${escapeHtml(session.user_agent)}</span>${here}<br>Last used ${time}</p>
${plainFormHtml(
  'end-session',
  `<input type="hidden" name="id" value="${escapeHtml(session.id)}">`,
  `<button type="submit" aria-describedby="${line}">End this session</button>`,
)}
</li>`;
}

function sessionsHtml(sessions: readonly SessionView[]): string {
  const others = sessions.some((s) => !s.current)
    ? plainFormHtml(
        'end-other-sessions',
        '',
        '<button type="submit">End all other sessions</button>',
      )
    : '';
  return [
    '<h2>Your sessions</h2>',
    `<ul class="sessions">\n${sessions.map(sessionHtml).join('\n')}\n</ul>`,
    others,
  ]
    .filter(Boolean)
    .join('\n');
}

export interface ProfileState {
  notice?: string | undefined;
  /** What went wrong with one of its buttons (a session that had already ended ...). */
  problem?: Problem | undefined;
}

export function profilePageHtml(
  email: string,
  sessions: readonly SessionView[],
  state: ProfileState = {},
): string {
  const problem =
    state.problem === undefined
      ? ''
      : `<p class="form-error" role="alert">${escapeHtml(state.problem.text)}</p>`;
  return documentOf(
    'Your profile',
    [
      noticeHtml(state.notice),
      problem,
      `<dl>\n<dt>Email</dt>\n<dd id="profile-email">${escapeHtml(email)}</dd>\n</dl>`,
      sessionsHtml(sessions),
      formHtml('logout', 'logout', LOGOUT_API, formErrorHtml(undefined), 'Log out'),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** A page that could not be shown (the profile while DynamoDB is down): the sentence, links on. */
export function problemPageHtml(title: string, text: string): string {
  return documentOf(
    title,
    [
      `<p class="form-error" role="alert">${escapeHtml(text)}</p>`,
      linksHtml([
        ['login', 'Log in'],
        ['signup', 'Create an account'],
      ]),
    ].join('\n'),
  );
}
