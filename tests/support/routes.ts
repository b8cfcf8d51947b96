import { ROUTES, SEED_ROUTE_KEYS as ROUTE_KEYS, type SeedRouteKey } from '../../handlers/table';
import { authorizerHandler } from '../../lib/http/authorizer';
import { behindAuthorizer } from './authorizer';
import type { Env } from '../../lib/platform/config';
import type { LambdaHandler, RouteDefinition } from '../../lib/http/lambda';
import { handlerFor, testEnv } from './app';
import type { EventOptions } from './events';
import { loadRouteDefinitions } from './route-definitions';

export type RouteKey = SeedRouteKey;

export type Routes = Record<RouteKey, LambdaHandler>;

/** Each route's definition by its key. */
const definitions = new Map<string, RouteDefinition<unknown>>(
  [...(await loadRouteDefinitions())].map(([route, definition]) => [route.key, definition]),
);

/** The definition of the route `key` (handlers/<its module>.ts). */
export function definitionOf(key: string): RouteDefinition<unknown> {
  const definition = definitions.get(key);
  if (definition === undefined) throw new Error(`the route table has no ${key}`);
  return definition;
}

/** Every seed route's handler by its key, composed from the test environment with `overrides`. */
export function routesFor(overrides: Env = {}): Routes {
  return Object.fromEntries(
    ROUTE_KEYS.map((key) => [key, handlerFor(definitionOf(key), overrides)]),
  ) as Routes;
}

/**
 * Every route of the JSON API by its key, as API Gateway serves it: the guarded ones behind the
 * session authorizer, whose denials are API Gateway's own answers (tests/support/authorizer.ts).
 */
export function apiRoutes(overrides: Env = {}): Record<string, LambdaHandler> {
  const authorizer = authorizerHandler(testEnv(overrides));
  return Object.fromEntries(
    ROUTES.filter((entry) => entry.api).map((entry) => {
      const handler = handlerFor(definitionOf(entry.key), overrides);
      return [entry.key, entry.guarded ? behindAuthorizer(authorizer, handler) : handler];
    }),
  );
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
