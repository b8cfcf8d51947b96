import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** What serverless-offline puts in every HTTP API event's `requestContext.requestId`. */
const OFFLINE_REQUEST_ID = 'offlineContext_resourceId';

/**
 * The request's unique id: API Gateway's (it matches the HTTP API's own logs), except under
 * serverless-offline, whose events all carry the same placeholder: there the Lambda context's id.
 */
export function requestIdOf(event: APIGatewayProxyEventV2, context?: Context): string {
  const id = event.requestContext.requestId;
  return id === OFFLINE_REQUEST_ID && context !== undefined ? context.awsRequestId : id;
}
