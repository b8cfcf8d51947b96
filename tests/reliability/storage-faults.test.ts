/**
 * DynamoDB answering throttling and internal errors, which DynamoDB Local never does: injected
 * with aws-sdk-client-mock on the service's own document client. Commands that are not failed
 * go through to this file's DynamoDB Local table, so what the routes leave behind is real.
 */
import {
  InternalServerError,
  PutItemCommand,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type GetCommandInput,
  type QueryCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lib/platform/dynamodb';
import { config } from '../support/app';
import { emailGuardId } from '../../lib/store/table';
import { httpEvent, sessionCookieOf } from '../support/events';
import {
  routesFor,
  methodAndPath,
  requestReachingStorage,
  STORAGE_ROUTE_KEYS,
  type LiveAccount,
  type RouteKey,
  type Routes,
} from '../support/routes';
import { localClient } from '../support/table';
import { itemsForEmail, snapshotAccounts } from '../support/table-contents';

const endpoint = inject('dynamodbEndpoint');
const table = config.usersTable;
const PASSWORD = 'correct horse battery staple';
const email = `faults-${Date.now()}@example.com`;
const metadata = { $metadata: {} };

// What DynamoDB answers when it is overloaded or failing, as the SDK throws them.
const FAULTS: Record<string, () => Error> = {
  ProvisionedThroughputExceededException: () =>
    new ProvisionedThroughputExceededException({ message: 'throughput exceeded', ...metadata }),
  ThrottlingException: () => new ThrottlingException({ message: 'rate exceeded', ...metadata }),
  RequestLimitExceeded: () => new RequestLimitExceeded({ message: 'limit exceeded', ...metadata }),
  InternalServerError: () => new InternalServerError({ message: 'internal error', ...metadata }),
};

/** DynamoDB cancelling a registration because another transaction was writing its guard item. */
const transactionConflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
    ...metadata,
  });

// The commands the store sends, forwarded to DynamoDB Local unless a test fails them. Each route
// builds its own client, so the class is mocked; `real` keeps the send it had before.
const real = createDocumentClient(config);
const realSend: unknown = Reflect.get(DynamoDBDocumentClient.prototype, 'send');
const mock = mockClient(DynamoDBDocumentClient);
Object.defineProperty(real, 'send', { value: realSend });

const sendTransaction = (input: TransactWriteCommandInput) =>
  real.send(new TransactWriteCommand(input));

function passThrough(): void {
  mock.reset();
  mock.on(GetCommand).callsFake((input: GetCommandInput) => real.send(new GetCommand(input)));
  mock.on(QueryCommand).callsFake((input: QueryCommandInput) => real.send(new QueryCommand(input)));
  mock
    .on(UpdateCommand)
    .callsFake((input: UpdateCommandInput) => real.send(new UpdateCommand(input)));
  mock.on(TransactWriteCommand).callsFake(sendTransaction);
}

let routes: Routes;
const account: LiveAccount = { email, password: PASSWORD, sessionId: '', resetToken: '' };

async function call(route: RouteKey) {
  const [method, path] = methodAndPath(route);
  const request = requestReachingStorage(route, account, `new-${Date.now()}@example.com`);
  return routes[route](httpEvent(method, path, request));
}

beforeAll(async () => {
  passThrough();
  routes = routesFor();
  await routes['POST /users'](httpEvent('POST', '/users', { form: { email, password: PASSWORD } }));
  account.sessionId = sessionCookieOf(await call('POST /sessions')) ?? '';
  const reset = await call('POST /reset_password');
  account.resetToken = (JSON.parse(reset.body ?? '') as { reset_token: string }).reset_token;
});

afterEach(() => {
  passThrough();
});

afterAll(() => {
  mock.restore();
  real.destroy();
});

describe.each(Object.entries(FAULTS))('DynamoDB answering %s', (_, fault) => {
  it.each(STORAGE_ROUTE_KEYS)('%s answers a JSON 503', async (route) => {
    // prepare: every command fails
    mock.onAnyCommand().callsFake(() => Promise.reject(fault()));
    // act
    const answer = await call(route);
    // assess
    expect(answer.statusCode).toBe(503);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Retry-After': '1',
    });
    expect(JSON.parse(answer.body ?? '')).toEqual({
      message: 'service temporarily unavailable, try again later',
    });
  });

  // The routes that read the user first and then write (registration only writes).
  it.each(STORAGE_ROUTE_KEYS.filter((r) => r !== 'GET /profile' && r !== 'POST /users'))(
    '%s answers a 503 when its reads succeed and its write fails',
    async (route) => {
      // prepare: reads go through, so the route gets as far as its write; so does the per-client
      // budget's count, which comes before the route (the budget's own failure is the 503 above)
      mock
        .on(UpdateCommand)
        .callsFake((input: UpdateCommandInput) =>
          String(input.Key?.id).startsWith('budget#')
            ? real.send(new UpdateCommand(input))
            : Promise.reject(fault()),
        );
      mock.on(TransactWriteCommand).callsFake(() => Promise.reject(fault()));
      // act
      const answer = await call(route);
      // assess
      expect(answer.statusCode).toBe(503);
      expect(mock.commandCalls(GetCommand).length).toBeGreaterThan(0);
    },
  );
});

describe('registration is all or nothing', () => {
  it('a transaction DynamoDB Local cancels leaves no user item behind', async () => {
    // prepare: a stray guard item makes the guard's put fail; the user's put alone would succeed
    const orphan = `orphan-guard-${Date.now()}@example.com`;
    const raw = localClient(endpoint);
    await raw.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: emailGuardId(orphan) }, user_id: { S: 'nobody' } },
      }),
    );
    raw.destroy();
    const before = await snapshotAccounts(endpoint, table);
    // act
    const answer = await routes['POST /users'](
      httpEvent('POST', '/users', { form: { email: orphan, password: PASSWORD } }),
    );
    // assess
    expect(answer.statusCode).toBe(400);
    expect(await itemsForEmail(endpoint, table, orphan)).toEqual({ users: 0, guard: true });
    expect(await snapshotAccounts(endpoint, table)).toEqual(before);
  });

  it('a registration that keeps losing transaction conflicts answers 503 and writes nothing', async () => {
    // prepare
    const registration = `conflicts-${Date.now()}@example.com`;
    mock.on(TransactWriteCommand).callsFake(() => Promise.reject(transactionConflict()));
    // act
    const answer = await routes['POST /users'](
      httpEvent('POST', '/users', { form: { email: registration, password: PASSWORD } }),
    );
    // assess: sent three times in all, then given up as unavailable, not as a 500
    expect(answer.statusCode).toBe(503);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(await itemsForEmail(endpoint, table, registration)).toEqual({ users: 0, guard: false });
  });

  it('a registration that lost one transaction conflict is sent again and succeeds once', async () => {
    // prepare: DynamoDB cancels the first transaction because another one touched its items
    const registration = `conflict-${Date.now()}@example.com`;
    mock
      .on(TransactWriteCommand)
      .callsFakeOnce(() => Promise.reject(transactionConflict()))
      .callsFake(sendTransaction);
    // act
    const answer = await routes['POST /users'](
      httpEvent('POST', '/users', { form: { email: registration, password: PASSWORD } }),
    );
    // assess
    expect(answer.statusCode).toBe(200);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(await itemsForEmail(endpoint, table, registration)).toEqual({ users: 1, guard: true });
  });
});

describe('after the faults stop', () => {
  it('every route works again at once, with the same handlers', async () => {
    // prepare: the faults of the tests above are gone (afterEach)
    const registration = `back-${Date.now()}@example.com`;
    // act
    const registered = await routes['POST /users'](
      httpEvent('POST', '/users', { form: { email: registration, password: PASSWORD } }),
    );
    const login = await call('POST /sessions');
    account.sessionId = sessionCookieOf(login) ?? '';
    const shown = await call('GET /profile');
    const reset = await call('POST /reset_password');
    account.resetToken = (JSON.parse(reset.body ?? '') as { reset_token: string }).reset_token;
    const updated = await call('PUT /reset_password');
    // assess
    expect([registered, login, shown, reset, updated].map((a) => a.statusCode)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect(await itemsForEmail(endpoint, table, registration)).toEqual({ users: 1, guard: true });
  });
});
