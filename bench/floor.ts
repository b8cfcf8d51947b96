/**
 * The floor of a function's cold start: a bundle that only creates the DynamoDB document client,
 * as every storage route must. `npm run bench` builds it each way the SDK can ship and compares
 * each function's module init with the lowest.
 */
import { createDocumentClient } from '../lib/platform/dynamodb';

export const documentClient = createDocumentClient({
  region: process.env.AWS_REGION ?? 'us-east-1',
  dynamodbEndpoint: undefined,
  dynamodbTimeoutMs: 1000,
  dynamodbMaxAttempts: 3,
});
