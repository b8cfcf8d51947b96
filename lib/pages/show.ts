import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RequestHandler } from '../http/lambda';
import type { HttpResponse } from '../http/response';
import type { Logger } from '../platform/logger';
import { callRoute } from './api-call';
import { ASSETS } from './assets';
import { assetFile, htmlPage, seeOther } from './respond';
import { describeProblem, MESSAGE_RULES } from './shared';
import {
  FORM_PAGES,
  formPageHtml,
  isFormName,
  NOTICES,
  problemPageHtml,
  profilePageHtml,
  type FormName,
} from './views';

const PROFILE_API = { method: 'GET', path: '/profile' };

export const NOT_FOUND = htmlPage(404, problemPageHtml('Page not found', 'There is no such page.'));

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

/** The profile, from GET /profile's answer: no live session leads to the login page. */
async function profilePage(
  event: APIGatewayProxyEventV2,
  profile: RequestHandler,
  logger: Logger,
): Promise<HttpResponse> {
  const answer = await callRoute(profile, event, PROFILE_API, logger);
  const { email } = answer.json;
  if (answer.status === 200 && typeof email === 'string') {
    return htmlPage(200, profilePageHtml(email));
  }
  if (answer.status === 403) return seeOther('/account/login?notice=login-needed');
  const problem = describeProblem(MESSAGE_RULES, answer.json.message, null, []);
  return htmlPage(answer.status, problemPageHtml('Your profile', problem.text));
}

/** GET /account/{page}: a page, or one of its two files; `profile` is GET /profile's route. */
export function showPage(profile: RequestHandler, { logger }: { logger: Logger }): RequestHandler {
  return async (event) => {
    const name = event.pathParameters?.page ?? '';
    const asset = ASSETS.get(name);
    if (asset !== undefined) return assetFile(asset.contentType, asset.body);
    if (name === 'profile') return profilePage(event, profile, logger);
    if (!isFormName(name)) return NOT_FOUND;
    const query = event.queryStringParameters ?? {};
    const notice = Object.hasOwn(NOTICES, query.notice ?? '')
      ? NOTICES[query.notice ?? '']
      : undefined;
    return htmlPage(200, formPageHtml(name, { notice, values: prefilled(name, query) }));
  };
}
