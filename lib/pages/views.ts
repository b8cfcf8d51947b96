import { documentOf, escapeHtml, linksHtml, noticeHtml, type FieldSpec } from './html';
import type { SessionView } from '../auth/sessions';
import { formHtml, type ApiRoute, type FormFill } from './form';
import type { ProfileAction } from './next-page';
import type { Problem } from './sentences';
import {
  FACTOR_PROOF_FIELDS,
  isSecondFactorForm,
  loginStepHtml,
  secondFactorFormFields,
  secondFactorSectionHtml,
  type SecondFactorView,
} from './second-factor-views';

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

/** What a page that is one form may also show. */
interface FormPageExtras {
  /** Shown after the error of this code, with the email typed: a second form (FOLLOW_UPS). */
  followUp?: FollowUpName;
  /** The notice that says the page's work is done: the page then shows it without its form. */
  doneNotice?: string;
}

/** The pages that are one form each, by the name in their path (/account/<name>). */
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
    // A stage that requires a confirmed address says so after the right password.
    followUp: 'resend-verification',
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
  // Where the verification mail's link lands (verify-email?email=...&verification_token=...).
  // Following a link changes nothing by itself (a mail scanner may fetch it): the button does.
  'verify-email': {
    title: 'Confirm your email address',
    intro: 'Confirm that this address is yours: the link in the mail filled in the form.',
    api: { method: 'PUT', path: '/verify_email' },
    fields: [
      EMAIL,
      {
        name: 'verification_token',
        label: 'Confirmation code',
        type: 'text',
        autocomplete: 'one-time-code',
        hint: 'The code from the confirmation mail (the link in the mail fills it in).',
      },
    ],
    submit: 'Confirm my email',
    links: [
      ['resend-verification', 'Ask for a new confirmation link'],
      ['login', 'Log in'],
    ],
    doneNotice: 'email-verified',
  },
  'resend-verification': {
    title: 'Get a new confirmation link',
    intro:
      'Give the email of your account: if it is not confirmed yet, a mail with a new link goes to it.',
    api: { method: 'POST', path: '/verify_email' },
    fields: [EMAIL],
    submit: 'Send a new link',
    links: [['login', 'Back to log in']],
  },
} satisfies Record<string, FormPage & FormPageExtras>;

export type FormName = keyof typeof FORM_PAGES;

/**
 * The second forms a page shows after one error (on the login page: an address not confirmed
 * yet): a button that sends on the email the page's form holds. Hidden until that error, by the
 * server for a form posted without JavaScript, else by app.js (data-shown-on).
 */
const FOLLOW_UPS = {
  'resend-verification': {
    code: 'email_not_verified',
    api: { method: 'POST', path: '/verify_email' },
    submit: 'Send the mail again',
  },
} as const;

type FollowUpName = keyof typeof FOLLOW_UPS;

/** The profile's log-out button: a form of its own, posted to /account/logout. */
export const LOGOUT_API: ApiRoute = { method: 'DELETE', path: '/sessions' };

/** What `?notice=` may say on a page: fixed sentences, never text taken from the URL. */
export const NOTICES: Record<string, string> = {
  registered: 'Your account is created. Log in with its email and password.',
  'logged-out': 'You are logged out.',
  'session-ended': 'Your session had already ended.',
  'login-needed': 'Log in to see your profile.',
  'login-to-confirm': 'Log in to confirm your new email address.',
  'session-removed': 'That session is ended: its device is logged out.',
  'other-sessions-ended': 'Your other sessions are ended: only this device stays logged in.',
  'mail-sent':
    'If an account uses this email, a mail with a reset code and a link is on its way to it.',
  'password-updated': 'Your password is changed. Log in with the new one.',
  'password-changed':
    'Your password is changed. Your other sessions are ended: log in there with the new one.',
  'verification-sent':
    'A mail with a new confirmation link is on its way, unless one went out in the last minute. Follow its link to confirm your address.',
  'email-verified': 'Your email address is confirmed.',
  'email-change-sent':
    'A mail with a link is on its way to the new address. Your email changes when you follow it, within the hour; until then, keep using the current one.',
  'email-changed': 'Your email address is changed. Log in with the new one from now on.',
  'account-deleted':
    'Your account is deleted and every session of it ended. Its email address is free to register again.',
  'login-expired':
    'This login took too long or had too many wrong codes. Log in again with your password.',
  'recovery-code-used':
    'You logged in with a recovery code, which now no longer works. Make new ones below when few are left.',
  'mfa-disabled':
    'Two-factor authentication is off: logging in asks for your password alone. Your other sessions are ended.',
  'mfa-setup-expired':
    'That setup of two-factor authentication had expired, or was replaced. Start again.',
};

export function isFormName(name: string): name is FormName {
  return Object.hasOwn(FORM_PAGES, name);
}

export interface FormState extends FormFill {
  /** The code of the problem's error: which follow-up form it shows. */
  code?: string | null;
  notice?: string | undefined;
  /** The notice's name in the address (`?notice=`): whether the page's work is done. */
  noticeName?: string | undefined;
  /** Where the login form leads back to (a return page: lib/pages/next-page.ts). */
  next?: string | null;
  /**
   * On the login page: the challenge of a right password to an account with a second factor.
   * The page then shows the login's second step in place of its form.
   */
  mfaToken?: string | undefined;
}

/** The follow-up form of a page, carrying the email its own form holds. */
function followUpHtml(name: FollowUpName, state: FormState): string {
  const followUp = FOLLOW_UPS[name];
  return formHtml({
    page: name,
    action: name,
    api: followUp.api,
    hidden: { email: state.values?.email ?? '' },
    submit: followUp.submit,
    idPrefix: 'follow-up-',
    shownOn: followUp.code,
    shown: state.code === followUp.code,
  });
}

/** A form's address: `name`, with the page to go back to after it (`?next=`). */
function actionOf(name: string, next: string | null | undefined): string {
  return next ? `${name}?${new URLSearchParams({ next }).toString()}` : name;
}

export function formPageHtml(name: FormName, state: FormState = {}): string {
  const page: FormPage & FormPageExtras = FORM_PAGES[name];
  // The login's second step, which the forms function answers a right password with, alone.
  const step = state.mfaToken !== undefined;
  const done = (page.doneNotice !== undefined && page.doneNotice === state.noticeName) || step;
  const form = formHtml(
    {
      page: name,
      action: actionOf(name, state.next),
      api: page.api,
      fields: page.fields,
      submit: page.submit,
    },
    state,
  );
  return documentOf(
    page.title,
    [
      noticeHtml(state.notice),
      page.intro === undefined || done ? '' : `<p>${escapeHtml(page.intro)}</p>`,
      done ? '' : form,
      page.followUp === undefined || step ? '' : followUpHtml(page.followUp, state),
      name === 'login'
        ? loginStepHtml(actionOf('login-mfa', state.next), state.mfaToken, state)
        : '',
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

/** What the profile shows of the account besides its sessions. */
export interface AccountView {
  email: string;
  /** The stage verifies addresses and this one is not confirmed yet: the banner shows. */
  unconfirmed: boolean;
  /** The address a change waits to move to (its link still works), or null. */
  pendingEmail: string | null;
  secondFactor: SecondFactorView;
}

/** The profile's forms that take typed values, each in a section of its own. */
const PROFILE_FORMS = {
  'change-password': {
    title: 'Change your password',
    intro: 'Your other sessions end when it changes; this one stays.',
    api: { method: 'PUT', path: '/password' },
    fields: [
      password('password', 'Current password', 'current-password'),
      password('new_password', 'New password', 'new-password'),
    ],
    submit: 'Change password',
  },
  'change-email': {
    title: 'Change your email',
    intro:
      'A link goes to the new address, and your email changes when you follow it. Until then, your current address stays in use.',
    api: { method: 'POST', path: '/email_change' },
    fields: [
      { name: 'new_email', label: 'New email', type: 'email', autocomplete: 'email' },
      password('password', 'Password', 'current-password'),
    ],
    submit: 'Send the confirmation link',
  },
} as const satisfies Record<string, Omit<FormPage, 'links'>>;

type ProfileFormName = keyof typeof PROFILE_FORMS;

/** The profile forms that also ask for the second factor, where the account has one. */
const FACTOR_CHECKED: readonly ProfileFormName[] = ['change-email'];

/**
 * The fields of a profile form, when `action` is one that takes typed values: with the second
 * factor's, where the form may ask for them.
 */
export function profileFormFields(action: ProfileAction): readonly FieldSpec[] {
  if (isSecondFactorForm(action)) return secondFactorFormFields(action);
  if (!Object.hasOwn(PROFILE_FORMS, action)) return [];
  const name = action as ProfileFormName;
  const fields = PROFILE_FORMS[name].fields;
  return FACTOR_CHECKED.includes(name) ? [...fields, ...FACTOR_PROOF_FIELDS] : fields;
}

export interface ProfileState {
  notice?: string | undefined;
  /** What went wrong with one of its forms (a session that had already ended ...). */
  problem?: Problem | undefined;
  /** The form the problem belongs to, with what was typed in it. */
  form?: ProfileAction | undefined;
  values?: Record<string, string>;
}

/** The banner of an address not confirmed yet, with a button that mails the link again. */
function unconfirmedHtml(email: string): string {
  return `<section class="banner" aria-labelledby="banner-title">
<h2 id="banner-title">Confirm your email address</h2>
<p>Follow the link in the mail we sent to ${escapeHtml(email)} to confirm that the address is yours.</p>
${formHtml({
  page: 'resend-verification',
  action: 'resend-verification?next=profile',
  api: { method: 'POST', path: '/verify_email' },
  hidden: { email },
  submit: 'Send the mail again',
  idPrefix: 'banner-',
})}
</section>`;
}

function profileFormHtml(
  name: ProfileFormName,
  account: AccountView,
  state: ProfileState,
  extra = '',
): string {
  const form = PROFILE_FORMS[name];
  const own = state.form === name ? state : {};
  // Where the account has a second factor, the forms that ask for it show its fields.
  const fields =
    account.secondFactor.enabled && FACTOR_CHECKED.includes(name)
      ? [...form.fields, ...FACTOR_PROOF_FIELDS]
      : form.fields;
  return `<section aria-labelledby="${name}-title">
<h2 id="${name}-title">${escapeHtml(form.title)}</h2>
<p>${escapeHtml(form.intro)}</p>${extra}
${formHtml({ page: name, action: name, api: form.api, fields, submit: form.submit, idPrefix: `${name}-` }, own)}
</section>`;
}

function pendingEmailHtml(pendingEmail: string | null): string {
  return pendingEmail === null
    ? ''
    : `\n<p id="pending-email" class="pending">Waiting for confirmation: <strong>${escapeHtml(pendingEmail)}</strong>. Follow the link mailed there within the hour, or send a new one.</p>`;
}

/** Deleting the account is a page of its own, which names what it does and asks the password. */
const DELETE_SECTION = `<section aria-labelledby="delete-title">
<h2 id="delete-title">Delete your account</h2>
<p>Closing the account cannot be undone. The next page says what it does and asks for your password.</p>
<p><a href="delete-account">Delete your account</a></p>
</section>`;

export function profilePageHtml(
  account: AccountView,
  sessions: readonly SessionView[],
  state: ProfileState = {},
): string {
  // A session button's problem goes above; a form's, into the form, next to its field.
  const inForm =
    state.form !== undefined && (state.form in PROFILE_FORMS || isSecondFactorForm(state.form));
  const problem =
    state.problem === undefined || inForm
      ? ''
      : `<p class="form-error" role="alert">${escapeHtml(state.problem.text)}</p>`;
  return documentOf(
    'Your profile',
    [
      noticeHtml(state.notice),
      problem,
      account.unconfirmed ? unconfirmedHtml(account.email) : '',
      `<dl>\n<dt>Email</dt>\n<dd id="profile-email">${escapeHtml(account.email)}</dd>\n</dl>`,
      sessionsHtml(sessions),
      profileFormHtml('change-password', account, state),
      profileFormHtml('change-email', account, state, pendingEmailHtml(account.pendingEmail)),
      secondFactorSectionHtml(account.secondFactor, state),
      DELETE_SECTION,
      formHtml({ page: 'logout', action: 'logout', api: LOGOUT_API, submit: 'Log out' }),
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
