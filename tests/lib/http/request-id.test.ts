import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { requestIdOf } from '../../../lib/http/request-id';
import { httpEvent } from '../../support/events';

const context = { awsRequestId: 'lambda-id' } as Context;

describe('the request id in the logs', () => {
  it("is API Gateway's", () => {
    const event = httpEvent('GET', '/');
    event.requestContext.requestId = 'api-gateway-id';
    expect(requestIdOf(event, context)).toBe('api-gateway-id');
  });

  it("is the Lambda context's under serverless-offline, whose events all carry one placeholder", () => {
    const event = httpEvent('GET', '/');
    event.requestContext.requestId = 'offlineContext_resourceId';
    expect(requestIdOf(event, context)).toBe('lambda-id');
  });
});
