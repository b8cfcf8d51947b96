/**
 * GSIs lag behind the table on AWS; DynamoDB Local's never do. tests/support/lagging-dynamodb.ts
 * puts a proxy in front of this file's DynamoDB Local table whose index Queries answer as the
 * index stood N ms ago: what these tests show is that proxy, and what the store and the routes do
 * behind it.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lib/platform/dynamodb';
import { DB } from '../../lib/store/db';
import { NoResultFound } from '../../lib/store/errors';
import { INDEX_BY_ATTRIBUTE, type IndexedAttribute } from '../../lib/store/table';
import { dynamodbEndpoint, testConfig, usersTable } from '../support/app';
import { freshEmail } from '../support/auth';
import { httpEvent, sessionCookieOf } from '../support/events';
import { startLaggingDynamoDb, type LaggingDynamoDb } from '../support/lagging-dynamodb';
import { startLocalService, type LocalService } from '../support/local-service';
import { routesFor } from '../support/routes';

/** Short enough to wait for, long enough that a write and the Query after it fall within it. */
const LAG_MS = 500;
const PASSWORD = 'correct horse battery staple';

/** The service's own document client and store, talking to `proxy`. */
function storeBehind(proxy: LaggingDynamoDb): { client: DynamoDBDocumentClient; db: DB } {
  const client = createDocumentClient(testConfig({ DYNAMODB_ENDPOINT: proxy.endpoint }));
  return { client, db: new DB(usersTable, client) };
}

/** What an index Query answers for one value, as lib/store/db.ts asks it. */
async function indexed(client: DynamoDBDocumentClient, attribute: IndexedAttribute, value: string) {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: usersTable,
      IndexName: INDEX_BY_ATTRIBUTE[attribute],
      KeyConditionExpression: '#k = :v',
      ExpressionAttributeNames: { '#k': attribute },
      ExpressionAttributeValues: { ':v': value },
    }),
  );
  return Items;
}

type Body = Record<string, unknown>;

/**
 * A user whose `attribute` was `from` long enough for the index to show it, then was changed to
 * `to` (null: removed) a moment ago.
 */
async function changedJustNow(
  db: DB,
  attribute: 'reset_token' | 'email',
  from: string,
  to: string | null,
) {
  const user = await db.addUser(attribute === 'email' ? from : freshEmail(), 'hash');
  await db.updateUser(user.id, { [attribute]: from });
  await sleep(LAG_MS);
  await db.updateUser(user.id, { [attribute]: to });
  return user;
}

/** One DynamoDB request as the SDK would send it (DynamoDB Local checks no signature). */
async function send(endpoint: string, operation: string, body: unknown) {
  const answer = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, ' +
        'SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: await answer.text() };
}

describe('an index behind the lagging proxy', () => {
  let proxy: LaggingDynamoDb;
  let store: ReturnType<typeof storeBehind>;

  beforeAll(async () => {
    proxy = await startLaggingDynamoDb({ target: dynamodbEndpoint, lagMs: LAG_MS });
    store = storeBehind(proxy);
  });

  afterAll(async () => {
    store.client.destroy();
    await proxy.stop();
  });

  it('misses a new user at once and finds it once the lag has passed', async () => {
    const user = await store.db.addUser(freshEmail(), 'hash');

    expect(await indexed(store.client, 'email', user.email)).toEqual([]);
    await sleep(LAG_MS);
    expect(await indexed(store.client, 'email', user.email)).toEqual([
      { id: user.id, email: user.email },
    ]);
  });

  it('still serves the old value of a changed attribute during the lag, then the new one', async () => {
    const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    const user = await changedJustNow(store.db, 'reset_token', a, b);

    // The index serves the stale 'a' and not yet 'b' ...
    expect(await indexed(store.client, 'reset_token', a)).toEqual([
      { id: user.id, reset_token: a },
    ]);
    expect(await indexed(store.client, 'reset_token', b)).toEqual([]);
    // ... and the store, which confirms each candidate with a consistent read, refuses 'a'
    await expect(store.db.findUserBy({ reset_token: a })).rejects.toThrow(NoResultFound);
    await sleep(LAG_MS);
    expect(await indexed(store.client, 'reset_token', a)).toEqual([]);
    expect(await indexed(store.client, 'reset_token', b)).toEqual([
      { id: user.id, reset_token: b },
    ]);
  });

  it('serves an email the user no longer has; the store re-checks it and finds the new one', async () => {
    const [old, current] = [freshEmail(), freshEmail()];
    const user = await changedJustNow(store.db, 'email', old, current);

    expect(await indexed(store.client, 'email', old)).toEqual([{ id: user.id, email: old }]);
    expect(await indexed(store.client, 'email', current)).toEqual([]);
    // The stale candidate is read again consistently and refused; the new email, missing from
    // the index, is found through its guard item.
    await expect(store.db.findUserBy({ email: old })).rejects.toThrow(NoResultFound);
    expect((await store.db.findUserBy({ email: current })).id).toBe(user.id);
  });

  it('counts the requests it receives, by operation, index and read consistency', async () => {
    const user = await store.db.addUser(freshEmail(), 'hash');
    await sleep(LAG_MS);
    proxy.resetCalls();

    await store.db.findUserBy({ email: user.email });

    expect(proxy.calls()).toEqual([
      { operation: 'Query', indexName: 'email-index', consistent: false },
      { operation: 'GetItem', consistent: true },
    ]);
  });

  it('refuses an index Query it cannot lag faithfully, saying why', async () => {
    const answer = await send(proxy.endpoint, 'Query', {
      TableName: usersTable,
      IndexName: 'email-index',
      KeyConditionExpression: 'begins_with(#k, :v)',
      ExpressionAttributeNames: { '#k': 'email' },
      ExpressionAttributeValues: { ':v': { S: 'a' } },
    });

    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({
      __type: 'LaggingDynamoDb#Unsupported',
      message:
        'Query email-index: only "#k = :v" on its hash key email is served, not "begins_with(#k, :v)"',
    });
  });
});

describe('an index behind the lagging proxy, without stale entries', () => {
  it('drops a changed value at once and still shows the new one late', async () => {
    const proxy = await startLaggingDynamoDb({
      target: dynamodbEndpoint,
      lagMs: LAG_MS,
      stale: false,
    });
    const { client, db } = storeBehind(proxy);
    try {
      const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
      await changedJustNow(db, 'reset_token', a, b);

      expect(await indexed(client, 'reset_token', a)).toEqual([]);
      expect(await indexed(client, 'reset_token', b)).toEqual([]);
    } finally {
      client.destroy();
      await proxy.stop();
    }
  });
});

describe('what the lagging proxy passes through unchanged', () => {
  let proxy: LaggingDynamoDb;

  beforeAll(async () => {
    proxy = await startLaggingDynamoDb({ target: dynamodbEndpoint, lagMs: LAG_MS });
  });

  afterAll(async () => {
    await proxy.stop();
  });

  /** The same request sent to DynamoDB Local directly, then through the proxy. */
  async function bothWays(operation: string, body: unknown) {
    return [
      await send(dynamodbEndpoint, operation, body),
      await send(proxy.endpoint, operation, body),
    ];
  }

  it('answers writes, failed conditions, cancelled transactions and errors as DynamoDB does', async () => {
    const id = { S: `pass-${randomUUID()}` };
    const item = { id, email: { S: freshEmail() } };
    const putNew = {
      TableName: usersTable,
      Item: item,
      ConditionExpression: 'attribute_not_exists(id)',
    };
    await send(dynamodbEndpoint, 'PutItem', putNew);

    const exchanges = [
      // a write, with what it returns
      await bothWays('UpdateItem', {
        TableName: usersTable,
        Key: { id },
        UpdateExpression: 'SET reset_token = :t',
        ExpressionAttributeValues: { ':t': { S: 'token' } },
        ReturnValues: 'ALL_NEW',
      }),
      // ConditionalCheckFailed, with the item as the store asks for it
      await bothWays('PutItem', { ...putNew, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      // TransactionCanceled, with its reasons
      await bothWays('TransactWriteItems', {
        TransactItems: [
          { Put: putNew },
          {
            ConditionCheck: {
              TableName: usersTable,
              Key: { id },
              ConditionExpression: 'attribute_exists(id)',
            },
          },
        ],
      }),
      // a table that does not exist, and a malformed request
      await bothWays('PutItem', { TableName: `missing-${randomUUID()}`, Item: item }),
      await bothWays('UpdateItem', { TableName: usersTable, Key: {}, UpdateExpression: 'SET' }),
      // a consistent read
      await bothWays('GetItem', { TableName: usersTable, Key: { id }, ConsistentRead: true }),
    ];

    for (const [direct, proxied] of exchanges) expect(proxied).toEqual(direct);
    expect(exchanges.map(([direct]) => direct?.status)).toEqual([200, 400, 400, 400, 400, 200]);
    const types = exchanges.map(([direct]) => (JSON.parse(direct?.body ?? '') as Body).__type);
    expect(types).toEqual([
      undefined,
      'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      'com.amazon.coral.validate#ValidationException',
      undefined,
    ]);
  });
});

describe('a session is found by its own item, never through an index', () => {
  it('GET /profile right after logging in answers 200 while the indexes lag 1000 ms', async () => {
    const proxy = await startLaggingDynamoDb({ target: dynamodbEndpoint, lagMs: 1000 });
    const routes = routesFor({ DYNAMODB_ENDPOINT: proxy.endpoint });
    try {
      const form = { email: freshEmail(), password: PASSWORD };
      const registered = await routes['POST /users'](httpEvent('POST', '/users', { form }));
      expect(registered.statusCode).toBe(200);
      const session = sessionCookieOf(
        await routes['POST /sessions'](httpEvent('POST', '/sessions', { form })),
      );
      const profile = () =>
        routes['GET /profile'](
          httpEvent('GET', '/profile', { cookies: [`session_id=${session ?? ''}`] }),
        );
      proxy.resetCalls();

      // Before issue 18 this was a 403: the session was looked up through session_id-index, one
      // eventually consistent Query, which missed it until the index caught up.
      expect((await profile()).statusCode).toBe(200);
      expect(proxy.calls()).toEqual([{ operation: 'GetItem', consistent: true }]);
    } finally {
      await proxy.stop();
    }
  });
});

describe('npm start behind the lagging proxy (startLocalService with lagMs)', () => {
  let service: LocalService;

  beforeAll(async () => {
    service = await startLocalService({}, { lagMs: 1000 });
  });

  afterAll(async () => {
    await service.stop();
  });

  it("sends the functions' DynamoDB requests through the proxy, and says so when it starts", async () => {
    const proxy = service.dynamodbProxy;
    const answer = await fetch(`${service.baseUrl}/users`, {
      method: 'POST',
      body: new URLSearchParams({ email: freshEmail(), password: PASSWORD }),
    });

    expect(answer.status).toBe(200);
    expect(proxy?.calls()).toContainEqual({ operation: 'TransactWriteItems' });
    expect(service.output()).toContain(`(in memory, the functions through ${proxy?.endpoint})`);
  });
});
