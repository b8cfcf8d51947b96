import { hasSecondFactor } from '../auth/accounts';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Platform } from '../app';
import { hasPassed } from '../auth/accounts';
import { SessionNotFound } from '../auth/errors';
import type { Sessions } from '../auth/sessions';
import { readCookie, SESSION_COOKIE } from '../http/cookies';
import { answerFor } from '../http/lambda';
import type { HttpResponse } from '../http/response';
import type { StoredSession } from '../store/session';
import { publicProfile, type User } from '../store/user';
import { confirmEmailPageHtml, deleteAccountPageHtml } from './account-views';
import { htmlPage, seeOther } from './respond';
import { describeProblem } from './sentences';
import {
  problemPageHtml,
  profilePageHtml,
  type AccountView,
  type FormState,
  type ProfileState,
} from './views';

export type PagesApp = Platform & { sessions: Sessions };

/** The pages shown only with a live session; without one, the login page. */
const SESSION_PAGES = ['profile', 'confirm-email', 'delete-account'] as const;

export type SessionPageName = (typeof SESSION_PAGES)[number];

export function isSessionPage(name: string): name is SessionPageName {
  return (SESSION_PAGES as readonly string[]).includes(name);
}

/** What a session page shows, and with what: a profile's state, or its one form's. */
export type SessionPageState = ProfileState & FormState;

interface Caller {
  session: StoredSession;
  user: User;
}

function accountOf(user: User, app: PagesApp): AccountView {
  const pending =
    user.pending_email !== null && !hasPassed(user.email_change_expires_at, app.now());
  return {
    ...publicProfile(user),
    unconfirmed: app.config.emailVerification !== 'off' && !user.email_verified,
    pendingEmail: pending ? user.pending_email : null,
    secondFactor: {
      enabled: hasSecondFactor(user),
      recoveryCodesLeft: user.recovery_codes.length,
    },
  };
}

/** The link's token: from the address, or from the form posted with it. */
function tokenOf(event: APIGatewayProxyEventV2, state: SessionPageState): string {
  return state.values?.token ?? event.queryStringParameters?.token ?? '';
}

async function pageHtml(
  name: SessionPageName,
  event: APIGatewayProxyEventV2,
  app: PagesApp,
  caller: Caller,
  state: SessionPageState,
): Promise<string> {
  const account = accountOf(caller.user, app);
  switch (name) {
    case 'profile':
      return profilePageHtml(account, await app.sessions.listOf(caller), state);
    case 'confirm-email':
      return confirmEmailPageHtml(account, tokenOf(event, state), state);
    case 'delete-account':
      return deleteAccountPageHtml(account, state);
  }
}

/** Where a page without a live session sends its visitor: to log in, and back if it has a link. */
function loginFirst(name: SessionPageName, event: APIGatewayProxyEventV2): HttpResponse {
  if (name !== 'confirm-email') return seeOther('login?notice=login-needed');
  const next = `confirm-email?${new URLSearchParams({ token: tokenOf(event, {}) }).toString()}`;
  return seeOther(`login?${new URLSearchParams({ notice: 'login-to-confirm', next }).toString()}`);
}

/**
 * A page of the logged-in account: the profile (the user's email and live sessions, read as
 * GET /profile and GET /sessions read them), the email change's confirmation, the deletion's
 * second step. Shown by the pages function and, with a form's problem, status and headers, by the
 * forms function (lib/pages/submit.ts), which carries none of the pages' files.
 */
export async function sessionPage(
  name: SessionPageName,
  event: APIGatewayProxyEventV2,
  app: PagesApp,
  state: SessionPageState = {},
  reply: { status: number; headers?: Record<string, string> } = { status: 200 },
): Promise<HttpResponse> {
  try {
    const caller = await app.sessions.caller(readCookie(event, SESSION_COOKIE));
    const html = await pageHtml(name, event, app, caller, state);
    return htmlPage(reply.status, html, reply.headers);
  } catch (error) {
    if (error instanceof SessionNotFound) return loginFirst(name, event);
    const answer = answerFor(error, event.requestContext.requestId, app.logger);
    const problem = describeProblem(answer, []);
    return htmlPage(answer.status, problemPageHtml('Your account', problem.text));
  }
}
