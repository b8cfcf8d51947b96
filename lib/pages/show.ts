import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Platform } from '../app';
import type { Sessions } from '../auth/sessions';
import { SessionNotFound } from '../auth/errors';
import { readCookie, SESSION_COOKIE } from '../http/cookies';
import { answerFor, type RequestHandler } from '../http/lambda';
import type { HttpResponse } from '../http/response';
import { publicProfile } from '../store/user';
import { ASSETS } from './assets';
import { assetFile, htmlPage, NOT_FOUND, seeOther } from './respond';
import { describeProblem } from './sentences';
import {
  FORM_PAGES,
  formPageHtml,
  isFormName,
  NOTICES,
  problemPageHtml,
  profilePageHtml,
  type FormName,
  type ProfileState,
} from './views';

/** What the address may fill in: the non-password fields (the reset link's email and token). */
function prefilled(
  name: FormName,
  query: Record<string, string | undefined>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { name: field, type } of FORM_PAGES[name].fields) {
    const value = query[field];
    if (type !== 'password' && value !== undefined) values[field] = value;
  }
  return values;
}

type PagesApp = Platform & { sessions: Sessions };

/**
 * The profile, as GET /profile and GET /sessions read it: no live session leads to the login
 * page. `status` and `state` are a profile button's outcome (lib/pages/submit.ts).
 */
export async function profilePage(
  event: APIGatewayProxyEventV2,
  app: PagesApp,
  state: ProfileState = {},
  status = 200,
): Promise<HttpResponse> {
  const sessionId = readCookie(event, SESSION_COOKIE);
  try {
    const session = await app.sessions.current(sessionId);
    const sessions = await app.sessions.list(sessionId);
    return htmlPage(status, profilePageHtml(publicProfile(session).email, sessions, state));
  } catch (error) {
    if (error instanceof SessionNotFound) return seeOther('/account/login?notice=login-needed');
    const answer = answerFor(error, event.requestContext.requestId, app.logger);
    const problem = describeProblem(answer, []);
    return htmlPage(answer.status, problemPageHtml('Your profile', problem.text));
  }
}

/** GET /account/{page}: a page, or one of its two files. */
export function showPage(app: PagesApp): RequestHandler {
  return async (event) => {
    const name = event.pathParameters?.page ?? '';
    const asset = ASSETS.get(name);
    if (asset !== undefined) return assetFile(asset.contentType, asset.body);
    const query = event.queryStringParameters ?? {};
    const notice = Object.hasOwn(NOTICES, query.notice ?? '')
      ? NOTICES[query.notice ?? '']
      : undefined;
    if (name === 'profile') return profilePage(event, app, { notice });
    if (!isFormName(name)) return NOT_FOUND;
    return htmlPage(200, formPageHtml(name, { notice, values: prefilled(name, query) }));
  };
}
