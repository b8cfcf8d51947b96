import {
  CreateTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { serverlessYml } from '../../deploy/serverless-yml';

type TableProperties = Required<
  Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes'>
>;

/** The users table exactly as serverless.yml declares it, so tests and deployments agree. */
export function declaredTable(): TableProperties {
  const table = serverlessYml().resources.Resources.UsersTable;
  if (table === undefined) throw new Error('serverless.yml declares no UsersTable');
  return table.Properties as TableProperties;
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates a table named `name` with the declared keys and GSIs in DynamoDB Local. */
export async function createUsersTable(endpoint: string, name: string): Promise<void> {
  const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = declaredTable();
  const client = localClient(endpoint);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions,
        KeySchema,
        GlobalSecondaryIndexes,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } finally {
    client.destroy();
  }
}
