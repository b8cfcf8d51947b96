import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { digestToken } from '../../lib/auth/tokens';
import { sessionItemId } from '../../lib/store/table';
import { config, documentClient } from './app';

/** Moves a session's expiry, as time passing would, in this file's table. */
export async function setSessionExpiry(sessionId: string, expiresAt: number): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: config.usersTable,
      Key: { id: sessionItemId(digestToken(sessionId)) },
      UpdateExpression: 'SET expires_at = :at',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeValues: { ':at': expiresAt },
    }),
  );
}
