// Item 8, the code path: an unknown email spends one bcrypt compare, against the dummy hash, as a
// wrong password for a known email does. (The times themselves are measured by `npm run bench`.)
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidCredentials } from '../../lib/auth/errors';
import { dummyHash } from '../../lib/auth/passwords';
import { config, db } from '../support/app';
import { authWith, freshEmail, strongPassword } from '../support/auth';

// The cost the Auth under test is configured with; not the test default, so that a compare at
// the default cost cannot pass for one at the configured cost.
const COST = 5;

/** Makes bcrypt.compare stay pending until `finish` is called with its answer. */
function holdCompare() {
  let finish: (matched: boolean) => void = () => undefined;
  const pending = new Promise<boolean>((resolve) => {
    finish = resolve;
  });
  // The spy is typed by bcryptjs's last overload (callback style, void); the code awaits it.
  const compare = vi.spyOn(bcrypt, 'compare').mockReturnValue(pending as never);
  return { compare, finish };
}

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
    await expect(auth.logins.logIn(freshEmail(), 'a-wrong-password')).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
    const forUnknown = compare.mock.calls.map(([, hash]) => hash);
    compare.mockClear();
    await expect(auth.logins.logIn(email, 'a-wrong-password')).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
    const forKnown = compare.mock.calls.map(([, hash]) => hash);
    // assess: the cost is read from the hashes the logins compared against
    expect(config.bcryptCost).not.toBe(COST);
    expect(forUnknown).toEqual([dummyHash(COST)]);
    expect(forKnown).toEqual([stored]);
    expect([...forUnknown, ...forKnown].map((hash) => bcrypt.getRounds(hash))).toEqual([
      COST,
      COST,
    ]);
  });

  it('an unknown email answers only once its compare has answered', async () => {
    // prepare: a compare that stays pending until the test ends it
    const auth = authWith({ bcryptCost: COST });
    const { compare, finish } = holdCompare();
    let answered = false;
    // act
    const attempt = auth.logins
      .logIn(freshEmail(), 'a-wrong-password')
      .catch((error: unknown) => error)
      .finally(() => {
        answered = true;
      });
    await vi.waitFor(() => {
      expect(compare).toHaveBeenCalledOnce();
    });
    // assess: everything queued behind the compare call has run, and the login still waits on it
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    finish(false);
    expect(await attempt).toBeInstanceOf(InvalidCredentials);
  });

  it('counts the failure of a known email while the compare runs, not after it', async () => {
    // prepare: a compare that stays pending until the test ends it
    const auth = authWith({ bcryptCost: COST });
    const email = freshEmail();
    await auth.registerUser(email, strongPassword());
    const { finish } = holdCompare();
    const count = vi.spyOn(db, 'countFailedLogin');
    // act
    const attempt = auth.logins.logIn(email, 'a-wrong-password');
    // assess: the failure count was written while the compare was still pending ...
    await vi.waitFor(() => {
      expect(count).toHaveBeenCalledOnce();
    });
    expect((await db.findUserBy({ email })).failed_logins).toBe(1);
    finish(false);
    // ... and nothing else waits on DynamoDB once the compare has answered.
    await expect(attempt).rejects.toBeInstanceOf(InvalidCredentials);
    expect(count).toHaveBeenCalledOnce();
  });
});
