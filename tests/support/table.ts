import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type ScalarTag } from 'yaml';

// CloudFormation's short forms, kept as plain values: only the table's properties are read here.
const cloudFormationTags: ScalarTag[] = ['!GetAtt', '!Sub', '!Ref'].map((tag) => ({
  tag,
  resolve: (value: string) => value,
}));

interface TableProperties {
  AttributeDefinitions: CreateTableCommand['input']['AttributeDefinitions'];
  KeySchema: CreateTableCommand['input']['KeySchema'];
  GlobalSecondaryIndexes: CreateTableCommand['input']['GlobalSecondaryIndexes'];
}

/** serverless.yml as data (variables like `${sls:stage}` stay unresolved text). */
export function serverlessConfig(): unknown {
  const text = readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8');
  return parse(text, { customTags: cloudFormationTags });
}

/** The users table exactly as serverless.yml declares it, so tests and deployments agree. */
export function declaredTable(): TableProperties {
  const template = serverlessConfig() as {
    resources: { Resources: { UsersTable: { Properties: TableProperties } } };
  };
  return template.resources.Resources.UsersTable.Properties;
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
