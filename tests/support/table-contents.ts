import { GetItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { emailGuardId, INDEX_BY_ATTRIBUTE } from '../../lib/store/table';
import { localClient } from './table';

type Item = Record<string, AttributeValue>;

/**
 * Every item of a table, read with a raw client and sorted by key, so two snapshots compare with
 * toEqual. Tests only: the service itself never scans.
 */
export async function snapshotTable(endpoint: string, tableName: string): Promise<Item[]> {
  const client = localClient(endpoint);
  try {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    const key = (item: Item) => item.id?.S ?? '';
    return items.sort((a, b) => key(a).localeCompare(key(b)));
  } finally {
    client.destroy();
  }
}

/**
 * The table's items but the per-client budget counters (`budget#…`), which every request to a
 * credential route counts on, refused or not: what a request may not change of the accounts.
 */
export async function snapshotAccounts(endpoint: string, tableName: string): Promise<Item[]> {
  return (await snapshotTable(endpoint, tableName)).filter(
    (item) => !(item.id?.S ?? '').startsWith('budget#'),
  );
}

/** Every item of a table as plain values, the way someone holding a dump of it would see it. */
export async function dumpTable(
  endpoint: string,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  return (await snapshotTable(endpoint, tableName)).map((item) => unmarshall(item));
}

export interface EmailItems {
  /** User items the email index lists for the email. */
  users: number;
  /** Whether the guard item `email#<email>` exists. */
  guard: boolean;
}

/** What the table holds for one (normalised) email, read without going through lib/db. */
export async function itemsForEmail(
  endpoint: string,
  tableName: string,
  email: string,
): Promise<EmailItems> {
  const client = localClient(endpoint);
  try {
    const { Count = 0 } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX_BY_ATTRIBUTE.email,
        KeyConditionExpression: 'email = :e',
        ExpressionAttributeValues: { ':e': { S: email } },
        Select: 'COUNT',
      }),
    );
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { id: { S: emailGuardId(email) } },
        ConsistentRead: true,
      }),
    );
    return { users: Count, guard: Item !== undefined };
  } finally {
    client.destroy();
  }
}
