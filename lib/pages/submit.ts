import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Platform } from '../app';
import { accountDeletionServices } from '../auth/account-deletion';
import { emailChangeServices } from '../auth/email-changes';
import { emailVerificationServices } from '../auth/email-verification';
import { loginServices } from '../auth/logins';
import { mfaLoginServices } from '../auth/mfa-logins';
import { passwordChangeServices } from '../auth/password-changes';
import { passwordResetServices } from '../auth/password-resets';
import { registrationServices } from '../auth/registration';
import { resetRequestServices } from '../auth/reset-requests';
import { secondFactorSetupServices, type Enrolment } from '../auth/second-factor-setup';
import { sessionServices } from '../auth/sessions';
import { parseBody } from '../http/body';
import { FACTOR_FIELDS, proofOf, readConfirmedChange } from '../http/confirmed-change';
import {
  clearedSessionCookies,
  DEVICE_COOKIE,
  loginCookies,
  readCookie,
  SESSION_COOKIE,
} from '../http/cookies';
import type { ErrorAnswer } from '../http/error-answers';
import { readHeader } from '../http/headers';
import { readFields } from '../http/fields';
import { errorJson } from '../http/error-answers';
import { answerFor, type ErrorHandler, type RequestHandler } from '../http/lambda';
import type { HttpResponse } from '../http/response';
import { sessionPageFormFields } from './account-views';
import { isUnechoed, type FieldSpec } from './html';
import {
  isProfileAction,
  isStepForm,
  nextPage,
  returnPage,
  type ProfileAction,
  type StepForm,
} from './next-page';
import { qrCodeSvg } from './qr-code';
import { htmlPage, NOT_FOUND, seeOther } from './respond';
import {
  enrolPageHtml,
  FACTOR_PROOF_FIELDS,
  CONFIRM_FIELDS,
  recoveryCodesPageHtml,
} from './second-factor-views';
import { describeProblem, type Problem } from './sentences';
import { isSessionPage, sessionPage, type SessionPageName } from './session-pages';
import { FORM_PAGES, formPageHtml, isFormName, profileFormFields, type FormName } from './views';

/**
 * What the forms run, together: the services of sign-up, login (both steps), logout, both reset
 * routes and the account's own controls (its second factor's too), over the one store the
 * function's platform holds (lib/store/open.ts).
 */
export function formServices(platform: Platform) {
  return {
    ...registrationServices(platform),
    ...loginServices(platform),
    ...mfaLoginServices(platform),
    ...sessionServices(platform),
    ...resetRequestServices(platform),
    ...passwordResetServices(platform),
    ...passwordChangeServices(platform),
    ...emailVerificationServices(platform),
    ...emailChangeServices(platform),
    ...accountDeletionServices(platform),
    ...secondFactorSetupServices(platform),
  };
}

type FormApp = Platform & ReturnType<typeof formServices>;

/**
 * What a form's service call gave: what the next page reads of it (nextPage), and the cookies;
 * or the page it is answered with at once, for what no address may carry (the login's challenge,
 * the enrolment's secret, the recovery codes).
 */
interface Done {
  answer: Record<string, unknown>;
  cookies?: string[];
  page?: string;
}

/** Every form the pages post: a page's own, a profile form, a session page's, a step's. */
type FormAction = FormName | ProfileAction | Exclude<SessionPageName, 'profile'> | StepForm;

function isFormAction(name: string): name is FormAction {
  return (
    isFormName(name) ||
    isProfileAction(name) ||
    isStepForm(name) ||
    (isSessionPage(name) && name !== 'profile')
  );
}

/** The enrolment's page: its secret, and the QR code an authenticator app scans. */
async function enrolmentPage(enrolment: Enrolment, state: { problem?: Problem } = {}) {
  const qrSvg = await qrCodeSvg(
    enrolment.otpauth_uri,
    'QR code of the key for your authenticator app',
  );
  return enrolPageHtml(
    { secret: enrolment.secret, otpauthUri: enrolment.otpauth_uri, qrSvg },
    state,
  );
}

const ENABLED_NOTICE =
  'Two-factor authentication is on: logging in now also asks for a code from your app. Your other sessions are ended.';
const REPLACED_NOTICE =
  'These are your new recovery codes: the old ones no longer work. Your other sessions are ended.';

/** Each form's service call, with the fields its API route reads. */
function formActions(
  app: FormApp,
): Record<FormAction, (e: APIGatewayProxyEventV2) => Promise<Done>> {
  const { config } = app;
  const read = <const Name extends string>(event: APIGatewayProxyEventV2, names: readonly Name[]) =>
    readFields(event, names, config.maxBodyBytes);
  const confirmed = (event: APIGatewayProxyEventV2) =>
    readConfirmedChange(event, config.maxBodyBytes);
  const session = (event: APIGatewayProxyEventV2) => readCookie(event, SESSION_COOKIE);
  // Whether the form comes from a trusted device of the account (its password checks count there).
  const device = (event: APIGatewayProxyEventV2) => readCookie(event, DEVICE_COOKIE);
  return {
    signup: async (event) => {
      const { email, password } = await read(event, ['email', 'password']);
      await app.registration.registerUser(email, password);
      return { answer: {} };
    },
    login: async (event) => {
      const { email, password } = await read(event, ['email', 'password']);
      const loggedIn = await app.logins.logIn(
        email,
        password,
        readHeader(event, 'user-agent'),
        device(event),
      );
      if ('mfaToken' in loggedIn) {
        // The second step, on the login page the POST is answered with: the token in its body.
        const next = returnPage(event.queryStringParameters?.next);
        return { answer: {}, page: formPageHtml('login', { mfaToken: loggedIn.mfaToken, next }) };
      }
      return { answer: {}, cookies: loginCookies(loggedIn, config) };
    },
    'login-mfa': async (event) => {
      const fields = await readFields(event, ['mfa_token'], config.maxBodyBytes, FACTOR_FIELDS);
      const loggedIn = await app.mfaLogins.complete(fields.mfa_token, proofOf(fields));
      const { spent } = loggedIn;
      return {
        answer: spent.by === 'recovery_code' ? { recovery_codes_remaining: spent.remaining } : {},
        cookies: loginCookies(loggedIn, config),
      };
    },
    logout: async (event) => {
      await app.sessions.logOut(session(event));
      return { answer: {}, cookies: clearedSessionCookies(config) };
    },
    'end-session': async (event) => {
      const { id } = await read(event, ['id']);
      const current = await app.sessions.endByHandle(session(event), id);
      // Ending the session the form came with is a logout: its cookie goes too.
      return current
        ? { answer: { current }, cookies: clearedSessionCookies(config) }
        : { answer: { current } };
    },
    'end-other-sessions': async (event) => {
      await app.sessions.endOthers(session(event));
      return { answer: {} };
    },
    'forgot-password': async (event) => {
      const { email } = await read(event, ['email']);
      const outcome = await app.resetRequests.request(email);
      return {
        answer: outcome.delivery === 'response' ? { email, reset_token: outcome.resetToken } : {},
      };
    },
    'reset-password': async (event) => {
      const fields = await read(event, ['email', 'reset_token', 'new_password']);
      await app.passwordResets.updatePassword(
        fields.reset_token,
        fields.new_password,
        fields.email,
      );
      return { answer: {} };
    },
    'change-password': async (event) => {
      const fields = await read(event, ['password', 'new_password']);
      await app.passwordChanges.change(
        session(event),
        fields.password,
        fields.new_password,
        device(event),
      );
      return { answer: {} };
    },
    'change-email': async (event) => {
      const change = await readConfirmedChange(event, config.maxBodyBytes, ['new_email']);
      await app.emailChanges.request(change, change.fields.new_email);
      return { answer: {} };
    },
    'confirm-email': async (event) => {
      const { token } = await read(event, ['token']);
      await app.emailChanges.confirm(session(event), token);
      return { answer: {} };
    },
    'verify-email': async (event) => {
      const fields = await read(event, ['email', 'verification_token']);
      await app.emailVerification.verify(fields.email, fields.verification_token);
      return { answer: {} };
    },
    'resend-verification': async (event) => {
      const { email } = await read(event, ['email']);
      await app.emailVerification.resend(email);
      return { answer: {} };
    },
    'delete-account': async (event) => {
      await app.accountDeletion.deleteAccount(await confirmed(event));
      return { answer: {}, cookies: clearedSessionCookies(config) };
    },
    'enrol-totp': async (event) => {
      const { password } = await read(event, ['password']);
      const enrolment = await app.secondFactorSetup.enrol(session(event), password, device(event));
      return { answer: {}, page: await enrolmentPage(enrolment) };
    },
    'confirm-totp': async (event) => {
      const { code } = await read(event, ['code']);
      const codes = await app.secondFactorSetup.confirm(session(event), code);
      return { answer: {}, page: recoveryCodesPageHtml(codes, ENABLED_NOTICE) };
    },
    'replace-recovery-codes': async (event) => {
      const codes = await app.secondFactorSetup.replaceRecoveryCodes(await confirmed(event));
      return { answer: {}, page: recoveryCodesPageHtml(codes, REPLACED_NOTICE) };
    },
    'disable-totp': async (event) => {
      await app.secondFactorSetup.disable(await confirmed(event));
      return { answer: {} };
    },
  };
}

/** The fields a form shows, by which an error's sentence finds its place. */
function fieldsOf(name: FormAction): readonly FieldSpec[] {
  if (isFormName(name)) return FORM_PAGES[name].fields;
  if (isProfileAction(name)) return profileFormFields(name);
  if (name === 'login-mfa') return FACTOR_PROOF_FIELDS;
  if (name === 'confirm-totp') return CONFIRM_FIELDS;
  return sessionPageFormFields(name);
}

/**
 * What the form sent, to give it back with the error: every text value but the passwords and
 * one-time codes (the follow-up's email, the confirmation's token and the login step's challenge
 * are not fields of their own).
 */
async function typedValues(
  event: APIGatewayProxyEventV2,
  fields: readonly FieldSpec[],
  maxBodyBytes: number,
): Promise<Record<string, string>> {
  let body: Map<string, unknown>;
  try {
    body = await parseBody(event, maxBodyBytes);
  } catch {
    // The body was refused already (413, 415 ...): nothing to give back.
    return {};
  }
  const passwords = new Set(fields.filter(isUnechoed).map((f) => f.name));
  const values: Record<string, string> = {};
  for (const [field, value] of body) {
    if (!passwords.has(field) && typeof value === 'string') values[field] = value;
  }
  return values;
}

/**
 * The page a form's error comes back on: its own page with the sentence next to its field; the
 * profile for the profile's forms (a session button's sentence above them) and for the banner's
 * request of a new confirmation mail.
 */
async function problemPage(
  name: FormAction,
  event: APIGatewayProxyEventV2,
  app: FormApp,
  answer: ErrorAnswer,
): Promise<HttpResponse> {
  const next = event.queryStringParameters?.next;
  const retryAfter = answer.headers?.['Retry-After'];
  const details = { ...answer, retryAfterSeconds: Number(retryAfter) || null };
  const fields = fieldsOf(name);
  const problem = describeProblem(
    details,
    fields.map((f) => f.name),
  );
  const values = await typedValues(event, fields, app.config.maxBodyBytes);
  const headers: Record<string, string> =
    retryAfter === undefined ? {} : { 'Retry-After': retryAfter };
  const reply = { status: answer.status, headers };
  if (isProfileAction(name)) {
    return sessionPage('profile', event, app, { problem, form: name, values }, reply);
  }
  if (name === 'resend-verification' && returnPage(next) === 'profile') {
    return sessionPage('profile', event, app, { problem }, reply);
  }
  if (name === 'login-mfa') {
    // The step again, with the same challenge (until it ends: see nextPage).
    const step = { mfaToken: values.mfa_token ?? '', problem, next: returnPage(next) };
    return htmlPage(answer.status, formPageHtml('login', step), headers);
  }
  if (name === 'confirm-totp') {
    const enrolment = await app.secondFactorSetup.pending(readCookie(event, SESSION_COOKIE));
    if (enrolment === null) return seeOther('profile?notice=mfa-setup-expired');
    return htmlPage(answer.status, await enrolmentPage(enrolment, { problem }), headers);
  }
  if (!isFormName(name)) return sessionPage(name, event, app, { problem, values }, reply);
  const html = formPageHtml(name, { values, problem, code: answer.code, next: returnPage(next) });
  return htmlPage(answer.status, html, headers);
}

/**
 * What the forms' function answers an error with: the page the form's error comes back on
 * (problemPage), or the next page where an error leads on (a logout without a session). Also for
 * an error met before the form ran, a client over its budget (lib/http/lambda.ts). A page no form
 * has gets the API's JSON answer.
 */
export function formErrorPage(app: FormApp): ErrorHandler {
  return async (error, event) => {
    const name = event.pathParameters?.page ?? '';
    const answer = answerFor(error, event.requestContext.requestId, app.logger);
    if (!isFormAction(name)) return errorJson(answer);
    const after = nextPage(
      name,
      { ok: false, code: answer.code },
      event.queryStringParameters?.next ?? null,
    );
    return after === null ? problemPage(name, event, app, answer) : seeOther(after);
  };
}

/**
 * POST /account/{page}: a form posted without JavaScript. It runs the service its API route runs,
 * by the same rules; a success leads to the next page (303, with the cookies the route would
 * set), an error is answered by formErrorPage: the same form with its sentence next to its field
 * (see problemPage) and the status the API would answer.
 */
export function submitForm(app: FormApp): RequestHandler {
  const actions = formActions(app);
  const errorPage = formErrorPage(app);
  return async (event) => {
    const name = event.pathParameters?.page ?? '';
    if (!isFormAction(name)) return NOT_FOUND;
    const next = event.queryStringParameters?.next ?? null;
    let done: Done;
    try {
      done = await actions[name](event);
    } catch (error) {
      return errorPage(error, event);
    }
    if (done.page !== undefined) return htmlPage(200, done.page);
    // Every other form has a next page after a success; the login page is only for the type's sake.
    const after = nextPage(name, { ok: true, answer: done.answer }, next) ?? 'login';
    return seeOther(after, done.cookies);
  };
}
