import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePorts } from '../../local/dynamodb-local';
import { startLaggingDynamoDb, type LaggingDynamoDb } from './lagging-dynamodb';

export interface LocalService {
  baseUrl: string;
  dynamodbPort: number;
  /** With `lagMs`: the proxy the functions reach DynamoDB Local through, and its request counts. */
  dynamodbProxy?: LaggingDynamoDb;
  /** Everything the service printed so far (logs, metrics, serverless-offline's own lines). */
  output(): string;
  stop(): Promise<void>;
}

const root = join(__dirname, '..', '..');

/** Polls `GET /` until it says Bienvenue; `name` names the process in the errors. */
export async function waitUntilReady(
  baseUrl: string,
  child: ChildProcess,
  output: () => string,
  name = 'npm start',
) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      // A handler that fails to load can still answer 200, so the body is what counts.
      const body = await (await fetch(baseUrl)).text();
      if (body.includes('Bienvenue')) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not answer within 90 s:\n${output()}`);
}

export interface LocalServiceOptions {
  /**
   * Puts the functions' DynamoDB behind a proxy whose indexes lag this many ms, as AWS's do
   * (tests/support/lagging-dynamodb.ts): `npm start` still runs DynamoDB Local, and the functions
   * reach it through the proxy (DYNAMODB_ENDPOINT).
   */
  lagMs?: number;
}

/**
 * Runs the README's start command (local/start-local.ts) on free ports, as a newcomer would,
 * and waits until GET / answers. `env` is added to its environment.
 */
export async function startLocalService(
  env: Record<string, string> = {},
  options: LocalServiceOptions = {},
): Promise<LocalService> {
  const { httpPort, lambdaPort, dynamodbPort, mailPort } = await freePorts(
    'httpPort',
    'lambdaPort',
    'dynamodbPort',
    'mailPort',
  );
  // Started first: it connects to DynamoDB Local only when a request comes, by then started by
  // npm start on dynamodbPort.
  const dynamodbProxy =
    options.lagMs === undefined
      ? undefined
      : await startLaggingDynamoDb({
          target: `http://127.0.0.1:${dynamodbPort}`,
          lagMs: options.lagMs,
        });
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['local/start-local.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HTTP_PORT: String(httpPort),
      LAMBDA_PORT: String(lambdaPort),
      DYNAMODB_PORT: String(dynamodbPort),
      MAIL_PORT: String(mailPort),
      // Never one from the shell: the tests' service uses its own DynamoDB Local and mail.
      DYNAMODB_ENDPOINT: dynamodbProxy?.endpoint,
      SES_ENDPOINT: undefined,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const baseUrl = `http://localhost:${httpPort}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    await dynamodbProxy?.stop();
  };
  try {
    await waitUntilReady(baseUrl, child, () => printed);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, dynamodbPort, dynamodbProxy, output: () => printed, stop };
}
