/**
 * Loaded into `serverless offline` by `npm start` (scripts/start-local.ts, through NODE_OPTIONS) so
 * that the local service answers as API Gateway does where serverless-offline 13 does not.
 *
 * CORS: serverless-offline's hapi server has an onPreResponse extension that copies any request's
 * Origin into `Access-Control-Allow-Origin`, with `Access-Control-Allow-Credentials: true`, on
 * every answer (and answers every preflight), so a page on any origin could read `GET /profile`
 * with the user's cookie. No option turns it off. An HTTP API without CORS settings adds nothing,
 * so that extension is left unregistered here: the functions' own CORS headers (lib/http/cors.ts,
 * `ALLOWED_ORIGINS`) are all a client gets, locally as deployed.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// The functions run in worker threads of the same process: only the main thread serves HTTP.
if (isMainThread) {
  // The same module instance serverless-offline imports (hapi is CommonJS).
  const { Server } = createRequire(import.meta.url)('@hapi/hapi');
  const prototype = Object.getPrototypeOf(Server());
  const register = prototype.ext;
  prototype.ext = function ext(event, method, options) {
    const reflectsOrigins =
      event === 'onPreResponse' && String(method).includes('access-control-allow-origin');
    return reflectsOrigins ? undefined : register.call(this, event, method, options);
  };
}
