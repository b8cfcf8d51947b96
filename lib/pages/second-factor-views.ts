/**
 * The second factor's parts of the pages: the profile's section (set it up; turn it off, new
 * recovery codes), the enrolment's page (the QR code, the secret as text, the first code), the
 * recovery codes shown once, and the login's second step. The enrolment and the recovery codes
 * are pages the forms function answers a POST with: the secret and the codes travel in that page's
 * body alone, never in an address.
 */
import { documentOf, escapeHtml, linksHtml, noticeHtml, type FieldSpec } from './html';
import { formHtml, type FormFill, type FormSpec } from './form';

const CODE_FIELD: FieldSpec = {
  name: 'code',
  label: 'Code from your authenticator app',
  type: 'text',
  autocomplete: 'one-time-code',
  inputmode: 'numeric',
  oneTime: true,
  hint: 'The six digits the app shows for this account now.',
};

const RECOVERY_CODE_FIELD: FieldSpec = {
  name: 'recovery_code',
  label: 'Recovery code',
  type: 'text',
  autocomplete: 'off',
  oneTime: true,
  hint: 'One of the codes you saved when you set up two-factor authentication. Each works once.',
  folded: 'Use a recovery code instead',
};

/** What proves the second factor, as the forms ask for it: the app's code, or a recovery code. */
export const FACTOR_PROOF_FIELDS: readonly FieldSpec[] = [CODE_FIELD, RECOVERY_CODE_FIELD];

/** The enrolment's first code, which proves the app has the secret (no recovery codes yet). */
export const CONFIRM_FIELDS: readonly FieldSpec[] = [CODE_FIELD];

const PASSWORD: FieldSpec = {
  name: 'password',
  label: 'Your password',
  type: 'password',
  autocomplete: 'current-password',
};

/** The profile's forms of the second factor, by the name they post to (/account/<name>). */
const SECOND_FACTOR_FORMS = {
  // Answered with the enrolment's page: a plain form, posted by the browser.
  'enrol-totp': {
    fields: [PASSWORD],
    submit: 'Set up two-factor authentication',
  },
  // Answered with the new codes' page: a plain form too.
  'replace-recovery-codes': {
    fields: [PASSWORD, ...FACTOR_PROOF_FIELDS],
    submit: 'Make new recovery codes',
  },
  'disable-totp': {
    api: { method: 'DELETE', path: '/mfa/totp' },
    fields: [PASSWORD, ...FACTOR_PROOF_FIELDS],
    submit: 'Turn off two-factor authentication',
    danger: true,
  },
} as const satisfies Record<string, Pick<FormSpec, 'api' | 'fields' | 'submit' | 'danger'>>;

export type SecondFactorForm = keyof typeof SECOND_FACTOR_FORMS;

export function isSecondFactorForm(name: string): name is SecondFactorForm {
  return Object.hasOwn(SECOND_FACTOR_FORMS, name);
}

export function secondFactorFormFields(name: SecondFactorForm): readonly FieldSpec[] {
  return SECOND_FACTOR_FORMS[name].fields;
}

/** What the profile shows of the account's second factor. */
export interface SecondFactorView {
  enabled: boolean;
  /** How many of its recovery codes are unused. */
  recoveryCodesLeft: number;
}

/** The state of the profile's forms: which one a problem belongs to, with what was typed. */
export interface SecondFactorFormsState extends FormFill {
  form?: string | undefined;
}

function factorFormHtml(name: SecondFactorForm, state: SecondFactorFormsState): string {
  const own = state.form === name ? state : {};
  return formHtml(
    { ...SECOND_FACTOR_FORMS[name], page: name, action: name, idPrefix: `${name}-` },
    own,
  );
}

/**
 * The problem of a form of the section that its state no longer shows (turning off what another
 * session turned off already): above the section's forms.
 */
function strayProblemHtml(shown: readonly SecondFactorForm[], state: SecondFactorFormsState) {
  const { form, problem } = state;
  if (problem === undefined || form === undefined || !isSecondFactorForm(form)) return '';
  if (shown.includes(form)) return '';
  return `\n<p class="form-error" role="alert">${escapeHtml(problem.text)}</p>`;
}

/** The profile's section: set it up when off; new recovery codes or turn it off when on. */
export function secondFactorSectionHtml(
  view: SecondFactorView,
  state: SecondFactorFormsState,
): string {
  const title = '<h2 id="two-factor-title">Two-factor authentication</h2>';
  if (!view.enabled) {
    return `<section aria-labelledby="two-factor-title">
${title}
<p id="two-factor-state">Off. With it on, logging in also asks for a code from an authenticator app on your phone, so your password alone no longer opens your account.</p>${strayProblemHtml(['enrol-totp'], state)}
${factorFormHtml('enrol-totp', state)}
</section>`;
  }
  const left = view.recoveryCodesLeft;
  return `<section aria-labelledby="two-factor-title">
${title}
<p id="two-factor-state">On: logging in asks for a code from your authenticator app. ${left} unused recovery code${left === 1 ? '' : 's'} left.</p>${strayProblemHtml(['replace-recovery-codes', 'disable-totp'], state)}
<h3>New recovery codes</h3>
<p>Make a new set when yours are lost or running out: the old ones stop working, and your other sessions end.</p>
${factorFormHtml('replace-recovery-codes', state)}
<h3>Turn it off</h3>
<p>Logging in then asks for your password alone. Your other sessions end.</p>
${factorFormHtml('disable-totp', state)}
</section>`;
}

/** What an enrolment shows: the secret, the URI an app scans, and that URI as a QR code (SVG). */
export interface EnrolmentView {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

/**
 * The enrolment's page: scan the QR code (made on the server, inline: nothing is fetched) or type
 * the secret, then the app's first code, which turns the factor on (POST confirm-totp).
 */
export function enrolPageHtml(enrolment: EnrolmentView, state: FormFill = {}): string {
  const confirm = formHtml(
    {
      page: 'confirm-totp',
      action: 'confirm-totp',
      fields: CONFIRM_FIELDS,
      submit: 'Turn on two-factor authentication',
    },
    state,
  );
  return documentOf(
    'Set up two-factor authentication',
    [
      '<ol class="steps">',
      `<li><p>Scan this QR code with an authenticator app (such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis).</p>
<figure class="qr">${enrolment.qrSvg}</figure></li>`,
      `<li><p>Or, if you cannot scan it, type this key into the app (a time-based key):</p>
<p><code id="totp-secret" class="secret">${escapeHtml(enrolment.secret)}</code></p></li>`,
      `<li><p>Enter the code the app then shows, within ten minutes.</p>
${confirm}</li>`,
      '</ol>',
      linksHtml([['profile', 'Not now: back to your profile']]),
    ].join('\n'),
  );
}

/** The recovery codes as a file: a `data:` address the download link carries (nothing is fetched). */
function codesFile(codes: readonly string[]): string {
  const text = `Recovery codes (each logs in once)\n\n${codes.join('\n')}\n`;
  return `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
}

/**
 * The recovery codes, shown this once (only their digests are stored): readable and selectable
 * as text, downloadable as a file, and copied by a button that app.js shows (hidden without it).
 */
export function recoveryCodesPageHtml(codes: readonly string[], notice: string): string {
  const items = codes.map((code) => `<li><code>${escapeHtml(code)}</code></li>`).join('\n');
  return documentOf(
    'Your recovery codes',
    [
      noticeHtml(notice),
      '<p>If you lose your phone, each of these codes logs you in once instead of the app. Keep them somewhere safe, apart from your password: this page shows them this once only.</p>',
      `<ul id="recovery-codes" class="recovery-codes">\n${items}\n</ul>`,
      `<p class="code-actions"><button type="button" data-copy="recovery-codes" hidden>Copy the codes</button>
<a href="${codesFile(codes)}" download="recovery-codes.txt">Download the codes</a></p>`,
      '<p id="copy-status" class="notice" role="status"></p>',
      linksHtml([['profile', 'I have saved them: back to your profile']]),
    ].join('\n'),
  );
}

/**
 * The login's second step: the code (or a recovery code) for the challenge of `mfaToken`, carried
 * in a hidden field, never in an address. On the login page hidden until POST /sessions answers
 * `mfa_required` (app.js then gives it the token and shows it in the login form's place); shown
 * alone when the forms function answers the login form with it (`mfaToken` given).
 */
export function loginStepHtml(
  action: string,
  mfaToken: string | undefined,
  state: FormFill = {},
): string {
  return formHtml(
    {
      page: 'login-mfa',
      action,
      api: { method: 'POST', path: '/sessions/mfa' },
      intro:
        'Your password is right. Enter the code from your authenticator app to finish logging in.',
      hidden: { mfa_token: mfaToken ?? '' },
      fields: FACTOR_PROOF_FIELDS,
      submit: 'Log in',
      idPrefix: 'mfa-',
      shownOn: 'mfa_required',
      shown: mfaToken !== undefined,
      step: true,
    },
    state,
  );
}
