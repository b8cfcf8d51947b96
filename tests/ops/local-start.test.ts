import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, freePorts } from '../../local/dynamodb-local';
import { javaMajor, javaProblem } from '../../local/java';
import { preflight, type LocalPorts } from '../../local/preflight';

/*
 * `npm start` checks its configuration, ports and Java before it starts anything: on a problem it
 * exits 1 by itself, printing one line that names the variable, and starts nothing.
 */

const root = join(__dirname, '..', '..');

interface Start {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A free port for each service npm start runs, by its variable. */
async function freeServicePorts(): Promise<Record<keyof LocalPorts, string>> {
  const ports = await freePorts('HTTP_PORT', 'LAMBDA_PORT', 'DYNAMODB_PORT', 'MAIL_PORT');
  return {
    HTTP_PORT: String(ports.HTTP_PORT),
    LAMBDA_PORT: String(ports.LAMBDA_PORT),
    DYNAMODB_PORT: String(ports.DYNAMODB_PORT),
    MAIL_PORT: String(ports.MAIL_PORT),
  };
}

/** Runs `npm start`'s command with free ports and `env` added, until it exits (20 s at most). */
async function start(env: Record<string, string> = {}): Promise<Start> {
  // prepare
  const ports = await freeServicePorts();
  const started = Date.now();
  // act
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start-local.ts'], {
    cwd: root,
    env: { ...process.env, ...ports, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Killed if it ever gets as far as starting: then the test fails on the exit code.
  const timer = setTimeout(() => child.kill('SIGINT'), 20_000);
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  clearTimeout(timer);
  console.log(`${JSON.stringify(env)}: exited ${code} after ${Date.now() - started} ms`);
  return { code, stdout, stderr };
}

/** Asserts that the start stopped by itself, printing only `line`, and started nothing. */
function expectRefused(result: Start, line: string | RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stdout).not.toContain('DynamoDB Local on');
  expect(result.stderr.trim().split('\n')).toEqual([
    line instanceof RegExp ? expect.stringMatching(line) : line,
  ]);
}

describe('npm start with a bad setting', () => {
  it.each([
    ['BCRYPT_COST', 'abc', 'BCRYPT_COST must be an integer from 4 to 15, got "abc"'],
    ['LOG_LEVEL', 'LOUD', 'LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR, SILENT, got "LOUD"'],
    ['RESET_DELIVERY', 'sms', 'RESET_DELIVERY must be one of response, email, got "sms"'],
    [
      'PRODUCT_NAME',
      'Acme\tCloud',
      'PRODUCT_NAME must be at most 100 characters, without line breaks or other control characters',
    ],
  ])('%s=%s: exits 1 with one line', async (name, value, line) => {
    expectRefused(await start({ [name]: value }), line);
  });
});

describe('npm start with a port it cannot use', () => {
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((listening) => busy.listen(0, listening));
    busyPort = (busy.address() as { port: number }).port;
  });

  afterAll(() => {
    busy.close();
  });

  it.each(['HTTP_PORT', 'LAMBDA_PORT', 'DYNAMODB_PORT', 'MAIL_PORT'])(
    'a busy %s: exits 1, naming it',
    async (name) => {
      expectRefused(
        await start({ [name]: String(busyPort) }),
        `${name} ${busyPort} is in use by another program: stop it or choose another port, e.g. ${name}=${busyPort + 1} npm start`,
      );
    },
  );

  it('DYNAMODB_PORT=abc: exits 1, naming it', async () => {
    expectRefused(
      await start({ DYNAMODB_PORT: 'abc' }),
      'DYNAMODB_PORT must be a port number from 1 to 65535, got "abc"',
    );
  });

  it('SES_ENDPOINT given: MAIL_PORT is not listened on, so neither checked', async () => {
    const env = { ...(await freeServicePorts()), SES_ENDPOINT: 'http://127.0.0.1:8025' };
    expect(await preflight({ ...env, MAIL_PORT: String(busyPort) })).toEqual([]);
    expect(await preflight({ ...env, MAIL_PORT: env.HTTP_PORT })).toEqual([]);
    expect(await preflight({ ...env, SES_ENDPOINT: '', MAIL_PORT: String(busyPort) })).toEqual([
      `MAIL_PORT ${busyPort} is in use by another program: stop it or choose another port, e.g. MAIL_PORT=${busyPort + 1} npm start`,
    ]);
  });

  it('one port for two services: exits 1, naming both', async () => {
    const port = String(await freePort());
    expectRefused(
      await start({ HTTP_PORT: port, LAMBDA_PORT: port }),
      `LAMBDA_PORT and HTTP_PORT are both ${port}: each needs a port of its own`,
    );
  });
});

describe('npm start without a suitable Java', () => {
  let bin: string;

  beforeAll(() => {
    // prepare: a PATH with this machine's package manager and, when asked, an old Java.
    bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    symlinkSync('/usr/bin/apt-get', join(bin, 'apt-get'));
  });

  afterAll(() => {
    rmSync(bin, { recursive: true, force: true });
  });

  it('none: exits 1, saying what to install', async () => {
    expectRefused(
      await start({ PATH: bin }),
      'Java is not installed: DynamoDB Local needs Java 17 or newer; install it with: apt-get install -y openjdk-17-jre-headless',
    );
  });

  it('Java 11: says that 17 or newer is needed', async () => {
    const dir = mkdtempSync(join(bin, 'old-'));
    writeFileSync(
      join(dir, 'java'),
      '#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n',
    );
    chmodSync(join(dir, 'java'), 0o755);
    expect(await javaProblem({ PATH: `${dir}:${bin}` })).toBe(
      'java is Java 11: DynamoDB Local needs Java 17 or newer; install it with: apt-get install -y openjdk-17-jre-headless',
    );
  });

  it("reads both of Java's version formats; this machine's Java passes", async () => {
    expect(javaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(javaMajor('java version "1.8.0_402"')).toBe(8);
    expect(javaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(await javaProblem()).toBeUndefined();
  });
});
