import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

// On every answer: nothing about accounts may be cached by browsers or proxies, and no client
// may sniff the JSON into something it would render.
const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

interface Extras {
  headers?: Record<string, string>;
  cookies?: string[];
}

export function json(statusCode: number, body: object, extras: Extras = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...COMMON_HEADERS, ...extras.headers },
    body: JSON.stringify(body),
    ...(extras.cookies !== undefined && { cookies: extras.cookies }),
  };
}

/** 302, so that a client following it turns the request into a GET, as Flask's redirect does. */
export function redirect(location: string, body: object, extras: Extras = {}): HttpResponse {
  return json(302, body, { ...extras, headers: { ...extras.headers, Location: location } });
}

/** 204, with the common headers but no body (so no Content-Type): a CORS preflight's answer. */
export function noContent(headers: Record<string, string>): HttpResponse {
  return { statusCode: 204, headers: { ...COMMON_HEADERS, ...headers } };
}
