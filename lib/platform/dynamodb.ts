import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config';

export type ClientSettings = Pick<
  Config,
  'region' | 'dynamodbEndpoint' | 'dynamodbTimeoutMs' | 'dynamodbMaxAttempts'
>;

/**
 * The region, attempts and timeouts of an AWS SDK client of the service: the DynamoDB settings,
 * which every AWS call a request waits on shares (DynamoDB, the service key's SSM read).
 */
export function clientLimits(settings: Omit<ClientSettings, 'dynamodbEndpoint'>) {
  return {
    region: settings.region,
    maxAttempts: settings.dynamodbMaxAttempts,
    requestHandler: {
      connectionTimeout: settings.dynamodbTimeoutMs,
      requestTimeout: settings.dynamodbTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * The DynamoDB document client. Timeouts and attempts are set deliberately: the SDK's defaults
 * wait without limit, which would hold a Lambda until its own timeout when DynamoDB is unreachable.
 * `throwOnRequestTimeout`: without it the SDK only logs a warning when `requestTimeout` passes
 * and keeps waiting, so an endpoint that accepts connections and never answers held every call
 * until the Lambda was killed (tests/reliability/sdk-retries.test.ts).
 */
export function createDocumentClient(settings: ClientSettings): DynamoDBDocumentClient {
  const local = settings.dynamodbEndpoint !== undefined;
  const client = new DynamoDBClient({
    ...clientLimits(settings),
    ...(local && {
      endpoint: settings.dynamodbEndpoint,
      // DynamoDB Local accepts any alphanumeric key; this spares the credential chain lookup.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
