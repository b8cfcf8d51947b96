/**
 * serverless.yml's functions, route throttles and function alarm, derived from the route table
 * (handlers/table.ts) when the framework reads `${file(./deploy/functions.js):...}`. It also writes
 * each route function's Lambda entry, two lines that compose the route at cold start, into
 * `entries/` (generated, not committed), so a route is written once: its table entry and its
 * module under handlers/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  AUTHORIZER,
  FUNCTIONS,
  ROUTES,
  type Access,
  type LambdaFunction,
  type Route,
} from '../handlers/table';
import { INDEX_BY_ATTRIBUTE } from '../lib/store/table';

/** Where the generated entries go, relative to the service. */
export const ENTRIES_DIR = 'entries';

const TABLE_ARN = { 'Fn::GetAtt': ['UsersTable', 'Arn'] };

/** The statements of a role that may do `access` and nothing else (its logs aside). */
export function roleStatements(access: Access): unknown[] {
  const statements: unknown[] = [];
  if (access.indexes?.length) {
    statements.push({
      Effect: 'Allow',
      Action: ['dynamodb:Query'],
      Resource: access.indexes.map((attribute) => ({
        'Fn::Sub': `\${UsersTable.Arn}/index/${INDEX_BY_ATTRIBUTE[attribute]}`,
      })),
    });
  }
  if (access.table?.length) {
    statements.push({
      Effect: 'Allow',
      Action: access.table.map((action) => `dynamodb:${action}`),
      Resource: TABLE_ARN,
    });
  }
  if (access.mail) {
    // Mail only from the stage's own sender.
    statements.push({
      Effect: 'Allow',
      Action: ['ses:SendEmail'],
      Resource: '*',
      Condition: { StringEquals: { 'ses:FromAddress': "${param:mailFrom, ''}" } },
    });
  }
  return statements;
}

/** Writes the Lambda entry of every route function under `serviceDir`. */
export function writeEntries(serviceDir: string): void {
  const dir = join(serviceDir, ENTRIES_DIR);
  mkdirSync(dir, { recursive: true });
  for (const route of ROUTES) {
    writeFileSync(
      join(dir, `${route.fn}.ts`),
      `// Generated from handlers/table.ts by deploy/route-resources.ts: ${route.key}, composed at cold start.\n` +
        `import { lambdaHandler } from '../lib/http/lambda';\n` +
        `import { route } from '../handlers/${route.module}';\n\n` +
        `export const handler = lambdaHandler(process.env, route);\n`,
    );
  }
}

/** A function as serverless.yml declares it. */
export interface FunctionDefinition {
  handler: string;
  memorySize: number;
  environment?: Record<string, string>;
  events: unknown[];
  iamRoleStatements: unknown[];
}

/** serverless.yml's `functions`, after writing their entries under `serviceDir`. */
export function functions(serviceDir: string): Record<string, FunctionDefinition> {
  writeEntries(serviceDir);
  return functionDefinitions();
}

/** The API Gateway event of a route: its method and path (or the catch-all), and its guard. */
function httpApiEvent(route: Route): unknown {
  if (route.key === '$default') return { httpApi: '*' };
  const [method, path] = route.key.split(' ');
  return {
    httpApi: { method, path, ...(route.guarded && { authorizer: { name: 'session' } }) },
  };
}

/** A function as serverless.yml declares it: `handler` names its module and export. */
function definitionOf(fn: LambdaFunction, handler: string, events: unknown[]): FunctionDefinition {
  return {
    handler,
    memorySize: fn.memoryMb,
    // The mails link to the stage's pages (serverless.yml, custom.pagesUrl); reset mails to
    // `resetUrl` instead when the stage names one.
    ...(fn.access.mail && {
      environment: { PAGES_URL: '${self:custom.pagesUrl}', RESET_URL: "${param:resetUrl, ''}" },
    }),
    events,
    // Its own role, allowed what its entry says and its logs (the shared role is not used).
    iamRoleStatements: roleStatements(fn.access),
  };
}

/**
 * Each function's handler, memory, events and role, as serverless.yml declares them: a route's
 * handler is its generated entry; the authorizer's is its own module.
 */
export function functionDefinitions(): Record<string, FunctionDefinition> {
  const entries: [string, FunctionDefinition][] = ROUTES.map((route) => [
    route.fn,
    definitionOf(route, `${ENTRIES_DIR}/${route.fn}.handler`, [httpApiEvent(route)]),
  ]);
  entries.push([
    AUTHORIZER.fn,
    definitionOf(AUTHORIZER, `handlers/${AUTHORIZER.module}.handler`, []),
  ]);
  return Object.fromEntries(entries);
}

/** The framework's own names for what it creates, so the references below match them. */
interface Naming {
  getLambdaLogicalId(fn: string): string;
  getHttpApiRouteLogicalId(routeKey: string): string;
}
const naming = createRequire(__filename)('osls/lib/plugins/aws/lib/naming') as Naming;

const CREDENTIAL_ROUTES = ROUTES.filter((route) => route.throttle === 'credential');

/** The HTTP API stage's RouteSettings: the `credential` routes' stricter limits. */
export function routeSettings(): Record<string, unknown> {
  return Object.fromEntries(
    CREDENTIAL_ROUTES.map((route) => [
      route.key,
      {
        ThrottlingRateLimit: '${self:custom.throttling.credentialRate}',
        ThrottlingBurstLimit: '${self:custom.throttling.credentialBurst}',
      },
    ]),
  );
}

/** CloudFormation refuses RouteSettings that name a route which does not exist yet. */
export function throttledRouteIds(): string[] {
  return CREDENTIAL_ROUTES.map((route) => naming.getHttpApiRouteLogicalId(route.key));
}

/** The function-errors alarm's metrics: the sum, and each function's Errors. */
export function functionErrorMetrics(): unknown[] {
  return [
    {
      Id: 'errors',
      Label: 'Errors of all functions',
      Expression: 'SUM(METRICS())',
      ReturnData: true,
    },
    ...FUNCTIONS.map((fn) => ({
      Id: fn.fn,
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: naming.getLambdaLogicalId(fn.fn) } }],
        },
        Period: 60,
        Stat: 'Sum',
      },
    })),
  ];
}
