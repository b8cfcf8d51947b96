import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseBody } from '../http/body';
import type { RequestHandler } from '../http/lambda';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { callRoute } from './api-call';
import { htmlPage, seeOther } from './respond';
import { describeProblem, MESSAGE_RULES, nextPage } from './shared';
import { NOT_FOUND } from './show';
import {
  FORM_PAGES,
  formPageHtml,
  isFormName,
  LOGOUT_API,
  problemPageHtml,
  type FormName,
} from './views';

/** The API route behind each form: the four form pages, and the profile's log-out button. */
export type FormRoutes = Record<FormName | 'logout', RequestHandler>;

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
    // The route has already refused this body (413, 415 ...): nothing to give back.
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
 * POST /account/{page}: a form posted without JavaScript. Its API route answers as it would answer
 * app.js; a success leads to the next page (303, with the route's cookies), an error comes back
 * as the same form with the sentence next to its field and the route's status.
 */
export function submitForm(
  routes: FormRoutes,
  { config, logger }: { config: Pick<Config, 'maxBodyBytes'>; logger: Logger },
): RequestHandler {
  return async (event) => {
    const name = event.pathParameters?.page ?? '';
    if (name !== 'logout' && !isFormName(name)) return NOT_FOUND;
    const api = name === 'logout' ? LOGOUT_API : FORM_PAGES[name].api;
    const answer = await callRoute(routes[name], event, api, logger);
    const next = nextPage(name, answer.status, answer.json);
    if (next !== null) return seeOther(next, answer.response.cookies);
    const retryAfter = answer.response.headers?.['Retry-After'];
    const headers: Record<string, string> =
      retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) };
    const fields = name === 'logout' ? [] : FORM_PAGES[name].fields.map((f) => f.name);
    const message = answer.json.message;
    const problem = describeProblem(MESSAGE_RULES, message, Number(retryAfter) || null, fields);
    const html =
      name === 'logout'
        ? problemPageHtml('Your profile', problem.text)
        : formPageHtml(name, {
            values: await typedValues(event, name, config.maxBodyBytes),
            problem,
          });
    return htmlPage(answer.status, html, headers);
  };
}
