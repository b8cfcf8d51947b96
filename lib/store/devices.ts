import {
  DeleteCommand,
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { storeCall } from './calls';
import { deviceItemId, TTL_ATTRIBUTE } from './table';

/** What a trusted device has failed: its consecutive failed logins, and its own lock. */
export interface DeviceRecord {
  failures: number;
  /** Epoch milliseconds until which the device's logins are refused; null when never locked. */
  lockedUntil: number | null;
}

/**
 * The failed logins from one device cookie and that device's own lock, in an item of its own,
 * apart from the account's lock for every other client. No item: no failures.
 */
export class DeviceStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  /** The device's record, read consistently. */
  async record(deviceId: string): Promise<DeviceRecord> {
    const { Item } = await storeCall(
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { id: deviceItemId(deviceId) },
          ConsistentRead: true,
        }),
      ),
    );
    return {
      failures: typeof Item?.failed_logins === 'number' ? Item.failed_logins : 0,
      lockedUntil: typeof Item?.locked_until === 'number' ? Item.locked_until : null,
    };
  }

  /**
   * Adds a failure and returns the device's count, this one included: an atomic ADD, exact under
   * concurrent attempts. The item expires (TTL) with the device cookie, at `expiresAtSeconds`.
   */
  async countFailure(deviceId: string, expiresAtSeconds: number): Promise<number> {
    const { Attributes } = await storeCall(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: deviceItemId(deviceId) },
          UpdateExpression: 'SET #ttl = :ttl ADD failed_logins :one',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':ttl': expiresAtSeconds, ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return Attributes?.failed_logins as number;
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
