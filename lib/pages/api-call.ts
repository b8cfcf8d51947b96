import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorResponse, type RequestHandler } from '../http/lambda';
import type { HttpResponse } from '../http/response';
import type { Logger } from '../platform/logger';
import type { ApiRoute } from './views';

export interface ApiAnswer {
  status: number;
  /** The JSON body (every API answer has one); empty if it could not be read. */
  json: Record<string, unknown>;
  response: HttpResponse;
}

function parsed(body: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body ?? '');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Runs an API route's own code for a page, with the page request's headers, cookies and body as
 * the route's: a form posted without JavaScript gets exactly the answer that app.js would get
 * from the API, by the same rules, and a thrown error becomes the answer the API would give.
 */
export async function callRoute(
  route: RequestHandler,
  event: APIGatewayProxyEventV2,
  api: ApiRoute,
  logger: Logger,
): Promise<ApiAnswer> {
  const routeKey = `${api.method} ${api.path}`;
  const { requestContext } = event;
  const routed: APIGatewayProxyEventV2 = {
    ...event,
    routeKey,
    rawPath: api.path,
    requestContext: {
      ...requestContext,
      routeKey,
      http: { ...requestContext.http, method: api.method, path: api.path },
    },
  };
  let response: HttpResponse;
  try {
    response = await route(routed);
  } catch (error) {
    response = errorResponse(error, requestContext.requestId, logger);
  }
  return { status: response.statusCode, json: parsed(response.body), response };
}
