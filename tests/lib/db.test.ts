import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  DuplicateEmailError,
  InvalidRequestError,
  NoResultFound,
  ValueError,
} from '../../lib/store/errors';
import { config, db, documentClient } from '../support/app';
import { emailGuardId, resetItemId } from '../../lib/store/table';
import { freshEmail } from '../support/auth';

async function emailIndexIds(email: string): Promise<string[]> {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: config.usersTable,
      IndexName: 'email-index',
      KeyConditionExpression: 'email = :e',
      ExpressionAttributeValues: { ':e': email },
    }),
  );
  return Items.map((item) => item.id as string);
}

async function rawItem(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.usersTable, Key: { id }, ConsistentRead: true }),
  );
  return Item;
}

async function guardOwner(email: string): Promise<unknown> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.usersTable, Key: { id: emailGuardId(email) } }),
  );
  return Item?.user_id;
}

describe('DB.addUser', () => {
  it('stores the user with a UUID id and no session or token', async () => {
    // act
    const email = freshEmail();
    const user = await db.addUser(email, 'hash');
    // assess
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/u);
    expect(user).toEqual({
      id: user.id,
      email,
      hashed_password: 'hash',
      reset_token: null,
      reset_expires_at: null,
      failed_logins: 0,
      locked_until: null,
      device_generation: 0,
      email_verified: false,
      verify_token: null,
      verify_expires_at: null,
      verify_sent_at: null,
      pending_email: null,
      email_change_token: null,
      email_change_expires_at: null,
      totp_secret: null,
      totp_pending: null,
      totp_pending_expires_at: null,
      totp_last_step: null,
      recovery_codes: [],
      sessions: {},
      revision: 0,
    });
    expect(await db.findUserBy({ id: user.id })).toEqual(user);
  });

  it('stores recovery codes as a set, and spends each once even when two requests race', async () => {
    // prepare
    const user = await db.addUser(freshEmail(), 'hash');
    await db.updateUser(user.id, { recovery_codes: ['a', 'b', 'c'] });
    // act: two spends of one code at once, then the others
    const raced = await Promise.all([
      db.spendRecoveryCode(user.id, 'b'),
      db.spendRecoveryCode(user.id, 'b'),
    ]);
    const rest = [
      await db.spendRecoveryCode(user.id, 'a'),
      await db.spendRecoveryCode(user.id, 'c'),
    ];
    // assess: one of the two got it; the last one spent leaves no attribute (no empty set)
    expect(raced.sort()).toEqual([2, null].sort());
    expect(rest).toEqual([1, 0]);
    expect((await db.findUserBy({ id: user.id })).recovery_codes).toEqual([]);
    expect(await db.spendRecoveryCode(user.id, 'a')).toBeNull();
  });

  it('writes the email guard item with the user, and refuses the email a second time', async () => {
    // prepare
    const email = freshEmail();
    const first = await db.addUser(email, 'hash');
    // act
    const second = db.addUser(email, 'other');
    // assess
    await expect(second).rejects.toBeInstanceOf(DuplicateEmailError);
    expect(await guardOwner(email)).toBe(first.id);
    expect(await emailIndexIds(email)).toEqual([first.id]);
  });

  it('creates exactly one user when the same email is registered concurrently', async () => {
    const email = freshEmail();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => db.addUser(email, 'hash')),
    );
    const created = outcomes.filter((o) => o.status === 'fulfilled');
    expect(created).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(DuplicateEmailError);
    }
    expect(await emailIndexIds(email)).toHaveLength(1);
  });
});

describe('DB.findUserBy', () => {
  it('finds by email and reset_token, and by several filters', async () => {
    // prepare
    const user = await db.addUser(freshEmail(), 'hash');
    await db.updateUser(user.id, { reset_token: 'reset-digest', reset_expires_at: 1 });
    // act
    const byToken = await db.findUserBy({ reset_token: 'reset-digest' });
    const byBoth = await db.findUserBy({ email: user.email, hashed_password: 'hash' });
    // assess
    expect([byToken.id, byBoth.id]).toEqual([user.id, user.id]);
  });

  it('finds a reset token by its own item, which follows the token and goes with it', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await db.updateUser(user.id, { reset_token: 'first', reset_expires_at: 1 });
    await db.updateUser(user.id, { reset_token: 'second', reset_expires_at: 2 });
    await expect(db.findUserBy({ reset_token: 'first' })).rejects.toBeInstanceOf(NoResultFound);
    expect(await rawItem(resetItemId('first'))).toBeUndefined();
    expect(await rawItem(resetItemId('second'))).toMatchObject({ user_id: user.id, ttl: 1 });
    await db.updateUser(user.id, { reset_token: null, reset_expires_at: null });
    expect(await rawItem(resetItemId('second'))).toBeUndefined();
  });

  it('throws NoResultFound when no user matches every filter', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await expect(db.findUserBy({ email: freshEmail() })).rejects.toBeInstanceOf(NoResultFound);
    await expect(db.findUserBy({ id: randomUUID() })).rejects.toBeInstanceOf(NoResultFound);
    await expect(
      db.findUserBy({ email: user.email, hashed_password: 'other' }),
    ).rejects.toBeInstanceOf(NoResultFound);
  });

  it('never matches users without a token when the token asked for is missing', async () => {
    await db.addUser(freshEmail(), 'hash'); // has no reset token
    for (const missing of [null, '', undefined]) {
      await expect(db.findUserBy({ reset_token: missing })).rejects.toBeInstanceOf(NoResultFound);
    }
  });

  it('throws InvalidRequestError for an attribute the model lacks, no filter, or a scan', async () => {
    await expect(db.findUserBy({ no_such: 'x' } as never)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(db.findUserBy({})).rejects.toBeInstanceOf(InvalidRequestError);
    // hashed_password is not indexed: answering would need a scan, which the store never does.
    await expect(db.findUserBy({ hashed_password: 'hash' })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it('does not return the email guard item as a user', async () => {
    const email = freshEmail();
    await db.addUser(email, 'hash');
    await expect(db.findUserBy({ id: emailGuardId(email) })).rejects.toBeInstanceOf(NoResultFound);
  });

  it('does not return a session or reset item as a user', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await db.updateUser(user.id, { reset_token: 'r', reset_expires_at: 1 });
    await expect(db.findUserBy({ id: resetItemId('r') })).rejects.toBeInstanceOf(NoResultFound);
  });
});

describe('DB.updateUser', () => {
  it('sets attributes, and removes them with null', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await db.updateUser(user.id, { hashed_password: 'new', locked_until: 5, failed_logins: 2 });
    expect(await db.findUserBy({ id: user.id })).toMatchObject({
      hashed_password: 'new',
      locked_until: 5,
      failed_logins: 2,
    });
    await db.updateUser(user.id, { locked_until: null });
    expect((await db.findUserBy({ id: user.id })).locked_until).toBeNull();
  });

  it('throws ValueError for an unknown attribute, the id, or removing a required one', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await expect(db.updateUser(user.id, { no_such: 'x' } as never)).rejects.toBeInstanceOf(
      ValueError,
    );
    await expect(db.updateUser(user.id, { id: 'x' } as never)).rejects.toBeInstanceOf(ValueError);
    // Sessions change through the session rules only, which write their items with them.
    await expect(db.updateUser(user.id, { sessions: {} })).rejects.toBeInstanceOf(ValueError);
    await expect(db.updateUser(user.id, { revision: 3 } as never)).rejects.toBeInstanceOf(
      ValueError,
    );
    await expect(db.updateUser(user.id, { hashed_password: null } as never)).rejects.toBeInstanceOf(
      ValueError,
    );
    // nothing was written by the refused calls
    expect(await db.findUserBy({ id: user.id })).toEqual(user);
  });

  it('throws NoResultFound for an unknown user and creates nothing', async () => {
    const id = randomUUID();
    await expect(db.updateUser(id, { locked_until: 1 })).rejects.toBeInstanceOf(NoResultFound);
    await expect(db.updateUser(id, { reset_token: 'r' })).rejects.toBeInstanceOf(NoResultFound);
    await expect(db.findUserBy({ id })).rejects.toBeInstanceOf(NoResultFound);
  });

  it('applies a conditional update only when the expected values still hold', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await db.updateUser(user.id, { reset_token: 't1' }, { reset_token: null });
    await expect(
      db.updateUser(user.id, { hashed_password: 'x' }, { reset_token: 'other' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await db.findUserBy({ id: user.id })).hashed_password).toBe('hash');
  });

  it('moves the email together with its guard item, keeping emails unique', async () => {
    // prepare
    const user = await db.addUser(freshEmail(), 'hash');
    const other = await db.addUser(freshEmail(), 'hash');
    const newEmail = freshEmail();
    // act
    await db.updateUser(user.id, { email: newEmail });
    // assess
    expect((await db.findUserBy({ email: newEmail })).id).toBe(user.id);
    expect(await guardOwner(newEmail)).toBe(user.id);
    expect(await guardOwner(user.email)).toBeUndefined();
    await expect(db.updateUser(other.id, { email: newEmail })).rejects.toBeInstanceOf(
      DuplicateEmailError,
    );
    // the old email is free again
    await expect(db.addUser(user.email, 'hash')).resolves.toMatchObject({ email: user.email });
  });

  it('moves the email only while it is the one the caller expects', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await expect(
      db.updateUser(user.id, { email: freshEmail() }, { email: freshEmail() }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await db.findUserBy({ id: user.id })).email).toBe(user.email);
    expect(await guardOwner(user.email)).toBe(user.id);
  });
});

describe('DB.countFailedLogin', () => {
  it('counts atomically under concurrency', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    const counts = await Promise.all(
      Array.from({ length: 5 }, () => db.countFailedLogin(user.id, 'hash')),
    );
    expect([...counts].sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await db.findUserBy({ id: user.id })).failed_logins).toBe(5);
  });

  it('counts nothing once the checked hash is no longer the stored one', async () => {
    const user = await db.addUser(freshEmail(), 'old hash');
    await db.updateUser(user.id, { hashed_password: 'new hash' });
    await expect(db.countFailedLogin(user.id, 'old hash')).rejects.toBeInstanceOf(ConflictError);
    expect((await db.findUserBy({ id: user.id })).failed_logins).toBe(0);
    await expect(db.countFailedLogin('no-such-id', 'old hash')).rejects.toBeInstanceOf(
      NoResultFound,
    );
  });
});
