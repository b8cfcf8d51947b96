import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { localStageEnv } from '../../local/local-stage';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

interface Printed {
  provider: { environment: Record<string, string> };
  functions: Record<string, { environment?: Record<string, string> }>;
}

describe("npm start's reading of serverless.yml (local/local-stage.ts)", () => {
  it('gives the environment the framework resolves for the local stage', async () => {
    // prepare: settings from the shell, as `npm start` would see them
    const shell = {
      BCRYPT_COST: '7',
      LOG_FORMAT: 'json',
      DYNAMODB_PORT: '8123',
      AWS_REGION: 'eu-west-3',
    };
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...shell };

    // act: the framework's own resolution, and ours
    const { stdout } = await run(
      join(root, 'node_modules', '.bin', 'serverless'),
      ['print', '--stage', 'local', '--format', 'json'],
      { cwd: root, env: { ...env, SLS_TELEMETRY_DISABLED: '1' }, timeout: 60_000 },
    );
    const printed = JSON.parse(stdout) as Printed;
    const ours = localStageEnv(env);

    // assess: every variable of every function, and only the shell's AWS_* besides
    const expected = Object.assign(
      { AWS_REGION: 'eu-west-3' },
      printed.provider.environment,
      ...Object.values(printed.functions).map((fn) => fn.environment ?? {}),
    ) as Record<string, string>;
    expect(ours).toEqual(expected);
    expect(ours).toMatchObject({
      BCRYPT_COST: '7',
      LOG_FORMAT: 'json',
      DYNAMODB_ENDPOINT: 'http://localhost:8123',
    });
  });
});
