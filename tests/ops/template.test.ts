import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, ROUTES } from '../../handlers/table';
import { loadConfig } from '../../lib/platform/config';
import { INDEX_BY_ATTRIBUTE, TTL_ATTRIBUTE } from '../../lib/store/table';
import { METRICS_NAMESPACE } from '../../lib/platform/metrics';
import {
  condition,
  decide,
  packageTemplate,
  resourcesOf,
  type Resource,
  type Template,
} from '../support/template';

/*
 * The stack protects its data and can be watched: asserted on the CloudFormation template that
 * `serverless package` writes (no AWS account needed), for a deployed stage with the default
 * parameters and with each optional one, and for the local stage.
 */

const MAIL_FROM = 'no-reply@example.com';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:on-call';
const RESET_URL = 'https://app.example.com/reset';
const PAGES_URL = 'https://auth.example.com/account';
const ORIGINS = 'https://app.example.com,https://admin.example.com';
const CERTIFICATE_ARN =
  'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const DOMAIN = { domainName: 'auth.example.com', certificateArn: CERTIFICATE_ARN };
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';

/** The stage's service key parameter by default (serverless.yml, custom.serviceKeyParameter). */
const SERVICE_KEY_PARAMETER = '/user-auth/prod/service-key';

/** The ARN of an SSM parameter as the template writes it, resolved by CloudFormation. */
function parameterArn(name: string): string {
  return JSON.stringify({
    'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`,
  });
}

/**
 * What each function may do besides writing its own logs, action → resources, as its route table
 * entry's `access` says (handlers/table.ts): the table is where a role is reviewed.
 */
const ALLOWED: Record<string, Record<string, string[]>> = Object.fromEntries(
  FUNCTIONS.map(({ fn, access }) => {
    const actions: Record<string, string[]> = {};
    if (access.indexes?.length) {
      actions['dynamodb:Query'] = access.indexes
        .map((attribute) => `table/index/${INDEX_BY_ATTRIBUTE[attribute]}`)
        .sort();
    }
    for (const action of access.table ?? []) actions[`dynamodb:${action}`] = ['table'];
    if (access.mail) actions['ses:SendEmail'] = ['*'];
    if (access.serviceKey) actions['ssm:GetParameter'] = [parameterArn(SERVICE_KEY_PARAMETER)];
    return [fn, actions];
  }),
);
/** The functions whose route table entry says they mail. */
const MAILING = FUNCTIONS.filter(({ access }) => access.mail).map(({ fn }) => fn);
const LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown;
  Condition?: unknown;
}

function statementsOf(role: Resource): Statement[] {
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

/** The user table and its indexes by name ('table', 'table/index/<name>'), anything else as is. */
function resourceName(resource: unknown): string {
  const json = JSON.stringify(resource);
  if (json === '{"Fn::GetAtt":["UsersTable","Arn"]}') return 'table';
  const index = /^\{"Fn::Sub":"\$\{UsersTable\.Arn\}\/index\/([\w-]+)"\}$/u.exec(json);
  return index ? `table/index/${index[1] ?? ''}` : typeof resource === 'string' ? resource : json;
}

/** Each Lambda function by its short name (`login`), with its logical id and properties. */
function functionsOf(template: Template, stage: string): Map<string, [string, Resource]> {
  return new Map(
    resourcesOf(template, 'AWS::Lambda::Function').map(([id, fn]) => [
      String(fn.Properties.FunctionName).replace(`user-auth-${stage}-`, ''),
      [id, fn],
    ]),
  );
}

/** The values an environment variable has across the stage's functions. */
function environmentValues(template: Template, stage: string, name: string): Set<string> {
  return new Set(
    [...functionsOf(template, stage).values()].map(
      ([, fn]) =>
        (fn.Properties.Environment as { Variables: Record<string, string> }).Variables[name] ?? '',
    ),
  );
}

function roleOf(template: Template, fn: Resource): [string, Resource] {
  const [roleId] = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  const role = template.Resources[roleId];
  if (role === undefined) throw new Error(`no role ${roleId}`);
  return [roleId, role];
}

function alarm(template: Template, id: string): Record<string, unknown> {
  const resource = template.Resources[id];
  expect(resource?.Type).toBe('AWS::CloudWatch::Alarm');
  return resource?.Properties ?? {};
}

interface MetricId {
  Namespace: string;
  MetricName: string;
  Dimensions: unknown[];
}

/** The metrics an alarm reads: its own, or the ones its math expression sums. */
function alarmMetrics(properties: Record<string, unknown>): MetricId[] {
  const queries = properties.Metrics as { MetricStat?: { Metric: MetricId } }[] | undefined;
  const metrics =
    queries === undefined
      ? [properties as unknown as MetricId]
      : queries.flatMap((query) => (query.MetricStat ? [query.MetricStat.Metric] : []));
  return metrics.map(({ Namespace, MetricName, Dimensions }) => ({
    Namespace,
    MetricName,
    Dimensions,
  }));
}

const ALARMS = [
  'FunctionErrorsAlarm',
  'HttpApi5xxAlarm',
  'DynamoDbThrottlesAlarm',
  'FailedLoginsAlarm',
  'BudgetRefusalsAlarm',
];

describe('the CloudFormation template of `serverless package`', () => {
  let prod: Template;
  let withEmail: Template;
  let withTopic: Template;
  let local: Template;
  /** A custom domain under a base path, its cookie sent to example.com's subdomains. */
  let withDomain: Template;
  /** A custom domain at the root of its host, with its Route 53 record. */
  let withZone: Template;

  beforeAll(async () => {
    [prod, withEmail, withTopic, local, withDomain, withZone] = await Promise.all([
      packageTemplate('prod', { mailFrom: MAIL_FROM }),
      packageTemplate('prod', {
        mailFrom: MAIL_FROM,
        alarmEmail: 'on-call@example.com',
        logRetentionDays: '90',
        failedLoginsAlarmThreshold: '20',
        failedLoginsAlarmPeriodSeconds: '60',
        budgetRefusalsAlarmThreshold: '30',
        budgetRefusalsAlarmPeriodSeconds: '120',
        authorizerTtlSeconds: '300',
        authorizerIdentitySource: '$request.header.Cookie',
        pagesUrl: PAGES_URL,
      }),
      packageTemplate('prod', {
        mailFrom: MAIL_FROM,
        alarmTopicArn: TOPIC_ARN,
        resetUrl: RESET_URL,
        allowedOrigins: ORIGINS,
        serviceKeyParameter: '/team/auth/signing-key',
      }),
      packageTemplate('local'),
      packageTemplate('prod', {
        mailFrom: MAIL_FROM,
        ...DOMAIN,
        basePath: 'auth',
        cookieDomain: 'example.com',
      }),
      packageTemplate('prod', { mailFrom: MAIL_FROM, ...DOMAIN, hostedZoneId: ZONE_ID }),
    ]);
  }, 240_000);

  describe('UsersTable', () => {
    it('has point-in-time recovery and server-side encryption on every stage', () => {
      for (const template of [prod, local]) {
        expect(template.Resources.UsersTable?.Properties).toMatchObject({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        });
      }
    });

    it('is retained and deletion-protected on a deployed stage', () => {
      const table = prod.Resources.UsersTable;
      expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(table?.Properties.DeletionProtectionEnabled).toBe(true);
    });

    it('is neither on the local stage, whose data is thrown away', () => {
      const table = local.Resources.UsersTable;
      expect(table).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
      expect(table?.Properties.DeletionProtectionEnabled).toBe(false);
    });
  });

  describe('IAM', () => {
    it('gives each function a role of its own', () => {
      const functions = functionsOf(prod, 'prod');
      expect([...functions.keys()].sort()).toEqual(Object.keys(ALLOWED).sort());
      const roles = [...functions.values()].map(([, fn]) => roleOf(prod, fn)[0]);
      expect(new Set(roles).size).toBe(functions.size);
      expect(roles).not.toContain('IamRoleLambdaExecution');
    });

    it('allows each function only the actions and resources it uses, no wildcard action', () => {
      const allowed: Record<string, Record<string, string[]>> = {};
      for (const [name, [, fn]] of functionsOf(prod, 'prod')) {
        const actions: Record<string, string[]> = {};
        for (const statement of statementsOf(roleOf(prod, fn)[1])) {
          expect(statement.Effect).toBe('Allow');
          for (const action of statement.Action) {
            expect(action).not.toContain('*');
            if (LOG_ACTIONS.includes(action)) {
              // Logs only into the function's own log group.
              expect(JSON.stringify(statement.Resource)).toContain(
                `log-group:/aws/lambda/user-auth-prod-${name}:`,
              );
              continue;
            }
            const resources = [statement.Resource].flat().map(resourceName);
            actions[action] = [...(actions[action] ?? []), ...resources].sort();
          }
        }
        allowed[name] = actions;
      }
      expect(allowed).toEqual(ALLOWED);
      console.log(`allowed actions per function: ${JSON.stringify(allowed)}`);
    });

    it.each(MAILING)('lets %s send mail only from the configured sender', (name) => {
      const [, fn] = functionsOf(prod, 'prod').get(name) ?? [];
      if (fn === undefined) throw new Error(`no ${name} function`);
      const ses = statementsOf(roleOf(prod, fn)[1]).filter((s) =>
        s.Action.includes('ses:SendEmail'),
      );
      expect(ses).toHaveLength(1);
      expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM } });
    });
  });

  describe('the service key', () => {
    const withKey = ROUTES.filter((route) => route.access.serviceKey === true).map((r) => r.fn);

    it('is read by the functions that check passwords or codes, from the parameter the stage names', () => {
      // Device cookies where passwords are checked; TOTP secrets sealed and opened where codes are.
      expect(withKey.sort()).toEqual(
        [
          'changePassword',
          'confirmTotp',
          'deleteAccount',
          'disableTotp',
          'enrolTotp',
          'login',
          'loginMfa',
          'pageForms',
          'replaceRecoveryCodes',
          'requestEmailChange',
        ].sort(),
      );
      for (const [template, parameter] of [
        [prod, SERVICE_KEY_PARAMETER],
        [withTopic, '/team/auth/signing-key'],
      ] as const) {
        for (const [name, [, fn]] of functionsOf(template, 'prod')) {
          const variables = (fn.Properties.Environment as { Variables: Record<string, string> })
            .Variables;
          const reads = withKey.includes(name);
          expect([name, variables.SERVICE_KEY_PARAMETER]).toEqual([
            name,
            reads ? parameter : undefined,
          ]);
          // Never the key itself in a deployed stage's template.
          expect([name, variables.SERVICE_KEY ?? '']).toEqual([name, '']);
          const ssm = statementsOf(roleOf(template, fn)[1]).filter((statement) =>
            statement.Action.some((action) => action.startsWith('ssm:')),
          );
          expect([name, ssm.map((s) => [s.Action, resourceName(s.Resource)])]).toEqual([
            name,
            reads ? [[['ssm:GetParameter'], parameterArn(parameter)]] : [],
          ]);
        }
      }
    });

    it('is not in the table: the counter items are the only new ones, and they expire (ttl)', () => {
      expect(prod.Resources.UsersTable?.Properties.TimeToLiveSpecification).toEqual({
        AttributeName: TTL_ATTRIBUTE,
        Enabled: true,
      });
    });
  });

  describe('mail links', () => {
    const OWN_PAGES = {
      'Fn::Sub': 'https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/account',
    };
    /** PAGES_URL and RESET_URL of each function that mails. */
    const linkVariables = (template: Template, stage = 'prod') =>
      MAILING.map((name) => {
        const [, fn] = functionsOf(template, stage).get(name) ?? [];
        const variables = fn?.Properties.Environment as { Variables: Record<string, unknown> };
        return [variables.Variables.PAGES_URL, variables.Variables.RESET_URL];
      });

    it("go to the stack's own pages, or to those pagesUrl names", () => {
      expect(linkVariables(prod)).toEqual(MAILING.map(() => [OWN_PAGES, '']));
      expect(linkVariables(withEmail)).toEqual(MAILING.map(() => [PAGES_URL, '']));
    });

    it('of reset mails go to the page resetUrl names, when given (else to pagesUrl/reset-password)', () => {
      expect(linkVariables(withTopic)).toEqual(MAILING.map(() => [OWN_PAGES, RESET_URL]));
    });

    it('go to the local pages on the local stage', () => {
      expect(linkVariables(local, 'local')).toEqual(
        MAILING.map(() => ['http://localhost:3000/account', '']),
      );
    });

    it('are given to the functions that mail, and to no other', () => {
      for (const [name, [, fn]] of functionsOf(prod, 'prod')) {
        const variables = fn.Properties.Environment as { Variables: Record<string, unknown> };
        expect([name, 'PAGES_URL' in variables.Variables]).toEqual([name, MAILING.includes(name)]);
      }
    });

    it('go to the pages on the custom domain, under its base path', () => {
      const under = { 'Fn::Sub': 'https://auth.example.com/auth/account' };
      expect(linkVariables(withDomain)).toEqual(MAILING.map(() => [under, '']));
      const root = { 'Fn::Sub': 'https://auth.example.com/account' };
      expect(linkVariables(withZone)).toEqual(MAILING.map(() => [root, '']));
    });
  });

  describe('the session authorizer', () => {
    const AUTHORIZER = 'HttpApiAuthorizerSession';
    const FUNCTION = 'SessionAuthorizerLambdaFunction';
    const functionArn = { 'Fn::GetAtt': [FUNCTION, 'Arn'] };

    it('is a request authorizer of the HTTP API that runs the sessionAuthorizer function', () => {
      const authorizer = prod.Resources[AUTHORIZER];
      expect(authorizer?.Type).toBe('AWS::ApiGatewayV2::Authorizer');
      expect(authorizer?.Properties).toMatchObject({
        ApiId: { Ref: 'HttpApi' },
        AuthorizerType: 'REQUEST',
        EnableSimpleResponses: true,
        AuthorizerPayloadFormatVersion: '2.0',
      });
      expect(JSON.stringify(authorizer?.Properties.AuthorizerUri)).toContain(
        JSON.stringify(functionArn),
      );
      expect(functionsOf(prod, 'prod').get('sessionAuthorizer')?.[0]).toBe(FUNCTION);
    });

    it('caches nothing and needs no identity source by default: it runs on every request', () => {
      for (const template of [prod, local]) {
        expect(template.Resources[AUTHORIZER]?.Properties).toMatchObject({
          AuthorizerResultTtlInSeconds: 0,
          IdentitySource: [],
        });
      }
      const tuned = withEmail.Resources[AUTHORIZER]?.Properties;
      expect(tuned).toMatchObject({ IdentitySource: ['$request.header.Cookie'] });
      expect(Number(tuned?.AuthorizerResultTtlInSeconds)).toBe(300);
    });

    it('may be invoked by this HTTP API only', () => {
      const permissions = resourcesOf(prod, 'AWS::Lambda::Permission')
        .map(([, permission]) => permission.Properties)
        .filter((properties) => JSON.stringify(properties.FunctionName).includes(FUNCTION));
      expect(permissions).toHaveLength(1);
      expect(permissions[0]).toMatchObject({
        FunctionName: functionArn,
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
      });
      const source = JSON.stringify(permissions[0]?.SourceArn);
      expect(source).toContain('":execute-api:"');
      expect(source).toContain('{"Ref":"HttpApi"},"/*"');
    });

    it('guards the routes the route table marks guarded (GET /whoami), no other: their answers stay their own', () => {
      const guarded: Record<string, unknown> = Object.fromEntries(
        resourcesOf(prod, 'AWS::ApiGatewayV2::Route').map(([, route]) => [
          route.Properties.RouteKey,
          [route.Properties.AuthorizationType ?? 'NONE', route.Properties.AuthorizerId ?? null],
        ]),
      );
      expect(guarded).toEqual(
        Object.fromEntries(
          ROUTES.map(({ key, guarded }) => [
            key,
            guarded ? ['CUSTOM', { Ref: AUTHORIZER }] : ['NONE', null],
          ]),
        ),
      );
      expect(guarded['GET /whoami']).toEqual(['CUSTOM', { Ref: AUTHORIZER }]);
      expect(guarded['GET /profile']).toEqual(['NONE', null]);
    });

    it("exports its ARN for other stacks' HTTP APIs", () => {
      expect(prod.Outputs?.SessionAuthorizerArn).toEqual({
        Description: expect.any(String),
        Value: functionArn,
        Export: { Name: 'user-auth-prod-session-authorizer-arn' },
      });
    });
  });

  describe('HTTP API', () => {
    /** The function a route's integration invokes, by its short name. */
    function targetOf(template: Template, routeKey: string): string | undefined {
      const [, route] =
        resourcesOf(template, 'AWS::ApiGatewayV2::Route').find(
          ([, resource]) => resource.Properties.RouteKey === routeKey,
        ) ?? [];
      const integrationId = /"Ref":"(\w+)"/u.exec(JSON.stringify(route?.Properties.Target))?.[1];
      const integration = template.Resources[integrationId ?? '']?.Properties.IntegrationUri;
      const functionId = /"Fn::GetAtt":\["(\w+)","Arn"\]/u.exec(JSON.stringify(integration))?.[1];
      const fn = [...functionsOf(template, 'prod')].find(([, [id]]) => id === functionId);
      return fn?.[0];
    }

    it('sends every request no route matches to the unmatched function ($default)', () => {
      expect(targetOf(prod, '$default')).toBe('unmatched');
      expect(targetOf(prod, 'POST /users')).toBe('register');
    });

    it('routes each key of the route table to its function, and no other', () => {
      const keys = resourcesOf(prod, 'AWS::ApiGatewayV2::Route').map(
        ([, route]) => route.Properties.RouteKey,
      );
      expect(keys.sort()).toEqual(ROUTES.map(({ key }) => key).sort());
      for (const { key, fn } of ROUTES) expect(targetOf(prod, key)).toBe(fn);
    });

    it("gives each function its table entry's memory, and each route its throttle class", () => {
      for (const { fn, memoryMb } of FUNCTIONS) {
        const [, resource] = functionsOf(prod, 'prod').get(fn) ?? [];
        expect(resource?.Properties.MemorySize).toBe(memoryMb);
      }
      const [[, stage] = []] = resourcesOf(prod, 'AWS::ApiGatewayV2::Stage');
      const settings = stage?.Properties.RouteSettings as Record<string, unknown>;
      const strict = { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 };
      expect(settings).toEqual(
        Object.fromEntries(
          ROUTES.filter(({ throttle }) => throttle === 'credential').map(({ key }) => [
            key,
            strict,
          ]),
        ),
      );
      expect(Object.keys(settings)).toEqual(
        expect.arrayContaining(['POST /sessions', 'POST /reset_password']),
      );
    });

    it('configures no CORS at the gateway: the functions answer it, for allowedOrigins only', () => {
      for (const template of [prod, withTopic]) {
        const [[, api] = []] = resourcesOf(template, 'AWS::ApiGatewayV2::Api');
        expect(api?.Properties.CorsConfiguration).toBeUndefined();
      }
      expect(environmentValues(prod, 'prod', 'ALLOWED_ORIGINS')).toEqual(new Set(['']));
      expect(environmentValues(withTopic, 'prod', 'ALLOWED_ORIGINS')).toEqual(new Set([ORIGINS]));
    });
  });

  describe('the custom domain', () => {
    const DOMAIN_TYPES = [
      'AWS::ApiGatewayV2::DomainName',
      'AWS::ApiGatewayV2::ApiMapping',
      'AWS::Route53::RecordSet',
    ];
    const domainParts = (template: Template) => ({
      resources: Object.fromEntries(
        DOMAIN_TYPES.flatMap((type) => resourcesOf(template, type)).map(([id, resource]) => [
          id,
          resource.Type,
        ]),
      ),
      outputs: Object.keys(template.Outputs ?? {}).filter((name) =>
        name.startsWith('CustomDomain'),
      ),
    });
    const target = { 'Fn::GetAtt': ['CustomDomainName', 'RegionalDomainName'] };
    const zone = { 'Fn::GetAtt': ['CustomDomainName', 'RegionalHostedZoneId'] };

    it('is absent without domainName: no domain, mapping, record or output', () => {
      for (const template of [prod, withEmail, withTopic, local]) {
        expect(domainParts(template)).toEqual({ resources: {}, outputs: [] });
      }
    });

    it('is a regional domain name with the certificate, mapped to the HTTP API under basePath', () => {
      expect(domainParts(withDomain)).toEqual({
        resources: {
          CustomDomainName: 'AWS::ApiGatewayV2::DomainName',
          CustomDomainApiMapping: 'AWS::ApiGatewayV2::ApiMapping',
        },
        outputs: ['CustomDomainTarget', 'CustomDomainHostedZoneId'],
      });
      expect(withDomain.Resources.CustomDomainName?.Properties).toEqual({
        DomainName: 'auth.example.com',
        DomainNameConfigurations: [
          { CertificateArn: CERTIFICATE_ARN, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
        ],
      });
      expect(withDomain.Resources.CustomDomainApiMapping?.Properties).toEqual({
        DomainName: { Ref: 'CustomDomainName' },
        ApiId: { Ref: 'HttpApi' },
        Stage: { Ref: 'HttpApiStage' },
        ApiMappingKey: 'auth',
      });
      // The stage the mapping names is the HTTP API's, the one the routes are deployed to.
      expect(withDomain.Resources.HttpApiStage?.Properties).toMatchObject({
        ApiId: { Ref: 'HttpApi' },
        StageName: '$default',
      });
    });

    it('outputs the name to point DNS at, and the zone for an alias record', () => {
      expect(withDomain.Outputs?.CustomDomainTarget).toMatchObject({ Value: target });
      expect(withDomain.Outputs?.CustomDomainHostedZoneId).toMatchObject({ Value: zone });
    });

    it('with hostedZoneId, adds the Route 53 alias record; without basePath, maps the root', () => {
      expect(domainParts(withZone).resources).toEqual({
        CustomDomainName: 'AWS::ApiGatewayV2::DomainName',
        CustomDomainApiMapping: 'AWS::ApiGatewayV2::ApiMapping',
        CustomDomainRecord: 'AWS::Route53::RecordSet',
      });
      expect(withZone.Resources.CustomDomainRecord?.Properties).toEqual({
        HostedZoneId: ZONE_ID,
        Name: 'auth.example.com',
        Type: 'A',
        AliasTarget: { DNSName: target, HostedZoneId: zone, EvaluateTargetHealth: false },
      });
      expect(withZone.Resources.CustomDomainApiMapping?.Properties).not.toHaveProperty(
        'ApiMappingKey',
      );
    });

    it('leaves the session cookie host-only unless cookieDomain is given', () => {
      for (const template of [prod, withZone]) {
        expect(environmentValues(template, 'prod', 'COOKIE_DOMAIN')).toEqual(new Set(['']));
      }
      expect(environmentValues(withDomain, 'prod', 'COOKIE_DOMAIN')).toEqual(
        new Set(['example.com']),
      );
    });
  });

  describe('password policy', () => {
    it('refuses common passwords on every deployed stage, and not on the local one', () => {
      // As each function's configuration reads its environment: unset, the strict default.
      const refuses = (template: Template, stage: string) =>
        new Set(
          [...environmentValues(template, stage, 'REFUSE_COMMON_PASSWORDS')].map(
            (value) =>
              loadConfig({ REFUSE_COMMON_PASSWORDS: value, MAIL_FROM }).refuseCommonPasswords,
          ),
        );
      expect(refuses(prod, 'prod')).toEqual(new Set([true]));
      expect(refuses(local, 'local')).toEqual(new Set([false]));
    });
  });

  describe('logs', () => {
    it('keeps each function log group 30 days by default, or as the parameter says', () => {
      for (const [template, days] of [
        [prod, 30],
        [withEmail, 90],
      ] as const) {
        const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
        expect(groups).toHaveLength(Object.keys(ALLOWED).length);
        for (const [, group] of groups) expect(Number(group.Properties.RetentionInDays)).toBe(days);
      }
    });
  });

  describe('alarms', () => {
    it('watch the errors of every function', () => {
      const watched = alarmMetrics(alarm(prod, 'FunctionErrorsAlarm')).map((metric) => {
        expect(metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
        return metric.Dimensions;
      });
      const functions = resourcesOf(prod, 'AWS::Lambda::Function').map(([id]) => [
        { Name: 'FunctionName', Value: { Ref: id } },
      ]);
      expect(watched).toEqual(functions);
      expect(alarm(prod, 'FunctionErrorsAlarm').Metrics).toContainEqual(
        expect.objectContaining({ Expression: 'SUM(METRICS())', ReturnData: true }),
      );
    });

    it("watch the HTTP API's 5xx answers and DynamoDB's throttled requests on the table", () => {
      expect(alarmMetrics(alarm(prod, 'HttpApi5xxAlarm'))).toEqual([
        {
          Namespace: 'AWS/ApiGateway',
          MetricName: '5xx',
          Dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }],
        },
      ]);
      const throttles = alarmMetrics(alarm(prod, 'DynamoDbThrottlesAlarm'));
      expect(throttles.length).toBeGreaterThan(0);
      for (const metric of throttles) {
        expect(metric).toMatchObject({
          Namespace: 'AWS/DynamoDB',
          MetricName: 'ThrottledRequests',
        });
        expect(metric.Dimensions).toContainEqual({
          Name: 'TableName',
          Value: { Ref: 'UsersTable' },
        });
      }
    });

    it.each([
      ['failed logins', 'FailedLoginsAlarm', 'login_failed', [60, 20]],
      [
        'requests refused for clients over their budget',
        'BudgetRefusalsAlarm',
        'client_over_budget',
        [120, 30],
      ],
    ] as const)(
      "watch %s through the service's own metric, at a configurable rate",
      (_, id, metricName, tunedPeriodAndThreshold) => {
        const metric = {
          Namespace: METRICS_NAMESPACE,
          MetricName: metricName,
          Dimensions: [
            { Name: 'service', Value: 'user-auth' },
            { Name: 'stage', Value: 'prod' },
          ],
          Statistic: 'Sum',
        };
        expect(alarm(prod, id)).toMatchObject({
          ...metric,
          Period: 300,
          Threshold: 100,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        const tuned = alarm(withEmail, id);
        expect(tuned).toMatchObject(metric);
        expect([Number(tuned.Period), Number(tuned.Threshold)]).toEqual(tunedPeriodAndThreshold);
      },
    );

    it('notify nobody by default, a new topic mailing alarmEmail, or the topic alarmTopicArn', () => {
      const actions = (template: Template, id: string) => {
        const properties = alarm(template, id);
        return [decide(template, properties.AlarmActions), decide(template, properties.OKActions)];
      };
      const topicCreated = (template: Template) =>
        template.Resources.AlarmTopic !== undefined && condition(template, 'CreateAlarmTopic');
      for (const id of ALARMS) {
        expect(actions(prod, id)).toEqual([[], []]);
        expect(actions(withEmail, id)).toEqual([[{ Ref: 'AlarmTopic' }], [{ Ref: 'AlarmTopic' }]]);
        expect(actions(withTopic, id)).toEqual([[TOPIC_ARN], [TOPIC_ARN]]);
      }
      expect([topicCreated(prod), topicCreated(withEmail), topicCreated(withTopic)]).toEqual([
        false,
        true,
        false,
      ]);
      expect(withEmail.Resources.AlarmTopic?.Properties.Subscription).toEqual([
        { Protocol: 'email', Endpoint: 'on-call@example.com' },
      ]);
    });
  });
});

describe('`serverless package` of a stage whose functions could not start', () => {
  it('fails, with one line naming the parameter to set', async () => {
    // act: no sender for the reset mails; a bcrypt cost that is no number; a key in the template
    const stages: Record<string, string>[] = [
      {},
      { mailFrom: MAIL_FROM, bcryptCost: 'abc' },
      { mailFrom: MAIL_FROM, serviceKey: Buffer.alloc(32, 1).toString('base64') },
    ];
    const failures = await Promise.all(
      stages.map((params) =>
        packageTemplate('prod', params).then(
          () => 'packaged',
          (error: unknown) => String((error as { stdout?: string }).stdout ?? error),
        ),
      ),
    );

    // assess
    expect(failures).toEqual([
      expect.stringContaining(
        '\nStage prod cannot work: MAIL_FROM is required when RESET_DELIVERY is "email"; set parameter mailFrom (--param="mailFrom=...")\n',
      ),
      expect.stringContaining(
        '\nStage prod cannot work: BCRYPT_COST must be an integer from 4 to 15, got "abc"; set parameter bcryptCost (--param="bcryptCost=...")\n',
      ),
      expect.stringContaining(
        '\nStage prod cannot work: parameter serviceKey is for the local stage only; a deployed stage reads its key from the SSM parameter that serviceKeyParameter names\n',
      ),
    ]);
  }, 180_000);

  it('fails on half a custom domain, with one line naming the parameter to set', async () => {
    // act: a domain without its certificate, a certificate without its domain, a malformed
    // certificate ARN, a base path with a slash in front, a cookie domain the host is not under
    const stages: Record<string, string>[] = [
      { domainName: 'auth.example.com' },
      { certificateArn: CERTIFICATE_ARN },
      { ...DOMAIN, certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' },
      { ...DOMAIN, basePath: '/auth' },
      { ...DOMAIN, cookieDomain: 'example.org' },
    ];
    const failures = await Promise.all(
      stages.map((params) =>
        packageTemplate('prod', { mailFrom: MAIL_FROM, ...params }).then(
          () => 'packaged',
          (error: unknown) => String((error as { stdout?: string }).stdout ?? error),
        ),
      ),
    );

    // assess: the line, and nothing after it (no package)
    const lines = failures.map((output) => /\nStage prod cannot work: .*\n/u.exec(output)?.[0]);
    expect(lines).toEqual([
      '\nStage prod cannot work: domainName auth.example.com needs certificateArn, the ARN of its ACM certificate in us-east-1; set parameter certificateArn (--param="certificateArn=...")\n',
      '\nStage prod cannot work: certificateArn is set but domainName is not; set parameter domainName (--param="domainName=...")\n',
      `\nStage prod cannot work: certificateArn must be an ACM certificate's ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>), got "arn:aws:acm:us-east-1:123456789012:certificate/x"; set parameter certificateArn (--param="certificateArn=...")\n`,
      '\nStage prod cannot work: basePath must be a path such as auth or team/auth, without a leading or trailing slash, got "/auth"; set parameter basePath (--param="basePath=...")\n',
      '\nStage prod cannot work: cookieDomain example.org is neither domainName auth.example.com nor a parent of it: browsers would drop the session cookie; set parameter cookieDomain (--param="cookieDomain=...")\n',
    ]);
  }, 180_000);
});
