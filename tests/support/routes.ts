import type { LambdaHandler } from '../../lib/http/handler';

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
