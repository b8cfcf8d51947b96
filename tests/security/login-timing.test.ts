// Item 8, the code path: an unknown email spends one bcrypt compare, against the dummy hash, as a
// wrong password for a known email does. (The times themselves are measured by `npm run bench`.)
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dummyHash } from '../../lib/passwords';
import { db } from '../../lib/services';
import { authWith, freshEmail, strongPassword } from '../support/auth';

const COST = 5;

describe('login timing path', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('the dummy hash is a well-formed hash at the configured cost that no password matches', async () => {
    for (const cost of [4, 10, 12]) expect(bcrypt.getRounds(dummyHash(cost))).toBe(cost);
    expect(dummyHash(COST)).toHaveLength(60);
    for (const password of ['', 'password', strongPassword()]) {
      expect(await bcrypt.compare(password, dummyHash(COST))).toBe(false);
    }
  });

  it('an unknown email and a wrong password each spend exactly one compare at the same cost', async () => {
    // prepare
    const auth = authWith({ bcryptCost: COST });
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    const stored = (await db.findUserBy({ email })).hashed_password;
    const compare = vi.spyOn(bcrypt, 'compare');
    // act
    expect(await auth.logIn(freshEmail(), 'a-wrong-password')).toBeNull();
    const forUnknown = compare.mock.calls.map(([, hash]) => hash);
    compare.mockClear();
    expect(await auth.logIn(email, 'a-wrong-password')).toBeNull();
    const forKnown = compare.mock.calls.map(([, hash]) => hash);
    // assess
    expect(forUnknown).toEqual([dummyHash(COST)]);
    expect(forKnown).toEqual([stored]);
    expect(bcrypt.getRounds(stored)).toBe(bcrypt.getRounds(dummyHash(COST)));
  });
});
