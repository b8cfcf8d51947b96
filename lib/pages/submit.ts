import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Platform } from '../app';
import { accountDeletionServices } from '../auth/account-deletion';
import { emailChangeServices } from '../auth/email-changes';
import { emailVerificationServices } from '../auth/email-verification';
import { loginServices } from '../auth/logins';
import { passwordChangeServices } from '../auth/password-changes';
import { passwordResetServices } from '../auth/password-resets';
import { registrationServices } from '../auth/registration';
import { resetRequestServices } from '../auth/reset-requests';
import { sessionServices } from '../auth/sessions';
import { MfaCodeRequired } from '../auth/errors';
import { parseBody } from '../http/body';
import { readConfirmedChange } from '../http/confirmed-change';
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
import { SESSION_PAGE_FORMS } from './account-views';
import type { FieldSpec } from './html';
import { isProfileAction, nextPage, returnPage, type ProfileAction } from './next-page';
import { htmlPage, NOT_FOUND, seeOther } from './respond';
import { describeProblem } from './sentences';
import { isSessionPage, sessionPage, type SessionPageName } from './session-pages';
import { FORM_PAGES, formPageHtml, isFormName, profileFormFields, type FormName } from './views';

/**
 * What the forms run, together: the services of sign-up, login, logout, both reset routes and the
 * account's own controls, over the one store the function's platform holds (lib/store/open.ts).
 */
export function formServices(platform: Platform) {
  return {
    ...registrationServices(platform),
    ...loginServices(platform),
    ...sessionServices(platform),
    ...resetRequestServices(platform),
    ...passwordResetServices(platform),
    ...passwordChangeServices(platform),
    ...emailVerificationServices(platform),
    ...emailChangeServices(platform),
    ...accountDeletionServices(platform),
  };
}

type FormApp = Platform & ReturnType<typeof formServices>;

/** What a form's service call gave: what the next page reads of it (nextPage), and the cookies. */
interface Done {
  answer: Record<string, unknown>;
  cookies?: string[];
}

/** Every form the pages post: a page's own, a profile form, a session page's. */
type FormAction = FormName | ProfileAction | Exclude<SessionPageName, 'profile'>;

function isFormAction(name: string): name is FormAction {
  return isFormName(name) || isProfileAction(name) || (isSessionPage(name) && name !== 'profile');
}

/** Each form's service call, with the fields its API route reads. */
function formActions(
  app: FormApp,
): Record<FormAction, (e: APIGatewayProxyEventV2) => Promise<Done>> {
  const { config } = app;
  const read = <const Name extends string>(event: APIGatewayProxyEventV2, names: readonly Name[]) =>
    readFields(event, names, config.maxBodyBytes);
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
      // TODO(pages): the second step's page.
      if ('mfaToken' in loggedIn) throw new MfaCodeRequired();
      return { answer: {}, cookies: loginCookies(loggedIn, config) };
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
      await app.accountDeletion.deleteAccount(
        await readConfirmedChange(event, config.maxBodyBytes),
      );
      return { answer: {}, cookies: clearedSessionCookies(config) };
    },
  };
}

/** The fields a form shows, by which an error's sentence finds its place. */
function fieldsOf(name: FormAction): readonly FieldSpec[] {
  if (isFormName(name)) return FORM_PAGES[name].fields;
  if (isProfileAction(name)) return profileFormFields(name);
  return SESSION_PAGE_FORMS[name].fields;
}

/**
 * What the form sent, to give it back with the error: every text value but the passwords (the
 * follow-up's email and the confirmation's token are not fields of their own).
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
  const passwords = new Set(fields.filter((f) => f.type === 'password').map((f) => f.name));
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
    // Every form has a next page after a success; the login page is only for the type's sake.
    const after = nextPage(name, { ok: true, answer: done.answer }, next) ?? 'login';
    return seeOther(after, done.cookies);
  };
}
