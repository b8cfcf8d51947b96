// The template `serverless package --stage prod` writes: item 7's route throttling on the HTTP
// API, and the strict settings every deployed stage runs with (items 2, 4 and 6).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../handlers/table';
import { loadConfig } from '../../lib/platform/config';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

interface Throttle {
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
}

interface Template {
  Resources: Record<
    string,
    {
      Type: string;
      DependsOn?: string[];
      Properties: {
        DefaultRouteSettings?: Throttle;
        RouteSettings?: Record<string, Throttle>;
        RouteKey?: string;
        Environment?: { Variables: Record<string, string> };
      };
    }
  >;
}

describe('the template of a deployed stage', () => {
  let template: Template;
  let directory: string;

  beforeAll(async () => {
    // `serverless package` needs no AWS account: it writes the template and the zips.
    directory = await mkdtemp(join(tmpdir(), 'user-auth-package-'));
    await run(
      join(root, 'node_modules', '.bin', 'serverless'),
      // A sender for the reset mails: without one, the stage is refused (tests/ops/template).
      [
        'package',
        '--stage',
        'prod',
        '--param=mailFrom=no-reply@example.com',
        '--package',
        directory,
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
        },
        timeout: 120_000,
      },
    );
    const text = await readFile(
      join(directory, 'cloudformation-template-update-stack.json'),
      'utf8',
    );
    template = JSON.parse(text) as Template;
  }, 150_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const stages = () =>
    Object.values(template.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
  const routeKeys = () =>
    Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties.RouteKey);

  it('limits every route of the one stage', () => {
    expect(stages()).toHaveLength(1);
    const [stage] = stages();
    expect(stage?.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 80,
      ThrottlingBurstLimit: 160,
    });
  });

  it('limits the routes that spend a bcrypt compare or send a mail more strictly', () => {
    const [stage] = stages();
    const defaults = stage?.Properties.DefaultRouteSettings ?? {};
    const strict = stage?.Properties.RouteSettings ?? {};
    // The pages' forms (POST /account/{page}) log in and ask for reset mails too; the account's
    // controls check the password, and the verification and email-change requests send mail; a
    // registration and a reset hash a password (a registration mails, where emails are verified);
    // the second factor's routes check a password or a code, which is guessing too.
    expect(Object.keys(strict).sort()).toEqual([
      'DELETE /mfa/totp',
      'DELETE /users/me',
      'POST /account/{page}',
      'POST /email_change',
      'POST /mfa/recovery_codes',
      'POST /mfa/totp',
      'POST /reset_password',
      'POST /sessions',
      'POST /sessions/mfa',
      'POST /users',
      'POST /verify_email',
      'PUT /mfa/totp',
      'PUT /password',
      'PUT /reset_password',
    ]);
    for (const [routeKey, limits] of Object.entries(strict)) {
      // Each names a route that exists, and the stage is created after it (else CloudFormation fails).
      expect(routeKeys()).toContain(routeKey);
      expect(limits.ThrottlingRateLimit).toBeLessThan(defaults.ThrottlingRateLimit ?? 0);
      expect(limits.ThrottlingBurstLimit).toBeLessThan(defaults.ThrottlingBurstLimit ?? 0);
    }
    const routeResources = Object.entries(template.Resources)
      .filter(([, r]) => strict[r.Properties.RouteKey ?? ''] !== undefined)
      .map(([name]) => name)
      .sort();
    expect(stage?.DependsOn?.slice().sort()).toEqual(routeResources);
  });

  it('runs every function with the strict settings, whatever the local stage uses', () => {
    const functions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(FUNCTIONS.length);
    for (const fn of functions) {
      // What the function's own configuration makes of its environment at cold start (the strings:
      // RESET_URL is a CloudFormation expression).
      const variables = Object.entries(fn.Properties.Environment?.Variables ?? {});
      const env = Object.fromEntries(variables.filter(([, value]) => typeof value === 'string'));
      expect(loadConfig(env)).toMatchObject({
        minPasswordLength: 8,
        refuseCommonPasswords: true,
        allowedOrigins: [],
        bcryptCost: 12,
        resetDelivery: 'email',
        cookieSecure: true,
        cookieDomain: undefined,
        sesEndpoint: undefined,
        dynamodbEndpoint: undefined,
        logFormat: 'json',
      });
    }
  });
});
