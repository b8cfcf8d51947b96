import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { headersAndCookies } from '../../local/api-gateway-event';

export interface EventOptions {
  /** Sent form-urlencoded unless `json` or `multipart` is set. */
  form?: Record<string, string>;
  json?: unknown;
  /** Sent as multipart/form-data (what `curl -F` sends), base64-encoded as both gateways pass it. */
  multipart?: Record<string, string>;
  body?: string;
  contentType?: string;
  base64?: boolean;
  cookies?: string[];
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** The client's address as API Gateway reports it (the TCP peer); 127.0.0.1 unless given. */
  sourceIp?: string;
}

/** A multipart/form-data body of plain fields, as `curl -F` and `requests` write it. */
export function multipartBody(fields: Record<string, string>): {
  body: string;
  contentType: string;
} {
  const boundary = `----form-${randomUUID()}`;
  const parts = Object.entries(fields).map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: `${parts.join('')}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** An API Gateway HTTP API (payload 2.0) event, as Lambda receives it. */
export function httpEvent(
  method: string,
  path: string,
  options: EventOptions = {},
): APIGatewayProxyEventV2 {
  let body = options.body;
  let contentType = options.contentType;
  if (options.form !== undefined) {
    body = new URLSearchParams(options.form).toString();
    contentType ??= 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    contentType ??= 'application/json';
  } else if (options.multipart !== undefined) {
    const multipart = multipartBody(options.multipart);
    body = multipart.body;
    contentType ??= multipart.contentType;
  }
  const base64 = (options.base64 ?? options.multipart !== undefined) && body !== undefined;
  // As API Gateway passes them: names in lower case, a Cookie header's pairs in `cookies`.
  const sent = headersAndCookies({ ...options.headers });
  const headers = sent.headers as Record<string, string>;
  if (contentType !== undefined) headers['content-type'] = contentType;
  const cookies = options.cookies ?? sent.cookies;
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query).toString(),
    headers,
    ...(options.pathParameters !== undefined && { pathParameters: options.pathParameters }),
    ...(options.query !== undefined && { queryStringParameters: options.query }),
    ...(cookies !== undefined && { cookies }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'test.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'test',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined && {
      body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    }),
    isBase64Encoded: base64,
  };
}

/**
 * The event API Gateway sends a Lambda request authorizer (payload 2.0, no identity source) for a
 * request to `method path`: header names in lower case, cookies in `cookies`.
 */
export function authorizerEvent(
  method: string,
  path: string,
  options: Pick<EventOptions, 'cookies' | 'headers'> = {},
): APIGatewayRequestAuthorizerEventV2 {
  const { routeKey, rawPath, rawQueryString, headers, cookies, requestContext } = httpEvent(
    method,
    path,
    options,
  );
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:123456789012:test/$default/${method}${path}`,
    identitySource: [],
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    // API Gateway leaves `cookies` out of a request that has none, whatever the type says.
    ...(cookies !== undefined && { cookies }),
    requestContext,
  } as APIGatewayRequestAuthorizerEventV2;
}

/** The value of the session_id cookie a response sets, if any. */
export function sessionCookieOf(response: { cookies?: string[] }): string | undefined {
  const cookie = response.cookies?.find((c) => c.startsWith('session_id='));
  return cookie?.slice('session_id='.length).split(';')[0];
}
