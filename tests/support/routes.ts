import type { LambdaHandler } from '../../lib/http/handler';
import type { EventOptions } from './events';

export type RouteKey =
  | 'GET /'
  | 'POST /users'
  | 'POST /sessions'
  | 'DELETE /sessions'
  | 'GET /profile'
  | 'POST /reset_password'
  | 'PUT /reset_password';

export type Routes = Record<RouteKey, LambdaHandler>;

/**
 * Every handler by its route key. Imported on call, not at load: lib/config reads the environment
 * when first imported, so a test file may point it elsewhere (its own DynamoDB Local) first.
 */
export async function loadRoutes(): Promise<Routes> {
  const [home, register, login, logout, profile, resetToken, updatePassword] = await Promise.all([
    import('../../handlers/home'),
    import('../../handlers/register'),
    import('../../handlers/login'),
    import('../../handlers/logout'),
    import('../../handlers/profile'),
    import('../../handlers/reset-token'),
    import('../../handlers/update-password'),
  ]);
  return {
    'GET /': home.handler,
    'POST /users': register.handler,
    'POST /sessions': login.handler,
    'DELETE /sessions': logout.handler,
    'GET /profile': profile.handler,
    'POST /reset_password': resetToken.handler,
    'PUT /reset_password': updatePassword.handler,
  };
}

/** Splits a route key into the method and path of an event. */
export function methodAndPath(route: RouteKey): [string, string] {
  const [method = '', path = ''] = route.split(' ');
  return [method, path];
}

/** Every route, GET /profile before DELETE /sessions: a logout ends the session a profile reads. */
export const ROUTE_KEYS: readonly RouteKey[] = [
  'GET /',
  'POST /users',
  'POST /sessions',
  'GET /profile',
  'DELETE /sessions',
  'POST /reset_password',
  'PUT /reset_password',
];

/** The routes that read a request body. */
export const BODY_ROUTE_KEYS: readonly RouteKey[] = [
  'POST /users',
  'POST /sessions',
  'POST /reset_password',
  'PUT /reset_password',
];

/** The routes that use DynamoDB. */
export const STORAGE_ROUTE_KEYS: readonly RouteKey[] = ROUTE_KEYS.filter((r) => r !== 'GET /');

/** A registered user with a live session and a live reset token. */
export interface LiveAccount {
  email: string;
  password: string;
  sessionId: string;
  resetToken: string;
}

/**
 * A valid request for the route that goes as far as DynamoDB: for the account's email, session or
 * token, and, for a registration, for `newEmail`.
 */
export function requestReachingStorage(
  route: RouteKey,
  account: LiveAccount,
  newEmail: string,
): EventOptions {
  const { email, password, sessionId, resetToken } = account;
  switch (route) {
    case 'POST /users':
      return { form: { email: newEmail, password } };
    case 'POST /sessions':
      return { form: { email, password } };
    case 'GET /profile':
    case 'DELETE /sessions':
      return { cookies: [`session_id=${sessionId}`] };
    case 'POST /reset_password':
      return { form: { email } };
    case 'PUT /reset_password':
      return { form: { email, reset_token: resetToken, new_password: 'a new good password' } };
    case 'GET /':
      return {};
  }
}
