import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localClient } from './table';

/**
 * Every item of a table, read with a raw Scan the way someone holding a dump would see it. Only
 * tests scan; the service never does.
 */
export async function dumpTable(endpoint: string, tableName: string) {
  const client = DynamoDBDocumentClient.from(localClient(endpoint));
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  } finally {
    client.destroy();
  }
}
