import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Platform } from '../app';
import { SessionNotFound } from '../auth/errors';
import type { Sessions } from '../auth/sessions';
import { readCookie, SESSION_COOKIE } from '../http/cookies';
import { answerFor } from '../http/lambda';
import type { HttpResponse } from '../http/response';
import { publicProfile } from '../store/user';
import { htmlPage, seeOther } from './respond';
import { describeProblem } from './sentences';
import { problemPageHtml, profilePageHtml, type ProfileState } from './views';

export type PagesApp = Platform & { sessions: Sessions };

/**
 * The profile page: the user's email and live sessions, read as GET /profile and GET /sessions
 * read them; no live session leads to the login page. Shown by the pages function and, with a
 * button's problem and status, by the forms function (lib/pages/submit.ts), which carries none of
 * the pages' files.
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
    if (error instanceof SessionNotFound) return seeOther('login?notice=login-needed');
    const answer = answerFor(error, event.requestContext.requestId, app.logger);
    const problem = describeProblem(answer, []);
    return htmlPage(answer.status, problemPageHtml('Your profile', problem.text));
  }
}
