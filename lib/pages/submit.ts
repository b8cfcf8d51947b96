import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Platform } from '../app';
import { loginServices } from '../auth/logins';
import { passwordResetServices } from '../auth/password-resets';
import { registrationServices } from '../auth/registration';
import { resetRequestServices } from '../auth/reset-requests';
import { sessionServices } from '../auth/sessions';
import { parseBody } from '../http/body';
import { clearedSessionCookies, readCookie, SESSION_COOKIE, sessionCookies } from '../http/cookies';
import { readHeader } from '../http/headers';
import { readFields } from '../http/fields';
import { answerFor, type RequestHandler } from '../http/lambda';
import { isProfileAction, nextPage, type ProfileAction } from './next-page';
import { htmlPage, NOT_FOUND, seeOther } from './respond';
import { describeProblem } from './sentences';
import { profilePage } from './profile';
import { FORM_PAGES, formPageHtml, isFormName, type FormName } from './views';

/**
 * What the forms run, together: the services of sign-up, login, logout and both reset routes,
 * over the one store the function's platform holds (lib/store/open.ts).
 */
export function formServices(platform: Platform) {
  return {
    ...registrationServices(platform),
    ...loginServices(platform),
    ...sessionServices(platform),
    ...resetRequestServices(platform),
    ...passwordResetServices(platform),
  };
}

type FormApp = Platform & ReturnType<typeof formServices>;

/** What a form's service call gave: what the next page reads of it (nextPage), and the cookies. */
interface Done {
  answer: Record<string, unknown>;
  cookies?: string[];
}

/** Each form's service call, with the fields its API route reads (the four pages, the profile's). */
function formActions(
  app: FormApp,
): Record<FormName | ProfileAction, (e: APIGatewayProxyEventV2) => Promise<Done>> {
  const { config } = app;
  const read = <const Name extends string>(event: APIGatewayProxyEventV2, names: readonly Name[]) =>
    readFields(event, names, config.maxBodyBytes);
  return {
    signup: async (event) => {
      const { email, password } = await read(event, ['email', 'password']);
      await app.registration.registerUser(email, password);
      return { answer: {} };
    },
    login: async (event) => {
      const { email, password } = await read(event, ['email', 'password']);
      const device = readHeader(event, 'user-agent');
      const { sessionId } = await app.logins.logIn(email, password, device);
      return { answer: {}, cookies: sessionCookies(sessionId, config) };
    },
    logout: async (event) => {
      await app.sessions.logOut(readCookie(event, SESSION_COOKIE));
      return { answer: {}, cookies: clearedSessionCookies(config) };
    },
    'end-session': async (event) => {
      const { id } = await read(event, ['id']);
      const current = await app.sessions.endByHandle(readCookie(event, SESSION_COOKIE), id);
      // Ending the session the form came with is a logout: its cookie goes too.
      return current
        ? { answer: { current }, cookies: clearedSessionCookies(config) }
        : { answer: { current } };
    },
    'end-other-sessions': async (event) => {
      await app.sessions.endOthers(readCookie(event, SESSION_COOKIE));
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
  };
}

/** What was typed in the non-password fields, to give it back with the error. */
async function typedValues(
  event: APIGatewayProxyEventV2,
  name: FormName,
  maxBodyBytes: number,
): Promise<Record<string, string>> {
  let body: Map<string, unknown>;
  try {
    body = await parseBody(event, maxBodyBytes);
  } catch {
    // The body was refused already (413, 415 ...): nothing to give back.
    return {};
  }
  const values: Record<string, string> = {};
  for (const { name: field, type } of FORM_PAGES[name].fields) {
    const value = body.get(field);
    if (type !== 'password' && typeof value === 'string') values[field] = value;
  }
  return values;
}

/**
 * POST /account/{page}: a form posted without JavaScript. It runs the service its API route runs,
 * by the same rules; a success leads to the next page (303, with the cookies the route would
 * set), an error comes back as the same form with its sentence next to its field (a profile
 * button's: the profile, the sentence above it) and the status the API would answer.
 */
export function submitForm(app: FormApp): RequestHandler {
  const actions = formActions(app);
  return async (event) => {
    const name = event.pathParameters?.page ?? '';
    if (!isProfileAction(name) && !isFormName(name)) return NOT_FOUND;
    let done: Done;
    try {
      done = await actions[name](event);
    } catch (error) {
      const answer = answerFor(error, event.requestContext.requestId, app.logger);
      const next = nextPage(name, { ok: false, code: answer.code });
      if (next !== null) return seeOther(next);
      const retryAfter = answer.headers?.['Retry-After'];
      const details = { ...answer, retryAfterSeconds: Number(retryAfter) || null };
      if (isProfileAction(name)) {
        return profilePage(event, app, { problem: describeProblem(details, []) }, answer.status);
      }
      const fields = FORM_PAGES[name].fields.map((f) => f.name);
      const html = formPageHtml(name, {
        values: await typedValues(event, name, app.config.maxBodyBytes),
        problem: describeProblem(details, fields),
      });
      return htmlPage(
        answer.status,
        html,
        retryAfter === undefined ? {} : { 'Retry-After': retryAfter },
      );
    }
    // Every form has a next page after a success; the login page is only for the type's sake.
    const next = nextPage(name, { ok: true, answer: done.answer }) ?? 'login';
    return seeOther(next, done.cookies);
  };
}
