import * as home from '../../handlers/routes/home';
import * as login from '../../handlers/routes/login';
import * as logout from '../../handlers/routes/logout';
import * as profile from '../../handlers/routes/profile';
import * as register from '../../handlers/routes/register';
import * as resetToken from '../../handlers/routes/reset-token';
import * as updatePassword from '../../handlers/routes/update-password';
import { SEED_ROUTE_KEYS as ROUTE_KEYS } from '../../handlers/routes/keys';
import type { Env } from '../../lib/platform/config';
import type { LambdaHandler } from '../../lib/http/lambda';
import { handlerFor } from './app';
import type { EventOptions } from './events';

export type RouteKey = (typeof ROUTE_KEYS)[number];

export type Routes = Record<RouteKey, LambdaHandler>;

/** Every route's handler by its key, composed from the test environment with `overrides`. */
export function routesFor(overrides: Env = {}): Routes {
  return {
    'GET /': handlerFor(home.route, overrides),
    'POST /users': handlerFor(register.route, overrides),
    'POST /sessions': handlerFor(login.route, overrides),
    'DELETE /sessions': handlerFor(logout.route, overrides),
    'GET /profile': handlerFor(profile.route, overrides),
    'POST /reset_password': handlerFor(resetToken.route, overrides),
    'PUT /reset_password': handlerFor(updatePassword.route, overrides),
  };
}

/** Splits a route key into the method and path of an event. */
export function methodAndPath(route: RouteKey): [string, string] {
  const [method = '', path = ''] = route.split(' ');
  return [method, path];
}

/** Every route, GET /profile before DELETE /sessions: a logout ends the session a profile reads. */
export { ROUTE_KEYS };

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
