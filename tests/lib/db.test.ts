import { describe, expect, it } from 'vitest';
import {
  DB,
  DuplicateEmailError,
  InvalidRequestError,
  NoResultFound,
  ValueError,
} from '../../lib/db';
import { config } from '../../lib/config';

const db = new DB(config.usersTable);
let counter = 0;
const freshEmail = () => `user${++counter}-${Date.now()}@example.com`;

describe('DB', () => {
  it('adds a user and finds it by id and by email', async () => {
    // prepare
    const email = freshEmail();
    // act
    const user = await db.addUser(email, 'hash');
    // assess
    expect(user).toMatchObject({ email, hashed_password: 'hash', session_id: null });
    expect(await db.findUserBy({ id: user.id })).toEqual(user);
    expect(await db.findUserBy({ email })).toEqual(user);
  });

  it('refuses a second user with the same email', async () => {
    const email = freshEmail();
    await db.addUser(email, 'hash');
    await expect(db.addUser(email, 'other')).rejects.toBeInstanceOf(DuplicateEmailError);
  });

  it('throws NoResultFound and InvalidRequestError as the seed does', async () => {
    await expect(db.findUserBy({ email: 'nobody@example.com' })).rejects.toBeInstanceOf(
      NoResultFound,
    );
    await expect(db.findUserBy({ no_such: 'x' } as never)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it('updates attributes and refuses unknown ones', async () => {
    const user = await db.addUser(freshEmail(), 'hash');
    await db.updateUser(user.id, { hashed_password: 'new' });
    expect((await db.findUserBy({ id: user.id })).hashed_password).toBe('new');
    await expect(db.updateUser(user.id, { no_such: 'x' } as never)).rejects.toBeInstanceOf(
      ValueError,
    );
  });
});
