import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { route as logoutRoute } from '../../handlers/logout';
import { route as profileRoute } from '../../handlers/profile';
import { route as whoamiRoute } from '../../handlers/whoami';
import { authorizerHandler } from '../../lib/http/authorizer';
import { digestToken } from '../../lib/auth/tokens';
import { StoreUnavailable } from '../../lib/store/errors';
import { authorizerEvent, httpEvent, type EventOptions } from '../support/events';
import { Auth } from '../../lib/auth/auth';
import { Sessions } from '../../lib/auth/sessions';
import { openUserStore } from '../../lib/store/open';
import { db, dynamodbEndpoint, handlerFor, testConfig, testEnv } from '../support/app';
import { AWS_LIKE_LAG_MS, startLaggingDynamoDb } from '../support/lagging-dynamodb';
import { freshEmail, strongPassword } from '../support/auth';
import { behindAuthorizer } from '../support/authorizer';
import { setSessionExpiry } from '../support/sessions';
import { invoke } from '../support/invoke';

/*
 * The session authorizer in-process against DynamoDB Local, with the events API Gateway sends it
 * (lower-cased headers, `cookies`; npm start sends the same, local/api-gateway-event.ts): the same
 * session rules as GET /profile, and a deny for everything else.
 */

const DENY = { isAuthorized: false };

// Everything here reaches DynamoDB through indexes that lag as AWS's can: the authorizer reads
// right after the login, logout or reset it must see.
const lagging = await startLaggingDynamoDb({ target: dynamodbEndpoint, lagMs: AWS_LIKE_LAG_MS });
afterAll(() => lagging.stop());
const behindLag = { DYNAMODB_ENDPOINT: lagging.endpoint };
const authorize = authorizerHandler(testEnv(behindLag));
const logout = handlerFor(logoutRoute, behindLag);
const profile = handlerFor(profileRoute, behindLag);
const whoami = handlerFor(whoamiRoute);
const auth = new Auth(openUserStore(testConfig(behindLag)), testConfig(behindLag));

type Presented = Pick<EventOptions, 'cookies' | 'headers'>;

async function loggedIn() {
  const email = freshEmail();
  const user = await auth.registerUser(email, strongPassword());
  const sessionId = await auth.createSession(email);
  if (sessionId === null) throw new Error('no session');
  return { user, email, sessionId };
}

function request(options: Presented = {}) {
  return authorizerEvent('GET', '/whoami', options);
}

/** Every way a client may present the session, as each platform delivers it to the authorizer. */
function presented(sessionId: string): Presented[] {
  return [
    { cookies: [`session_id=${sessionId}`] },
    { cookies: ['theme=dark', `session_id=${sessionId}`] },
    { headers: { authorization: `Bearer ${sessionId}` } },
    { headers: { authorization: `bearer ${sessionId}` } },
  ];
}

async function expectDenied(options: Presented) {
  expect(await authorize(request(options)), JSON.stringify(options)).toEqual(DENY);
}

describe('the session authorizer', () => {
  it('allows a live session from the cookie or a Bearer header, with who the caller is', async () => {
    // prepare: two users, each logged in
    const [alice, bob] = [await loggedIn(), await loggedIn()];
    for (const { user, email, sessionId } of [alice, bob]) {
      const stored = await db.findSession(digestToken(sessionId));
      const context = {
        userId: user.id,
        email,
        sessionExpiresAt: new Date(stored?.expires_at ?? 0).toISOString(),
        emailVerified: 'false',
        // A login with the password alone.
        mfa: 'false',
      };
      for (const options of presented(sessionId)) {
        // act + assess: each gets their own identity, whichever way it is presented
        expect(await authorize(request(options))).toEqual({ isAuthorized: true, context });
      }
    }
  });

  it('denies a request that presents no session, a forged one or a malformed one', async () => {
    const { sessionId } = await loggedIn();
    const malformed = [
      '',
      'not-a-session',
      `${sessionId}x`,
      sessionId.slice(1),
      sessionId.toUpperCase(),
      `"${randomUUID()}`,
      'a'.repeat(10_000),
      "' OR session_id <> '",
      '../../etc/passwd',
      '\u00e9\u0000\u2028',
    ];
    const cases: Presented[] = [
      {},
      { cookies: ['theme=dark'] },
      { cookies: [`session_id=${randomUUID()}`] },
      { headers: { authorization: `Bearer ${randomUUID()}` } },
      ...malformed.flatMap((value): Presented[] => [
        { cookies: [`session_id=${value}`] },
        { headers: { authorization: `Bearer ${value}` } },
        { headers: { Cookie: `session_id=${value}` } },
      ]),
      // An Authorization header that is not a Bearer session: the cookie beside it is not used.
      { headers: { authorization: `Basic ${sessionId}` }, cookies: [`session_id=${sessionId}`] },
      { headers: { authorization: sessionId } },
      { headers: { authorization: 'Bearer' } },
      { headers: { authorization: `Bearer ${sessionId} ${sessionId}` } },
      { headers: { authorization: `Bearer: ${sessionId}` } },
    ];
    for (const options of cases) await expectDenied(options);
  });

  it('denies a session that ended: after logout, after a password reset, or once expired', async () => {
    const loggedOut = await loggedIn();
    const cookies = [`session_id=${loggedOut.sessionId}`];
    expect((await logout(httpEvent('DELETE', '/sessions', { cookies }))).statusCode).toBe(302);

    const reset = await loggedIn();
    await auth.updatePassword(await auth.getResetPasswordToken(reset.email), strongPassword());

    const expired = await loggedIn();
    await setSessionExpiry(expired.sessionId, Date.now() - 1);

    for (const { sessionId } of [loggedOut, reset, expired]) {
      for (const options of presented(sessionId)) await expectDenied(options);
    }
  });

  it('only reads: an expired session is refused and left for GET /profile to clear', async () => {
    // prepare
    const { user, sessionId } = await loggedIn();
    await setSessionExpiry(sessionId, Date.now() - 1);
    const before = await db.findUserBy({ id: user.id });
    // act
    await expectDenied({ cookies: [`session_id=${sessionId}`] });
    // assess: unchanged by the authorizer, cleared by the route that may write
    expect(await db.findUserBy({ id: user.id })).toEqual(before);
    const cookies = [`session_id=${sessionId}`];
    expect((await profile(httpEvent('GET', '/profile', { cookies }))).statusCode).toBe(403);
    expect((await db.findUserBy({ id: user.id })).sessions).toEqual({});
  });

  it('fails instead of denying when DynamoDB does: the caller is not logged out', async () => {
    const { sessionId } = await loggedIn();
    const dynamodb = mockClient(DynamoDBDocumentClient);
    try {
      dynamodb.onAnyCommand().rejects(
        Object.assign(new Error('Rate exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
        }),
      );
      await expect(
        authorize(request({ cookies: [`session_id=${sessionId}`] })),
      ).rejects.toBeInstanceOf(StoreUnavailable);
      // A request with nothing to look up is still denied without asking DynamoDB.
      await expectDenied({});
    } finally {
      dynamodb.restore();
    }
  });
});

describe('GET /whoami', () => {
  const route = behindAuthorizer(authorize, whoami);

  it('behind the authorizer, answers who the caller is and when the session ends', async () => {
    const { user, email, sessionId } = await loggedIn();
    const stored = await db.findSession(digestToken(sessionId));
    for (const options of presented(sessionId)) {
      const answer = await invoke(route, httpEvent('GET', '/whoami', options));
      expect([answer.statusCode, answer.json]).toEqual([
        200,
        {
          userId: user.id,
          email,
          sessionExpiresAt: new Date(stored?.expires_at ?? 0).toISOString(),
          // Carried as "false" in the authorizer's context, read back as a boolean.
          emailVerified: false,
          mfa: false,
        },
      ]);
    }
  });

  it('says whether the session logged in with a second factor', async () => {
    // prepare: a session started as POST /sessions/mfa starts one
    const { user } = await loggedIn();
    const sessions = new Sessions(openUserStore(testConfig(behindLag)), testConfig(behindLag));
    const sessionId = await sessions.start(user, { mfa: true });
    // act
    const options = { cookies: [`session_id=${sessionId}`] };
    const decision = await authorize(request(options));
    const answer = await invoke(route, httpEvent('GET', '/whoami', options));
    // assess: "true" in the context, true in the answer
    expect(decision).toMatchObject({ isAuthorized: true, context: { mfa: 'true' } });
    expect([answer.statusCode, answer.json]).toMatchObject([200, { mfa: true }]);
  });

  it('fails loudly (500) when it is reached without the authorizer, instead of serving anyone', async () => {
    const { sessionId } = await loggedIn();
    const answer = await invoke(
      whoami,
      httpEvent('GET', '/whoami', { cookies: [`session_id=${sessionId}`] }),
    );
    expect([answer.statusCode, answer.json]).toEqual([500, { message: 'internal error' }]);
  });
});
