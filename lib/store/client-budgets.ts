import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { storeCall } from './calls';
import { budgetItemId, TTL_ATTRIBUTE } from './table';

/**
 * The per-client budget counters: one item per client address and window, shared by every
 * Lambda instance (an in-memory counter would start again at each cold start and in each
 * instance).
 */
export class ClientBudgetStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  /**
   * Counts one attempt of `client` in the window that starts at `windowStartSeconds`, unless it
   * has made `limit` already: whether it was counted. One conditional UpdateItem, so concurrent
   * requests from one address, in any instance, never count past the limit; the item expires
   * (DynamoDB TTL) at `expiresAtSeconds`.
   */
  async spend(
    client: string,
    windowStartSeconds: number,
    limit: number,
    expiresAtSeconds: number,
  ): Promise<boolean> {
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: budgetItemId(client, windowStartSeconds) },
      UpdateExpression: 'SET #ttl = :ttl ADD attempts :one',
      ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':ttl': expiresAtSeconds, ':one': 1, ':limit': limit },
    });
    try {
      await storeCall(this.client.send(update));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
