/**
 * The service as the tests build it: from plain objects, never by changing process.env. Each test
 * file gets its own users table in the run's DynamoDB Local (tests/setup/dynamodb.ts), so files
 * never see each other's users.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Env } from '../../lib/platform/config';
import { loadConfig, type Config } from '../../lib/platform/config';
import { createDocumentClient } from '../../lib/platform/dynamodb';
import { limitsOf } from '../../handlers/table';
import { withLimits } from '../../lib/http/client-budget';
import { lambdaHandler, type LambdaHandler, type RouteDefinition } from '../../lib/http/lambda';
import { DB } from '../../lib/store/db';
import { createUsersTable } from './table';
import { loadRouteDefinitions } from './route-definitions';
import { TEST_SETTINGS } from './settings';

export const dynamodbEndpoint = inject('dynamodbEndpoint');
export const usersTable = `users-${randomUUID()}`;
await createUsersTable(dynamodbEndpoint, usersTable);

/** The test settings (tests/support/settings.ts), pointed at this file's table in DynamoDB Local. */
export function testEnv(overrides: Env = {}): Env {
  return {
    ...TEST_SETTINGS,
    // In process there is no mail server: the tests of verification give it one, with the mode.
    EMAIL_VERIFICATION: 'off',
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    USERS_TABLE: usersTable,
    ...overrides,
  };
}

export function testConfig(overrides: Env = {}): Config {
  return loadConfig(testEnv(overrides));
}

/** The test configuration, as the service reads it. */
export const config = testConfig();

/** One document client and store over this file's table, for the tests' own reads and writes. */
export const documentClient = createDocumentClient(config);
export const db = new DB(config.usersTable, documentClient);

/** Each route definition's entry in the route table (handlers/table.ts). */
const entries = new Map(
  [...(await loadRouteDefinitions())].map(([entry, definition]) => [definition, entry]),
);

/**
 * A route's Lambda handler, composed from the test environment with `overrides` on top, with the
 * limits its route table entry gives its Lambda entry (a per-client budget on the `credential`
 * routes), and the clock `now` (the system's by default).
 */
export function handlerFor<S>(
  route: RouteDefinition<S>,
  overrides: Env = {},
  now?: () => number,
): LambdaHandler {
  const entry = entries.get(route as RouteDefinition<unknown>);
  if (entry === undefined) throw new Error('the route table names no module with this route');
  return lambdaHandler(testEnv(overrides), withLimits(route, limitsOf(entry)), now);
}
