import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestToken } from '../../lib/auth/tokens';
import { sessionItemId } from '../../lib/store/table';
import { freshEmail, strongPassword } from '../support/auth';
import { AWS_LIKE_LAG_MS } from '../support/lagging-dynamodb';
import { startLocalService, type LocalService } from '../support/local-service';
import { localClient } from '../support/table';

/*
 * GET /whoami behind the session authorizer, through `npm start`: serverless-offline runs the
 * authorizer function before the route, as API Gateway does on a deployed stage. Sessions are
 * ended the ways a user ends them, or by moving their expiry in DynamoDB Local's table.
 */

const TABLE = 'user-auth-local-users';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('GET /whoami behind the session authorizer, through `npm start`', () => {
  let service: LocalService;
  let dynamodb: ReturnType<typeof localClient>;

  beforeAll(async () => {
    // Its indexes lag as AWS's can: nothing this covers may depend on them having caught up.
    service = await startLocalService({}, { lagMs: AWS_LIKE_LAG_MS });
    dynamodb = localClient(`http://localhost:${service.dynamodbPort}`);
  });

  afterAll(async () => {
    dynamodb.destroy();
    await service.stop();
  });

  async function send(path: string, init: RequestInit = {}): Promise<Answer & { res: Response }> {
    const res = await fetch(`${service.baseUrl}${path}`, { redirect: 'manual', ...init });
    return { res, status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  function form(method: string, fields: Record<string, string>): RequestInit {
    return { method, body: new URLSearchParams(fields) };
  }

  /** A registered user, logged in: its email, password and session id. */
  async function loggedIn() {
    const email = freshEmail();
    const password = strongPassword();
    expect((await send('/users', form('POST', { email, password }))).status).toBe(200);
    const login = await send('/sessions', form('POST', { email, password }));
    const sessionId = /session_id=([^;]+)/u.exec(login.res.headers.get('set-cookie') ?? '')?.[1];
    if (sessionId === undefined)
      throw new Error(`no session cookie: ${JSON.stringify(login.body)}`);
    return { email, password, sessionId };
  }

  const byCookie = (sessionId: string) => ({ headers: { Cookie: `session_id=${sessionId}` } });
  const byBearer = (sessionId: string) => ({
    headers: { Authorization: `Bearer ${sessionId}` },
  });

  async function expectDenied(init: RequestInit) {
    const answer = await send('/whoami', init);
    // API Gateway's answer, which local/hapi-edge.ts gives locally too.
    expect([answer.status, answer.body], JSON.stringify(init)).toEqual([
      403,
      { message: 'Forbidden' },
    ]);
  }

  it('a live cookie or Bearer token gets 200 and the right user', async () => {
    // prepare: two users, each logged in
    const users = [await loggedIn(), await loggedIn()];
    const ids = new Set<string>();
    for (const { email, sessionId } of users) {
      // act
      const [cookie, bearer] = [
        await send('/whoami', byCookie(sessionId)),
        await send('/whoami', byBearer(sessionId)),
      ];
      // assess: the same caller either way, and the one DynamoDB has under that id and email
      expect(cookie.status).toBe(200);
      expect(bearer).toMatchObject({ status: 200, body: cookie.body });
      const userId = String(cookie.body.userId);
      const sessionExpiresAt = String(cookie.body.sessionExpiresAt);
      // The local stage verifies optionally: a new account's address is not verified yet.
      expect(cookie.body).toEqual({
        userId,
        email,
        sessionExpiresAt,
        emailVerified: false,
        mfa: false,
      });
      const key = { id: { S: sessionItemId(digestToken(sessionId)) } };
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
      );
      expect([Item?.user_id?.S, Item?.user_email?.S]).toEqual([userId, email]);
      expect(Number(Item?.expires_at?.N)).toBe(Date.parse(sessionExpiresAt));
      ids.add(userId);
    }
    expect(ids.size).toBe(2);
  });

  it('denies, never with a 5xx, after a logout, after a password reset, or with an expired session', async () => {
    const loggedOut = await loggedIn();
    const logout = await send('/sessions', { method: 'DELETE', ...byCookie(loggedOut.sessionId) });
    expect(logout.status).toBe(302);

    const reset = await loggedIn();
    const issued = await send('/reset_password', form('POST', { email: reset.email }));
    const update = {
      email: reset.email,
      reset_token: String(issued.body.reset_token),
      new_password: strongPassword(),
    };
    expect((await send('/reset_password', form('PUT', update))).status).toBe(200);

    const expired = await loggedIn();
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { id: { S: sessionItemId(digestToken(expired.sessionId)) } },
        UpdateExpression: 'SET expires_at = :past',
        ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1000) } },
      }),
    );

    for (const { sessionId } of [loggedOut, reset, expired]) {
      await expectDenied(byCookie(sessionId));
      await expectDenied(byBearer(sessionId));
    }
  });

  it('denies, never with a 5xx, a request with no session, a forged one or a malformed one', async () => {
    const { sessionId } = await loggedIn();
    const malformed = ['', 'nope', `${sessionId}0`, sessionId.toUpperCase(), 'x'.repeat(4000)];
    const cases: RequestInit[] = [
      {},
      byCookie(randomUUID()),
      byBearer(randomUUID()),
      ...malformed.flatMap((value) => [byCookie(value), byBearer(value)]),
      { headers: { Authorization: `Basic ${sessionId}`, Cookie: `session_id=${sessionId}` } },
      { headers: { Authorization: sessionId } },
    ];
    for (const init of cases) await expectDenied(init);
    // A Cookie header hapi's own parser would refuse reaches the authorizer, as on API Gateway
    // (local/api-gateway-event.ts), which denies it; GET /profile finds no session in it.
    const unparsable = { headers: { Cookie: `session_id="${sessionId}` } };
    await expectDenied(unparsable);
    expect(await send('/profile', unparsable)).toMatchObject({
      status: 403,
      body: { message: 'no live session' },
    });
  });

  it("leaves the seed's routes alone: their 403 bodies are their own", async () => {
    const { email, sessionId } = await loggedIn();
    for (const init of [{}, byCookie(randomUUID()), byCookie('nope')]) {
      expect(await send('/profile', init)).toMatchObject({
        status: 403,
        body: { message: 'no live session' },
      });
      expect(await send('/sessions', { method: 'DELETE', ...init })).toMatchObject({
        status: 403,
        body: { message: 'no live session' },
      });
    }
    // A Bearer header is the authorizer's; GET /profile keeps reading the cookie only.
    expect(await send('/profile', byBearer(sessionId))).toMatchObject({ status: 403 });
    expect(await send('/profile', byCookie(sessionId))).toMatchObject({
      status: 200,
      body: { email },
    });
  });
});
