// Item 3: the table holds only SHA-256 digests of session ids and reset tokens.
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { InvalidResetTokenError } from '../../lib/auth';
import { config } from '../../lib/config';
import { digestToken } from '../../lib/tokens';
import { authWith, freshEmail, strongPassword } from '../support/auth';
import { localClient } from '../support/table';

/** Every item of this file's table, read the way someone holding a dump would see it. */
async function dumpTable(): Promise<Record<string, unknown>[]> {
  const client = DynamoDBDocumentClient.from(localClient(inject('dynamodbEndpoint')));
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: config.usersTable, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  } finally {
    client.destroy();
  }
}

describe('tokens at rest', () => {
  it('a dump of the table after logins and resets holds no raw session id or reset token', async () => {
    // prepare: users with live sessions, pending reset tokens, and a completed reset
    const auth = authWith();
    const secrets: string[] = [];
    const live: string[] = [];
    for (let i = 0; i < 3; i++) {
      const email = freshEmail();
      const password = strongPassword();
      await auth.registerUser(email, password);
      const first = await auth.logIn(email, password);
      const second = await auth.logIn(email, password);
      const usedToken = await auth.getResetPasswordToken(email);
      const newPassword = strongPassword();
      await auth.updatePassword(usedToken, newPassword, email);
      const session = await auth.logIn(email, newPassword);
      const pendingToken = await auth.getResetPasswordToken(email);
      for (const loggedIn of [first, second, session]) {
        if (loggedIn !== null) secrets.push(loggedIn.sessionId);
      }
      secrets.push(usedToken, pendingToken);
      if (session !== null) live.push(session.sessionId);
      live.push(pendingToken);
    }
    // act
    const dump = JSON.stringify(await dumpTable());
    // assess: no raw value, in any attribute of any item; the live ones are there as digests
    expect(secrets).toHaveLength(15);
    expect(secrets.filter((secret) => dump.includes(secret))).toEqual([]);
    expect(live.filter((secret) => !dump.includes(digestToken(secret)))).toEqual([]);
  });

  it('the digests in a dump open no session and reset no password', async () => {
    // prepare
    const auth = authWith();
    const email = freshEmail();
    const password = strongPassword();
    await auth.registerUser(email, password);
    await auth.logIn(email, password);
    await auth.getResetPasswordToken(email);
    const item = (await dumpTable()).find((i) => i.email === email);
    // act + assess
    expect(typeof item?.session_id).toBe('string');
    expect(typeof item?.reset_token).toBe('string');
    expect(await auth.getUserFromSessionId(item?.session_id as string)).toBeNull();
    await expect(
      auth.updatePassword(item?.reset_token as string, strongPassword(), email),
    ).rejects.toBeInstanceOf(InvalidResetTokenError);
    expect(await auth.validLogin(email, password)).toBe(true);
  });
});
