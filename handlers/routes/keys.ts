/** Every route of the API, as API Gateway names them. serverless.yml declares the same (a test checks). */
export const ROUTE_KEYS = [
  'GET /',
  'POST /users',
  'POST /sessions',
  'GET /profile',
  'DELETE /sessions',
  'POST /reset_password',
  'PUT /reset_password',
] as const;
