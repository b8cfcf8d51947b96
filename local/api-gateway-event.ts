/**
 * serverless-offline 13's events turned into what API Gateway's HTTP API sends (payload 2.0), before
 * any of lib/ sees them: local/offline-guard.ts applies this to every function under `npm start`,
 * so lib/ reads one event shape and a request gets the same answer locally and deployed.
 *
 * What differs in serverless-offline's events: the authorizer's header names keep the client's
 * case; cookies are hapi's parse of the Cookie header (none at all for the authorizer) instead of
 * the header's own pairs; every request id is one placeholder; an authorized route's context also
 * carries `jwt` claims decoded from any Bearer token. The body arrives as text, unparsed, thanks to
 * local/hapi-edge.ts (serverless-offline would otherwise hand a JSON body `false` to the function
 * as the boolean); it is re-encoded here as API Gateway encodes it.
 */
import type { Context } from 'aws-lambda';

type Headers = Record<string, string | undefined>;

/** What serverless-offline hands a function or the authorizer, as far as it is read here. */
interface OfflineEvent {
  type?: string;
  headers?: Headers;
  cookies?: string[];
  body?: unknown;
  isBase64Encoded?: boolean;
  requestContext?: { requestId?: string; authorizer?: { lambda?: unknown } };
}

/**
 * The media types whose bodies API Gateway's HTTP API passes as text; every other body, a missing
 * type and forms included, arrives base64-encoded (measured on AWS: ministackorg/ministack#766).
 */
const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);

function isText(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type.startsWith('text/') || TEXT_TYPES.has(type);
}

/** Header names in lower case, and the Cookie header moved into `cookies`, as API Gateway does. */
export function headersAndCookies(source: Headers = {}): { headers: Headers; cookies?: string[] } {
  const headers: Headers = {};
  for (const [name, value] of Object.entries(source)) headers[name.toLowerCase()] = value;
  const cookies = (headers.cookie ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '');
  delete headers.cookie;
  return cookies.length > 0 ? { headers, cookies } : { headers };
}

/** The body as API Gateway passes it: text for text types, else base64; absent when empty. */
function apiGatewayBody(event: OfflineEvent, contentType: string | undefined) {
  if (typeof event.body !== 'string' || event.body === '') return { isBase64Encoded: false };
  const bytes = Buffer.from(event.body, event.isBase64Encoded === true ? 'base64' : 'utf8');
  return isText(contentType)
    ? { body: bytes.toString('utf8'), isBase64Encoded: false }
    : { body: bytes.toString('base64'), isBase64Encoded: true };
}

/** The event API Gateway would have sent for the request serverless-offline describes. */
export function toApiGatewayEvent(event: unknown, context: Context): unknown {
  const offline = event as OfflineEvent;
  const { headers, cookies } = headersAndCookies(offline.headers);
  // Each request its own id, as API Gateway gives: serverless-offline's is one placeholder.
  const requestContext = { ...offline.requestContext, requestId: context.awsRequestId };
  const authorizer = offline.requestContext?.authorizer;
  // API Gateway passes a Lambda authorizer's context only: no `jwt` for a Lambda authorizer.
  if (authorizer !== undefined) requestContext.authorizer = { lambda: authorizer.lambda };
  const adapted: Record<string, unknown> = { ...offline, headers, requestContext };
  delete adapted.cookies;
  if (cookies !== undefined) adapted.cookies = cookies;
  // The authorizer's event has no body.
  if (offline.type === 'REQUEST') return adapted;
  delete adapted.body;
  return { ...adapted, ...apiGatewayBody(offline, headers['content-type']) };
}
