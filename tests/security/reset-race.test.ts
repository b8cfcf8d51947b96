// Item 5: a login that checks the old password just before a reset commits must not outlive the
// reset: no session, failure count or lock written after it. The same holds for the seed facade's
// login in two calls (issue 17, item 5: validLogin, then createSession).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../lib/auth/auth';
import { InvalidCredentials } from '../../lib/auth/errors';
import { Logins } from '../../lib/auth/logins';
import { Sessions } from '../../lib/auth/sessions';
import { DB, type UserChanges, type UserFilters } from '../../lib/store/db';
import { E2eClient } from '../e2e/client';
import { startLocalService, type LocalService } from '../support/local-service';
import { config, db, documentClient } from '../support/app';
import { authWith, freshEmail, strongPassword } from '../support/auth';

type Write = 'count' | 'session' | 'clear' | 'lock';

function writeOf(changes: UserChanges): Write | undefined {
  if ('failed_logins' in changes) return 'clear';
  if ('locked_until' in changes) return 'lock';
  return undefined;
}

/** The store, with a password reset committed just before its first write of one kind. */
class ResetBefore extends DB {
  private pending = true;

  constructor(
    private readonly write: Write,
    private readonly reset: () => Promise<void>,
  ) {
    super(config.usersTable, documentClient);
  }

  override async countFailedLogin(userId: string, checkedHash: string): Promise<number> {
    await this.resetBefore('count');
    return super.countFailedLogin(userId, checkedHash);
  }

  override async updateUser(userId: string, changes: UserChanges, expected?: UserFilters) {
    await this.resetBefore(writeOf(changes));
    return super.updateUser(userId, changes, expected);
  }

  // A login writes its session by a rewrite of the user, with the session's item.
  override async rewriteUser(...args: Parameters<DB['rewriteUser']>) {
    await this.resetBefore('session');
    return super.rewriteUser(...args);
  }

  private async resetBefore(write: Write | undefined): Promise<void> {
    if (!this.pending || write !== this.write) return;
    this.pending = false;
    await this.reset();
  }
}

/**
 * A registered user, and the Logins and the seed facade whose store lets a reset of that user in
 * before `write`, followed by `afterReset`.
 */
async function racedAccount(
  write: Write,
  settings = config,
  afterReset: (auth: Auth, email: string) => Promise<unknown> = async () => {},
) {
  const auth = authWith();
  const email = freshEmail();
  const oldPassword = strongPassword();
  const newPassword = strongPassword();
  await auth.registerUser(email, oldPassword);
  const store = new ResetBefore(write, async () => {
    await auth.updatePassword(await auth.getResetPasswordToken(email), newPassword, email);
    await afterReset(auth, email);
  });
  const logins = new Logins(store, new Sessions(store, settings), settings);
  const facade = new Auth(store, settings);
  return { auth, email, oldPassword, newPassword, logins, facade };
}

describe('a login racing a password reset, in process', () => {
  it.each(['count', 'session'] as const)(
    'with the old password, the reset landing before the %s write: 401 and no session',
    async (write) => {
      const { auth, email, oldPassword, newPassword, logins } = await racedAccount(write);
      await expect(logins.logIn(email, oldPassword)).rejects.toBeInstanceOf(InvalidCredentials);
      const user = await db.findUserBy({ email });
      expect(user).toMatchObject({ sessions: {}, failed_logins: 0, locked_until: null });
      expect(await auth.validLogin(email, newPassword)).toBe(true);
    },
  );

  it('with a wrong password at the lock threshold, the reset landing before the lock: no lock', async () => {
    const { email, newPassword, logins, auth } = await racedAccount('lock', {
      ...config,
      loginMaxFailures: 1,
    });
    await expect(logins.logIn(email, 'a wrong password')).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
    expect(await db.findUserBy({ email })).toMatchObject({ failed_logins: 0, locked_until: null });
    expect(await auth.validLogin(email, newPassword)).toBe(true);
  });
});

describe("the seed facade's login (validLogin, then createSession) racing a reset", () => {
  it('with the old password, the reset landing before the session write: no session', async () => {
    const { auth, email, oldPassword, newPassword, facade } = await racedAccount('session');
    expect(await facade.validLogin(email, oldPassword)).toBe(true);
    await expect(facade.createSession(email)).rejects.toBeInstanceOf(InvalidCredentials);
    expect(await db.findUserBy({ email })).toMatchObject({ sessions: {}, failed_logins: 0 });
    expect(await auth.validLogin(email, newPassword)).toBe(true);
  });

  it('with the old password, the reset landing before the count: false and no session', async () => {
    const { email, oldPassword, facade } = await racedAccount('count');
    expect(await facade.validLogin(email, oldPassword)).toBe(false);
    expect(await db.findUserBy({ email })).toMatchObject({ sessions: {}, failed_logins: 0 });
  });

  it('the reset and a failure against the new password landing before the clear: both kept', async () => {
    // prepare: one failure to clear, and a failure against the new password right after the reset
    const { email, oldPassword, facade } = await racedAccount('clear', config, (auth, raced) =>
      auth.validLogin(raced, 'a wrong password'),
    );
    expect(await facade.validLogin(email, 'a wrong password')).toBe(false);
    // act
    const valid = await facade.validLogin(email, oldPassword);
    // assess: the old password is stale, and the count of the new one's failures is not wiped
    expect(valid).toBe(false);
    expect(await db.findUserBy({ email })).toMatchObject({ sessions: {}, failed_logins: 1 });
  });

  it('in parallel, over 16 rounds: no session made with the old password outlives the reset', async () => {
    const auth = authWith();
    let racedLogins = 0;
    for (let round = 0; round < 16; round++) {
      // prepare
      const email = freshEmail();
      const oldPassword = strongPassword();
      await auth.registerUser(email, oldPassword);
      const resetToken = await auth.getResetPasswordToken(email);
      // act: a reset, and seed-style logins with the old password, each on its own facade as on
      // its own Lambda, started a few milliseconds apart over the time the reset takes
      const reset = auth.updatePassword(resetToken, strongPassword(), email);
      const logins = Array.from({ length: 4 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 3));
        const facade = authWith();
        if (!(await facade.validLogin(email, oldPassword))) return null;
        return facade.createSession(email).catch((error: unknown) => {
          if (error instanceof InvalidCredentials) return null;
          throw error;
        });
      });
      const [, ...sessionIds] = await Promise.all([reset, ...logins]);
      // assess
      for (const sessionId of sessionIds) {
        if (sessionId === null) continue;
        racedLogins++;
        expect(await auth.getUserFromSessionId(sessionId), `round ${round}`).toBeNull();
      }
    }
    console.log(`${racedLogins} facade logins with the old password got a session, each ended`);
  });
});

describe('parallel logins against a reset, through `npm start`', () => {
  const ROUNDS = 16;
  // Fewer than LOGIN_MAX_FAILURES (5): the logins that come after the reset fail, and five would
  // lock the account before the new password is tried.
  const LOGINS = 4;
  // Logins start this far apart, spread over the time a reset takes (one bcrypt hash and a few
  // DynamoDB calls at the local stage's cost), so that some check the old hash just before the
  // reset commits and write just after.
  const STAGGER_MS = 40;
  let service: LocalService;
  let client: E2eClient;

  beforeAll(async () => {
    // bcrypt at the local stage's own cost: a realistic window between check and write.
    service = await startLocalService({ BCRYPT_COST: '10' });
    client = new E2eClient(service.baseUrl);
  });

  afterAll(async () => {
    await service.stop();
  });

  it(`leaves no session made with the old password alive, over ${ROUNDS} rounds`, async () => {
    let racedLogins = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // prepare
      const email = freshEmail();
      const oldPassword = strongPassword();
      const newPassword = strongPassword();
      await client.expect(
        'register',
        client.call('POST', '/users', { form: { email, password: oldPassword } }),
        200,
      );
      const issued = await client.call('POST', '/reset_password', { form: { email } });
      const { reset_token } = issued.body as { reset_token: string };
      // act: the reset, and logins with the old password started while it runs
      const reset = client.call('PUT', '/reset_password', {
        form: { email, reset_token, new_password: newPassword },
      });
      const logins = Array.from({ length: LOGINS }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * STAGGER_MS));
        return client.call('POST', '/sessions', { form: { email, password: oldPassword } });
      });
      const [updated, ...answers] = await Promise.all([reset, ...logins]);
      // assess: every session a login got is gone once the reset is done
      expect(updated.status).toBe(200);
      for (const answer of answers) {
        expect([200, 401]).toContain(answer.status);
        if (answer.status !== 200) continue;
        racedLogins++;
        const sessionId = /session_id=([^;]+)/u.exec(answer.headers.get('set-cookie') ?? '')?.[1];
        expect(sessionId).toBeDefined();
        const profile = await client.call('GET', '/profile', { sessionId });
        expect(profile.status, `round ${round}: a session of the old password survived`).toBe(403);
      }
      await client.expect(
        'new password',
        client.call('POST', '/sessions', { form: { email, password: newPassword } }),
        200,
      );
    }
    console.log(
      `${racedLogins} logins with the old password answered 200, each session ended by the reset`,
    );
  }, 600_000);
});
