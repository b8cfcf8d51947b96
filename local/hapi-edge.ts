/**
 * serverless-offline's hapi server, brought in line with API Gateway's HTTP API where it acts before
 * or instead of a function (local/plugins/offline-edge.js installs this on it):
 * - the emulator's control headers are dropped before serverless-offline reads them;
 * - a body reaches the event as text, unparsed (local/api-gateway-event.ts encodes it as API
 *   Gateway does);
 * - hapi's own error answers (the authorizer's denial, a body over hapi's limit) become the
 *   service's JSON with its headers, as every answer of the service is;
 * - the functions' answers keep their Content-Type as written, and each of their cookies is a
 *   Set-Cookie of its own, two of one name included.
 */
import type { Request, ResponseToolkit, Server } from '@hapi/hapi';
import { json } from '../lib/http/response';
import { SET_COOKIES_HEADER } from './offline-guard';

/**
 * Request headers that steer serverless-offline itself and that API Gateway does not have. With
 * `sls-offline-authorizer-override`, any caller replaces the context a Lambda authorizer gave the
 * route (`GET /whoami` would answer as whichever user the header names).
 */
const CONTROL_HEADERS = ['sls-offline-authorizer-override'];

function dropControlHeaders(request: Request, h: ResponseToolkit) {
  const raw = request.raw.req;
  for (const name of CONTROL_HEADERS) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a header map
    delete raw.headers[name];
  }
  // serverless-offline also reads the raw name/value list when it builds the event.
  const kept: string[] = [];
  for (let i = 0; i < raw.rawHeaders.length; i += 2) {
    const name = raw.rawHeaders[i] ?? '';
    if (!CONTROL_HEADERS.includes(name.toLowerCase())) {
      kept.push(name, raw.rawHeaders[i + 1] ?? '');
    }
  }
  raw.rawHeaders = kept;
  return h.continue;
}

function keepBodyAsText(request: Request, h: ResponseToolkit) {
  // serverless-offline JSON-parses the body when this names JSON, and then hands the function the
  // parsed value (the boolean false, null, 0, or a string without its quotes) instead of the text.
  // Named opaque, the body stays as sent; the Content-Type header the function sees is unchanged.
  (request as { mime: string | null }).mime = 'application/octet-stream';
  return h.continue;
}

function answerAsApiGateway(request: Request, h: ResponseToolkit) {
  const { response } = request;
  if ('isBoom' in response) {
    // API Gateway's own answers are {"message": <reason phrase>}, e.g. {"message":"Forbidden"}.
    const { statusCode, payload } = response.output;
    const answer = json(statusCode, { message: payload.error });
    const reply = h.response(answer.body).code(statusCode);
    for (const [name, value] of Object.entries(answer.headers ?? {})) {
      reply.header(name, String(value));
    }
    reply.charset();
    return reply;
  }
  // hapi appends `; charset=utf-8` to a Content-Type without one; API Gateway passes the
  // function's header as it is.
  response.charset();
  const cookies = response.headers[SET_COOKIES_HEADER];
  if (typeof cookies === 'string') {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a header map
    delete response.headers[SET_COOKIES_HEADER];
    for (const cookie of JSON.parse(cookies) as string[]) {
      response.header('set-cookie', cookie, { append: true });
    }
  }
  return h.continue;
}

/** Installs the extensions above on serverless-offline's HTTP server. */
export function installEdge(server: Server): void {
  server.ext('onRequest', dropControlHeaders);
  server.ext('onPreHandler', keepBodyAsText);
  server.ext('onPreResponse', answerAsApiGateway);
}
