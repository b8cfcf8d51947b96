import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { expect } from 'vitest';
import type { LambdaHandler } from '../../lib/http/lambda';
import type { HttpResponse } from '../../lib/http/response';

export interface Answer extends HttpResponse {
  json: Record<string, unknown>;
}

/** Invokes a handler as Lambda would and parses its JSON body, which every answer must have. */
export async function invoke(
  handler: LambdaHandler,
  event: APIGatewayProxyEventV2,
): Promise<Answer> {
  const response = await handler(event);
  expect(response.headers?.['Content-Type']).toBe('application/json');
  return { ...response, json: JSON.parse(response.body ?? '') as Record<string, unknown> };
}
