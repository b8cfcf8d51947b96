/**
 * `npm start`: the whole service on this machine. Starts DynamoDB Local, lets serverless-offline
 * create the table and its GSIs from serverless.yml (serverless-dynamodb's migration), and serves
 * the API on http://localhost:$HTTP_PORT. Ctrl-C stops both.
 *
 *   npm start                  in-memory data, gone when it stops
 *   npm start -- --persist     data kept in .dynamodb/ (or $DYNAMODB_DATA_DIR) across restarts
 *
 * Ports: HTTP_PORT (3000), LAMBDA_PORT (3002), DYNAMODB_PORT (8000).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDynamoDbLocal } from './dynamodb-local';

const root = join(__dirname, '..');
const persist = process.argv.includes('--persist') || process.env.DYNAMODB_DATA_DIR !== undefined;
const dataDir = persist ? resolve(root, process.env.DYNAMODB_DATA_DIR ?? '.dynamodb') : undefined;
const dynamodbPort = Number(process.env.DYNAMODB_PORT ?? 8000);
const httpPort = process.env.HTTP_PORT ?? '3000';

async function main(): Promise<void> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const dynamodb = await startDynamoDbLocal({ port: dynamodbPort, dataDir });
  const where = dataDir === undefined ? 'in memory' : `data in ${dataDir}`;
  console.log(`DynamoDB Local on ${dynamodb.endpoint} (${where})`);

  // The framework is run directly, not through npx: a killed npx parent would orphan it.
  const offline = spawn(
    join(root, 'node_modules', '.bin', 'serverless'),
    ['offline', 'start', '--stage', 'local'],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        DYNAMODB_PORT: String(dynamodbPort),
        HTTP_PORT: httpPort,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
    },
  );

  let stopping: Promise<never> | undefined;
  // Stops serverless-offline first (SIGINT, so it closes its workers), then DynamoDB Local.
  function stop(code: number): Promise<never> {
    stopping ??= (async () => {
      if (offline.exitCode === null) {
        const exited = new Promise((done) => offline.once('exit', done));
        offline.kill('SIGINT');
        await exited;
      }
      await dynamodb.stop();
      process.exit(code);
    })();
    return stopping;
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(0));
  }
  offline.on('exit', (code) => void stop(code ?? 1));
  dynamodb.process.on('exit', () => {
    if (stopping === undefined) console.error('DynamoDB Local stopped unexpectedly');
    void stop(1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
