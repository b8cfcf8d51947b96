/**
 * `npm start`: the whole service on this machine. Checks its ports, Java and configuration first
 * (local/preflight.ts), starts DynamoDB Local and a local SES emulator (local/local-mail.ts), lets
 * serverless-offline create the table and its GSIs from serverless.yml (serverless-dynamodb's
 * migration), and serves the API on http://localhost:$HTTP_PORT, one line per request and one
 * `MAIL to ...` line, with its link, per mail sent. Ctrl-C stops all three.
 *
 *   npm start                  in-memory data, gone when it stops
 *   npm start -- --persist     data kept in .dynamodb/ (or $DYNAMODB_DATA_DIR) across restarts
 *
 * Ports: HTTP_PORT (3000), LAMBDA_PORT (3002), DYNAMODB_PORT (8000), MAIL_PORT (8005).
 * DYNAMODB_ENDPOINT, when set, is where the functions send their DynamoDB requests instead: a
 * proxy in front of this DynamoDB Local, which still gets the table. SES_ENDPOINT, when set, is
 * where they send their mails instead of an emulator of npm start's own (none is started, and
 * nothing is printed of the mails).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { loadConfig } from '../lib/platform/config';
import { startDynamoDbLocal } from './dynamodb-local';
import { givenSesEndpoint, mailLine, startLocalMail } from './local-mail';
import { localStageEnv } from './local-stage';
import { forwardOffline } from './offline-output';
import { localPorts, preflight } from './preflight';

const root = join(__dirname, '..');
const persist = process.argv.includes('--persist') || process.env.DYNAMODB_DATA_DIR !== undefined;
const dataDir = persist ? resolve(root, process.env.DYNAMODB_DATA_DIR ?? '.dynamodb') : undefined;
// Its own build folder, removed when it stops: another npm start or a package run from this
// checkout builds in its own too (deploy/plugins/build-folder.js), so none deletes another's.
const buildFolder = join('.esbuild', `local-${process.pid}`);

/** Resolves once something accepts connections on `port` (serverless-offline, once it listens). */
async function listening(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, 'localhost');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => {
        done(false);
      });
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function main(): Promise<void> {
  const problems = await preflight();
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    process.exit(1);
  }
  const ports = localPorts();

  // Started first: it runs in this process, so nothing outlives a failure to start the rest.
  const givenMail = givenSesEndpoint(process.env);
  const { productName } = loadConfig(localStageEnv(process.env));
  const mail =
    givenMail === undefined
      ? await startLocalMail(ports.MAIL_PORT, (sent) => {
          console.log(mailLine(sent, productName));
        })
      : undefined;
  const sesEndpoint = givenMail ?? mail?.endpoint;

  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const dynamodb = await startDynamoDbLocal({ port: ports.DYNAMODB_PORT, dataDir });
  const where = dataDir === undefined ? 'in memory' : `data in ${dataDir}`;
  const endpoint = process.env.DYNAMODB_ENDPOINT?.trim();
  const via = endpoint ? `, the functions through ${endpoint}` : '';
  console.log(`DynamoDB Local on ${dynamodb.endpoint} (${where}${via})`);
  console.log(
    mail === undefined
      ? `Mail through ${sesEndpoint ?? ''} (SES_ENDPOINT)`
      : `Mail emulator on ${mail.endpoint} (the mails in full; each link is printed here)`,
  );

  // The framework is run directly, not through npx: a killed npx parent would orphan it.
  const offline = spawn(
    join(root, 'node_modules', '.bin', 'serverless'),
    ['offline', 'start', '--stage', 'local'],
    {
      cwd: root,
      stdio: ['inherit', 'pipe', 'inherit'],
      env: {
        ...process.env,
        HTTP_PORT: String(ports.HTTP_PORT),
        LAMBDA_PORT: String(ports.LAMBDA_PORT),
        DYNAMODB_PORT: String(ports.DYNAMODB_PORT),
        // Set but empty, it would leave the functions without an endpoint: AWS itself.
        DYNAMODB_ENDPOINT: endpoint || undefined,
        SES_ENDPOINT: sesEndpoint,
        ESBUILD_WORK_FOLDER: buildFolder,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        // The framework's own notices (a banner, two lines per request, "Skipping end: ...") are
        // noise here: warnings and errors still show.
        SLS_LOG_LEVEL: process.env.SLS_LOG_LEVEL ?? 'warning',
        // serverless-offline passes the AWS_* variables on to the functions. The SDK's notice
        // that its 2027 releases need Node 22 would print once per function, and Lambda runs 22
        // (README.md, "Node.js").
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  forwardOffline(offline.stdout, process.stdout);

  let stopping: Promise<never> | undefined;
  // Stops serverless-offline first (SIGINT, so it closes its workers), then DynamoDB Local and
  // the mail emulator.
  function stop(code: number): Promise<never> {
    stopping ??= (async () => {
      if (offline.exitCode === null) {
        const exited = new Promise((done) => offline.once('exit', done));
        offline.kill('SIGINT');
        await exited;
      }
      rmSync(join(root, buildFolder), { recursive: true, force: true });
      await dynamodb.stop();
      await mail?.stop();
      if (code === 0) console.log('Stopped.');
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

  await listening(ports.HTTP_PORT);
  console.log(`Ready on http://localhost:${ports.HTTP_PORT} (stage local); Ctrl-C stops it`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
