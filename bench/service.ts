/**
 * The service as the benchmark runs it in-process: every route's handler and the library, composed
 * from a plain environment, exactly as each Lambda composes itself at a cold start.
 */
import { randomBytes } from 'node:crypto';
import { limitsOf } from '../handlers/table';
import { Auth } from '../lib/auth/auth';
import { authorizerHandler } from '../lib/http/authorizer';
import { withLimits } from '../lib/http/client-budget';
import { lambdaHandler, type LambdaHandler, type RouteDefinition } from '../lib/http/lambda';
import { loadConfig, type Env } from '../lib/platform/config';
import { createDocumentClient } from '../lib/platform/dynamodb';
import { DB } from '../lib/store/db';
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local';
import { loadRouteDefinitions } from '../tests/support/route-definitions';
import { createUsersTable } from '../tests/support/table';

/** Starts DynamoDB Local on a free port with a users table as serverless.yml declares it. */
export async function startStorage(): Promise<{ dynamodb: DynamoDbLocal; table: string }> {
  const dynamodb = await startDynamoDbLocal({ port: await freePort() });
  try {
    const table = `bench-users-${Date.now()}`;
    await createUsersTable(dynamodb.endpoint, table);
    return { dynamodb, table };
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}

/**
 * Every request of the bench comes from one address: the per-client budget is counted on each
 * credential route, as deployed, with a limit the bench never reaches (in process and through
 * `npm start`).
 */
export const UNREACHED_BUDGET = { CLIENT_ATTEMPTS_PER_MINUTE: '1000000' } as const;

/**
 * The deployed defaults, except: the reset token in the body and no verification mails (mail
 * would need SES), logs and metrics silenced (the benchmark's output is its table; HTTP mode keeps them on).
 */
export function benchEnv(endpoint: string, table: string, bcryptCost?: string): Env {
  return {
    STAGE: 'bench',
    AWS_REGION: 'us-east-1',
    USERS_TABLE: table,
    DYNAMODB_ENDPOINT: endpoint,
    // Left out, the deployed default.
    ...(bcryptCost !== undefined && { BCRYPT_COST: bcryptCost }),
    RESET_DELIVERY: 'response',
    // Verification mails would need SES too (a required verification also refuses the bench's
    // logins until a link is followed).
    EMAIL_VERIFICATION: 'off',
    LOG_LEVEL: 'SILENT',
    METRICS_ENABLED: 'false',
    // The bench's own key (a deployed stage reads its key from SSM, which is not here).
    SERVICE_KEY: randomBytes(32).toString('base64'),
    ...UNREACHED_BUDGET,
  };
}

export async function loadService(env: Env) {
  const config = loadConfig(env);
  const documentClient = createDocumentClient(config);
  const db = new DB(config.usersTable, documentClient);
  const handlers: Record<string, LambdaHandler> = {};
  const definitions = new Map<string, RouteDefinition<unknown>>();
  for (const [route, definition] of await loadRouteDefinitions()) {
    handlers[route.fn] = lambdaHandler(env, withLimits(definition, limitsOf(route)));
    definitions.set(route.fn, definition);
  }
  return {
    env,
    /** Every route's handler, by its function's name in the route table. */
    handlers,
    /** Every route's definition, by its function's name, to compose it otherwise. */
    definitions,
    authorizer: authorizerHandler(env),
    auth: new Auth(db, config),
    db,
    documentClient,
    config,
  };
}

export type Service = Awaited<ReturnType<typeof loadService>>;
