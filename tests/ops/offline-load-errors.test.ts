import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import { freePorts } from '../../local/dynamodb-local';
import { guarded } from '../../local/offline-guard';

/*
 * Under serverless-offline, a function that fails answers what API Gateway's HTTP API answers for
 * a failed Lambda, 500 {"message": "Internal Server Error"}, not a 200 with the error's stack.
 */

const root = join(__dirname, '..', '..');
const context = { functionName: 'user-auth-local-home' } as Context;
const FAILED = {
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  body: '{"message":"Internal Server Error"}',
};

describe('guarded (local/offline-guard.ts)', () => {
  it('answers 500 when the module fails to load, and tries to load it once', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const load = vi.fn(() => {
      throw new Error('BCRYPT_COST must be an integer');
    });
    const handler = guarded(load, 'handler');
    expect(await handler({}, context)).toEqual(FAILED);
    expect(await handler({}, context)).toEqual(FAILED);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('answers 500 when the handler throws, and passes answers through', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failing = guarded(() => ({ handler: () => Promise.reject(new Error('bug')) }), 'handler');
    expect(await failing({}, context)).toEqual(FAILED);
    const working = guarded(
      () => ({ handler: () => Promise.resolve({ statusCode: 200 }) }),
      'handler',
    );
    expect(await working({}, context)).toEqual({ statusCode: 200 });
  });
});

describe('serverless-offline with a function that cannot load its configuration', () => {
  let offline: ChildProcess;
  let output = '';
  let baseUrl: string;
  const buildFolder = join('.esbuild', `load-errors-${process.pid}`);

  beforeAll(async () => {
    // prepare: the framework itself, without npm start's checks, given a bad bcrypt cost
    const { httpPort, lambdaPort } = await freePorts('httpPort', 'lambdaPort');
    baseUrl = `http://localhost:${httpPort}`;
    offline = spawn(
      join(root, 'node_modules', '.bin', 'serverless'),
      ['offline', 'start', '--stage', 'local'],
      {
        cwd: root,
        env: {
          ...process.env,
          HTTP_PORT: String(httpPort),
          LAMBDA_PORT: String(lambdaPort),
          DYNAMODB_PORT: new URL(inject('dynamodbEndpoint')).port,
          ESBUILD_WORK_FOLDER: buildFolder,
          BCRYPT_COST: 'abc',
          SLS_TELEMETRY_DISABLED: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    offline.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    offline.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let waited = 0; !output.includes('Server ready'); waited += 250) {
      if (waited > 90_000 || offline.exitCode !== null) throw new Error(output);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 100_000);

  afterAll(async () => {
    const exited = new Promise((resolve) => offline.once('exit', resolve));
    offline.kill('SIGINT');
    await exited;
    await rm(join(root, buildFolder), { recursive: true, force: true });
  });

  it('answers 500 {"message"} and prints the error', async () => {
    // act
    const response = await fetch(baseUrl);

    // assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    expect(output).toContain(
      'user-auth-local-home failed to load: ConfigError: BCRYPT_COST must be an integer from 4 to 15, got "abc"',
    );
  });
});
