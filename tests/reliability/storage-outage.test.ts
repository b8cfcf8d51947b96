/**
 * DynamoDB unreachable: the handlers run against a DynamoDB Local of this file's own, with its
 * data on disk, which the test stops and starts again under them. The SDK settings are the
 * deployed defaults (DYNAMODB_TIMEOUT_MS 1000, DYNAMODB_MAX_ATTEMPTS 3). Endpoints that hang or
 * throttle are in sdk-retries.test.ts.
 *
 * A registration sent while DynamoDB is down can write nothing whatever the code does, so the
 * last test stops DynamoDB Local in the middle of one instead: right after its first write has
 * landed. A registration made of two writes would leave half of itself in the table there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { route as registerRoute } from '../../handlers/register';
import { EmailVerification } from '../../lib/auth/email-verification';
import { Registration } from '../../lib/auth/registration';
import { defineRoute, type LambdaHandler } from '../../lib/http/lambda';
import { createDocumentClient } from '../../lib/platform/dynamodb';
import { SesMailer } from '../../lib/platform/mailer';
import { DB } from '../../lib/store/db';
import { StoreUnavailable } from '../../lib/store/errors';
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local';
import { httpEvent, sessionCookieOf } from '../support/events';
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
import { createUsersTable } from '../support/table';
import { handlerFor, testConfig } from '../support/app';
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

// Commands that change the table, as the SDK names them (context.commandName).
const WRITE_COMMAND = /^(Put|Update|Delete|BatchWrite|TransactWrite)/u;

/**
 * Stops DynamoDB Local as soon as the first write sent through `client` has been answered, so
 * every later command meets a stopped server. Returns the names of the commands sent, in order.
 */
function stopAfterFirstWrite(client: DynamoDBDocumentClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const first = !sent.some((earlier) => WRITE_COMMAND.test(earlier));
      sent.push(command);
      const result = await next(args);
      if (first && WRITE_COMMAND.test(command)) await dynamodb.stop();
      return result;
    },
    { step: 'initialize', name: 'stopAfterFirstWrite' },
  );
  return sent;
}

/** POST /users as the service composes it, but over `client` instead of a client of its own. */
function registrationOver(client: DynamoDBDocumentClient): LambdaHandler {
  return handlerFor(
    defineRoute({
      ...registerRoute,
      services: ({ config }) => {
        const db = new DB(config.usersTable, client);
        const verification = new EmailVerification(db, config, new SesMailer(config));
        return { registration: new Registration(db, config, verification) };
      },
    }),
    outageSide(),
  );
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
    // left nothing (nothing could land then, whatever the code: the next describe stops DynamoDB
    // half way through a registration) and now goes through
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

describe('DynamoDB Local stopped in the middle of a registration', () => {
  it('stopped right after its first write, the registration is in the table whole or not at all, as its answer says', async () => {
    // prepare: DynamoDB Local is up again (the test above); it stops once a write is answered
    const client = createDocumentClient(testConfig(outageSide()));
    const sent = stopAfterFirstWrite(client);
    const register = registrationOver(client);
    const registration = `mid-outage-${Date.now()}@example.com`;
    // act
    const answer = await register(
      httpEvent('POST', '/users', requestReachingStorage('POST /users', account, registration)),
    ).finally(() => {
      client.destroy();
    });
    expect(sent.some((command) => WRITE_COMMAND.test(command))).toBe(true);
    dynamodb = await startDynamoDbLocal({ port, dataDir });
    // assess: read back with a raw client; a registration is one write, so it landed whole
    const stored = await itemsForEmail(dynamodb.endpoint, table, registration);
    expect(stored).toEqual(
      answer.statusCode === 200 ? { users: 1, guard: true } : { users: 0, guard: false },
    );
    expect(answer.statusCode).toBe(200);
    console.log(
      `[reliability] DynamoDB Local stopped after the registration's first write: commands ` +
        `${sent.join(', ')}; answered ${answer.statusCode}; table: ${JSON.stringify(stored)}`,
    );
  }, 40_000); // DynamoDB Local is stopped and started again within the test
});
