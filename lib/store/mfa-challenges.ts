import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { storeCall } from './calls';
import { challengeItemId, TTL_ATTRIBUTE, ttlOf } from './table';

/**
 * A login waiting for its second factor: the password was right, the code is still to come. It
 * is found by the digest of its token (the token itself is never stored).
 */
export interface MfaChallenge {
  digest: string;
  user_id: string;
  /**
   * The account's device-cookie generation when the password was checked: a password reset or
   * change moves it on, and the challenge then no longer leads to a session.
   */
  generation: number;
  /** Epoch milliseconds after which the challenge is refused. */
  expires_at: number;
  /** Wrong codes given so far. */
  failures: number;
  /** The User-Agent of the login, for the session it leads to. */
  user_agent: string;
  /** The trusted device the password came from (its cookie's id and expiry), if any. */
  device_id: string | null;
  device_expires_at: number | null;
}

function fromItem(item: Record<string, unknown> | undefined): MfaChallenge | null {
  if (item === undefined) return null;
  const { user_id, generation, expires_at, failures, user_agent, device_id, device_expires_at } =
    item;
  if (
    typeof user_id !== 'string' ||
    typeof generation !== 'number' ||
    typeof expires_at !== 'number'
  ) {
    return null;
  }
  return {
    digest: (item.id as string).slice('mfa#'.length),
    user_id,
    generation,
    expires_at,
    failures: typeof failures === 'number' ? failures : 0,
    user_agent: typeof user_agent === 'string' ? user_agent : '',
    device_id: typeof device_id === 'string' ? device_id : null,
    device_expires_at: typeof device_expires_at === 'number' ? device_expires_at : null,
  };
}

/** The logins waiting for their second factor, one item each, gone by TTL once expired. */
export class MfaChallenges {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async create(challenge: MfaChallenge): Promise<void> {
    const { digest, device_id, device_expires_at, ...rest } = challenge;
    await storeCall(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            id: challengeItemId(digest),
            ...rest,
            ...(device_id !== null && { device_id, device_expires_at }),
            [TTL_ATTRIBUTE]: ttlOf(challenge.expires_at),
          },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    );
  }

  /** The challenge stored under this digest, read consistently; null when there is none. */
  async find(digest: string): Promise<MfaChallenge | null> {
    const { Item } = await storeCall(
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { id: challengeItemId(digest) },
          ConsistentRead: true,
        }),
      ),
    );
    return fromItem(Item);
  }

  /** Adds a wrong code and returns the count, this one included; null when the challenge is gone. */
  async countFailure(digest: string): Promise<number | null> {
    try {
      const { Attributes } = await storeCall(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id: challengeItemId(digest) },
            UpdateExpression: 'ADD failures :one',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return Attributes?.failures as number;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  /**
   * Deletes the challenge; whether this call is the one that did. Of two requests completing one
   * challenge at once, only one gets true: a challenge leads to one session at most.
   */
  async consume(digest: string): Promise<boolean> {
    try {
      await storeCall(
        this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { id: challengeItemId(digest) },
            ConditionExpression: 'attribute_exists(id)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
