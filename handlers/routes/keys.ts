/** The seed's seven routes, as API Gateway names them; docs/openapi.yaml describes each. */
export const SEED_ROUTE_KEYS = [
  'GET /',
  'POST /users',
  'POST /sessions',
  'GET /profile',
  'DELETE /sessions',
  'POST /reset_password',
  'PUT /reset_password',
] as const;

/** The routes behind the session authorizer (README, "Protect your own routes"). */
export const GUARDED_ROUTE_KEYS = ['GET /whoami'] as const;

/** The hosted pages' routes (README, "Pages"). */
export const PAGE_ROUTE_KEYS = ['GET /account/{page}', 'POST /account/{page}'] as const;

/** Every route but the $default one; serverless.yml declares the same (a test checks). */
export const ROUTE_KEYS = [...SEED_ROUTE_KEYS, ...GUARDED_ROUTE_KEYS, ...PAGE_ROUTE_KEYS];
