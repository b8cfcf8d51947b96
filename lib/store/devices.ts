import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { storeCall } from './calls';
import { deviceItemId, TTL_ATTRIBUTE } from './table';

/** A login attempt counted on a device: its failures so far (this one included), or its lock. */
export type DeviceAttempt = { failures: number } | { lockedUntil: number };

/**
 * What a trusted device has done wrong: the failed logins from one device cookie and that
 * device's own lock, in its own item, apart from the account's lock for every other client.
 */
export class DeviceStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  /**
   * Counts an attempt from the device, unless it is locked at `now`: one conditional UpdateItem,
   * exact under concurrent attempts. The item expires (TTL) with the device cookie.
   */
  async countAttempt(
    deviceId: string,
    now: number,
    expiresAtSeconds: number,
  ): Promise<DeviceAttempt> {
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: deviceItemId(deviceId) },
      UpdateExpression: 'SET #ttl = :ttl ADD failed_logins :one',
      ConditionExpression: 'attribute_not_exists(locked_until) OR locked_until <= :now',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':ttl': expiresAtSeconds, ':one': 1, ':now': now },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    try {
      const { Attributes } = await storeCall(this.client.send(update));
      return { failures: Attributes?.failed_logins as number };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The old item comes back marshalled: { locked_until: { N: '…' } }.
      return { lockedUntil: Number(error.Item?.locked_until?.N) };
    }
  }

  /** Refuses the device's logins until `lockedUntil` (epoch ms). */
  async lock(deviceId: string, lockedUntil: number): Promise<void> {
    await storeCall(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: deviceItemId(deviceId) },
          UpdateExpression: 'SET locked_until = :until',
          ExpressionAttributeValues: { ':until': lockedUntil },
        }),
      ),
    );
  }

  /** Forgets the device's failures: its right password ends a run of them. */
  async clear(deviceId: string): Promise<void> {
    await storeCall(
      this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { id: deviceItemId(deviceId) } }),
      ),
    );
  }
}
