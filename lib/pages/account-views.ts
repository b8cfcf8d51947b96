/**
 * The pages of a logged-in account besides the profile: each shows what it will do to the
 * account and takes one form. Like the profile, they are shown only with a live session
 * (lib/pages/session-pages.ts).
 */
import { documentOf, escapeHtml, linksHtml, type FieldSpec } from './html';
import { formHtml, type FormSpec } from './form';
import { FACTOR_PROOF_FIELDS, type SecondFactorView } from './second-factor-views';
import type { FormState } from './views';

export interface SessionPageAccount {
  email: string;
  pendingEmail: string | null;
  secondFactor: SecondFactorView;
}

/** The one form of each of these pages (the email change's token is not typed: it is hidden). */
export const SESSION_PAGE_FORMS = {
  'confirm-email': {
    api: { method: 'PUT', path: '/email_change' },
    fields: [],
    submit: 'Change my email',
  },
  'delete-account': {
    api: { method: 'DELETE', path: '/users/me' },
    fields: [
      {
        name: 'password',
        label: 'Password',
        type: 'password',
        autocomplete: 'current-password',
        hint: 'Your password, to confirm that it is you.',
      },
    ],
    submit: 'Delete my account',
  },
} as const satisfies Record<string, Pick<FormSpec, 'api' | 'fields' | 'submit'>>;

/**
 * Where the email-change mail's link lands (confirm-email?token=...), once logged in. The button
 * confirms: following a link changes nothing by itself (a mail scanner may fetch it).
 */
export function confirmEmailPageHtml(
  account: SessionPageAccount,
  token: string,
  state: FormState = {},
): string {
  const strong = (email: string) => `<strong>${escapeHtml(email)}</strong>`;
  const question =
    account.pendingEmail === null
      ? 'Confirm the change of your email address.'
      : `Change the email of your account from ${strong(account.email)} to ${strong(account.pendingEmail)}?`;
  const form = SESSION_PAGE_FORMS['confirm-email'];
  return documentOf(
    'Confirm your new email',
    [
      `<p>${question} From then on, you log in with the new address.</p>`,
      formHtml(
        { ...form, page: 'confirm-email', action: 'confirm-email', hidden: { token } },
        state,
      ),
      linksHtml([['profile', 'Back to your profile']]),
    ].join('\n'),
  );
}

/**
 * The fields of a session page's form, as an error's sentence finds its place: the deletion's
 * with the second factor's, which it asks for where the account has one.
 */
export function sessionPageFormFields(name: keyof typeof SESSION_PAGE_FORMS): readonly FieldSpec[] {
  const { fields } = SESSION_PAGE_FORMS[name];
  return name === 'delete-account' ? [...fields, ...FACTOR_PROOF_FIELDS] : fields;
}

/**
 * The second step of deleting the account: what it does, plainly, and the password (and the
 * second factor, where the account has one).
 */
export function deleteAccountPageHtml(account: SessionPageAccount, state: FormState = {}): string {
  const { fields, ...form } = SESSION_PAGE_FORMS['delete-account'];
  return documentOf(
    'Delete your account',
    [
      `<p>This deletes the account of <strong>${escapeHtml(account.email)}</strong>:</p>`,
      '<ul class="consequences">',
      '<li>every session of it ends at once, on every device, this one too;</li>',
      '<li>its email address can be registered again, by anyone;</li>',
      '<li>nothing can be undone: the account cannot be brought back.</li>',
      '</ul>',
      formHtml(
        {
          ...form,
          fields: account.secondFactor.enabled ? [...fields, ...FACTOR_PROOF_FIELDS] : fields,
          page: 'delete-account',
          action: 'delete-account',
          danger: true,
        },
        state,
      ),
      linksHtml([['profile', 'Keep my account: back to your profile']]),
    ].join('\n'),
  );
}
