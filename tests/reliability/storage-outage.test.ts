/**
 * DynamoDB unreachable: the handlers run against a DynamoDB Local of this file's own, with its
 * data on disk, which the test stops and starts again under them. The SDK settings are the
 * deployed defaults (DYNAMODB_TIMEOUT_MS 1000, DYNAMODB_MAX_ATTEMPTS 3). Endpoints that hang or
 * throttle are in sdk-retries.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../lib/store/errors';
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../../scripts/dynamodb-local';
import { httpEvent, sessionCookieOf } from '../../scripts/support/events';
import {
  routesFor,
  methodAndPath,
  requestReachingStorage,
  ROUTE_KEYS,
  type LiveAccount,
  type RouteKey,
  type Routes,
} from '../support/routes';
import { openUserStore } from '../../lib/store/open';
import { createUsersTable } from '../../scripts/support/table';
import { testConfig } from '../support/app';
import { itemsForEmail } from '../support/table-contents';

// Far above what the settings allow (3 attempts of at most 1 s each, plus backoff), and below the
// Lambda timeout of 10 s: an answer later than this would mean a Lambda held until it is killed.
const ANSWER_BOUND_MS = 9_000;
const PASSWORD = 'correct horse battery staple';
const email = `outage-${Date.now()}@example.com`;
const table = `outage-${Date.now()}`;

let dataDir: string;
let dynamodb: DynamoDbLocal;
let port: number;
let routes: Routes;
const account: LiveAccount = { email, password: PASSWORD, sessionId: '', resetToken: '' };

/** The test settings, pointed at this file's own DynamoDB Local and table. */
function outageSide() {
  return { DYNAMODB_ENDPOINT: dynamodb.endpoint, USERS_TABLE: table };
}

async function timed(route: RouteKey, registration: string) {
  const [method, path] = methodAndPath(route);
  const started = performance.now();
  const request = requestReachingStorage(route, account, registration);
  const answer = await routes[route](httpEvent(method, path, request));
  return { route, answer, ms: Math.round(performance.now() - started) };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outage-dynamodb-'));
  port = await freePort();
  dynamodb = await startDynamoDbLocal({ port, dataDir });
  await createUsersTable(dynamodb.endpoint, table);
  routes = routesFor(outageSide());
  // prepare: a user with a live session and a reset token, stored before the outage
  await routes['POST /users'](
    httpEvent('POST', '/users', requestReachingStorage('POST /users', account, email)),
  );
  const login = await routes['POST /sessions'](
    httpEvent('POST', '/sessions', requestReachingStorage('POST /sessions', account, email)),
  );
  account.sessionId = sessionCookieOf(login) ?? '';
  const reset = await routes['POST /reset_password'](
    httpEvent(
      'POST',
      '/reset_password',
      requestReachingStorage('POST /reset_password', account, email),
    ),
  );
  account.resetToken = (JSON.parse(reset.body ?? '') as { reset_token: string }).reset_token;
});

afterAll(async () => {
  await dynamodb.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DynamoDB Local stopped under running handlers', () => {
  const registration = `during-outage-${Date.now()}@example.com`;

  it('every route that needs storage answers a JSON 503 within the bound', async () => {
    // prepare
    await dynamodb.stop();
    // act: one route after the other, so each time is the route's own
    const results = [];
    for (const route of ROUTE_KEYS) results.push(await timed(route, registration));
    // assess
    for (const { route, answer, ms } of results) {
      expect(answer.statusCode, route).toBe(route === 'GET /' ? 200 : 503);
      expect(answer.headers?.['Content-Type']).toBe('application/json');
      expect(JSON.parse(answer.body ?? '')).toHaveProperty('message');
      expect(ms, route).toBeLessThan(ANSWER_BOUND_MS);
    }
    console.log(
      `[reliability] DynamoDB Local stopped: ${results
        .map(({ route, answer, ms }) => `${route} ${answer.statusCode} in ${ms} ms`)
        .join('; ')}`,
    );
  });

  it('gives up after DYNAMODB_MAX_ATTEMPTS attempts', async () => {
    // act
    const db = openUserStore(testConfig(outageSide()));
    const failure: unknown = await db.findUserBy({ email }).catch((error: unknown) => error);
    // assess
    expect(failure).toBeInstanceOf(StoreUnavailable);
    const { $metadata } = (failure as StoreUnavailable).cause as {
      $metadata: { attempts: number; totalRetryDelay: number };
    };
    expect($metadata.attempts).toBe(3);
    console.log(
      `[reliability] connection refused: ${$metadata.attempts} attempts, ${$metadata.totalRetryDelay} ms of backoff`,
    );
  });

  it('works again as soon as DynamoDB is back, without a restart, and lost nothing', async () => {
    // act
    const restarting = performance.now();
    dynamodb = await startDynamoDbLocal({ port, dataDir });
    const ready = performance.now();
    const login = await routes['POST /sessions'](
      httpEvent('POST', '/sessions', requestReachingStorage('POST /sessions', account, email)),
    );
    const recovered = performance.now();
    account.sessionId = sessionCookieOf(login) ?? '';
    const after = [];
    for (const route of ROUTE_KEYS.filter((r) => r !== 'POST /sessions')) {
      after.push(await timed(route, registration));
    }
    // assess: the user stored before the outage is there; the registration tried during it
    // left nothing and now goes through
    expect(login.statusCode).toBe(200);
    expect(after.map(({ route, answer }) => `${route} ${answer.statusCode}`)).toEqual([
      'GET / 200',
      'POST /users 200',
      'GET /profile 200',
      'DELETE /sessions 302',
      'POST /reset_password 200',
      'PUT /reset_password 403', // the token asked for before the outage was replaced just above
    ]);
    expect(await itemsForEmail(dynamodb.endpoint, table, registration)).toEqual({
      users: 1,
      guard: true,
    });
    console.log(
      `[reliability] DynamoDB Local back after ${((ready - restarting) / 1000).toFixed(1)} s; ` +
        `first login answered ${Math.round(recovered - ready)} ms after it was ready`,
    );
  });
});
