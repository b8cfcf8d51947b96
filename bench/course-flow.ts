/**
 * The course's task-20 flow (the seed's main.py) timed against our service and against the Flask
 * original it was ported from, both hashing at bcrypt cost 12, interleaved in one run (issue 10,
 * item 4). The original's code is not part of this repository: FLASK_ORIGINAL_DIR names a
 * directory holding its app.py, auth.py, db.py and user.py (docs/BENCHMARKS.md says which
 * public repository and commit, and which Debian packages it needs).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../local/dynamodb-local';
import { E2eClient } from '../tests/e2e/client';
import { UNREACHED_BUDGET } from './service';
import { startLocalService, waitUntilReady } from '../tests/support/local-service';
import { median, ms, quantile, table, verdict } from './stats';

/** The original hashes with `bcrypt.gensalt()`, whose default is 12 rounds. */
const FLASK_BCRYPT_COST = '12';
const RATIO_TARGET = 1.35;

export interface FlowStep {
  name: string;
  ms: number;
}

export interface FlowRound {
  totalMs: number;
  steps: FlowStep[];
}

export interface RunningService {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * One round of main.py, with the checks main.py makes, against a new user. Logging out is timed
 * with the redirect that `requests` follows (DELETE /sessions, then GET /).
 */
async function flowRound(baseUrl: string): Promise<FlowRound> {
  const client = new E2eClient(baseUrl);
  const email = `flow-${randomUUID()}@example.com`;
  const password = `First-${randomUUID()}`;
  const newPassword = `Second-${randomUUID()}`;
  const steps: FlowStep[] = [];
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    steps.push({ name, ms: performance.now() - start });
    return result;
  };
  const form = (fields: Record<string, string>) => ({ form: fields });
  const logIn = (step: string, secret: string) =>
    timed(step, () =>
      client.expect(
        step,
        client.call('POST', '/sessions', form({ email, password: secret })),
        200,
        { email, message: 'logged in' },
      ),
    );

  const start = performance.now();
  await timed('register', () =>
    client.expect('register', client.call('POST', '/users', form({ email, password })), 200, {
      email,
      message: 'user created',
    }),
  );
  await timed('register again (400)', () =>
    client.expect(
      'register again (400)',
      client.call('POST', '/users', form({ email, password })),
      400,
      { message: 'email already registered' },
    ),
  );
  await timed('log in, wrong password (401)', () =>
    client.expect(
      'log in, wrong password (401)',
      client.call('POST', '/sessions', form({ email, password: newPassword })),
      401,
    ),
  );
  await timed('profile, logged out (403)', () =>
    client.expect('profile, logged out (403)', client.call('GET', '/profile'), 403),
  );
  const sessionId = E2eClient.sessionCookie(await logIn('log in', password));
  if (sessionId === undefined) throw new Error('log in: no session_id cookie was set');
  await timed('profile', () =>
    client.expect('profile', client.call('GET', '/profile', { sessionId }), 200, { email }),
  );
  await timed('log out (302, then GET /)', async () => {
    const answer = await client.expect(
      'log out',
      client.call('DELETE', '/sessions', { sessionId }),
      302,
    );
    const location = answer.headers.get('location');
    if (location === null) throw new Error('log out: the redirect has no Location');
    await client.expect('log out redirect', client.call('GET', location), 200, {
      message: 'Bienvenue',
    });
  });
  const resetToken = await timed('reset token', () => client.resetToken(email));
  await timed('update password', () =>
    client.expect(
      'update password',
      client.call(
        'PUT',
        '/reset_password',
        form({ email, reset_token: resetToken, new_password: newPassword }),
      ),
      200,
      { email, message: 'Password updated' },
    ),
  );
  await logIn('log in, new password', newPassword);
  return { totalMs: performance.now() - start, steps };
}

/** Runs the flow `rounds` times one after another, each round with a fresh email. */
export async function runCourseFlow(baseUrl: string, rounds: number): Promise<FlowRound[]> {
  const results: FlowRound[] = [];
  for (let round = 0; round < rounds; round++) results.push(await flowRound(baseUrl));
  return results;
}

// Imports the original's app and serves it on one thread: its SQLite session may only be used by
// the thread that created it (with Flask's default threads it fails, then answers 500 to all).
const LAUNCH = [
  'import sys',
  'sys.path.insert(0, sys.argv[1])',
  'from app import app',
  "app.run(host='127.0.0.1', port=int(sys.argv[2]), threaded=False)",
].join('\n');

/**
 * Starts the Flask original from `dir`, unchanged, with Debian's python3 (where apt installs
 * python3-flask, -sqlalchemy and -bcrypt; FLASK_PYTHON overrides it) on a free port.
 */
export async function startFlaskOriginal(dir: string): Promise<RunningService> {
  const port = await freePort();
  // The original drops and recreates its SQLite file (a.db) in its working directory at import.
  const workDir = await mkdtemp(join(tmpdir(), 'flask-original-'));
  const python = process.env.FLASK_PYTHON ?? '/usr/bin/python3';
  const child = spawn(python, ['-c', LAUNCH, resolve(dir), String(port)], {
    cwd: workDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.on('error', (error) => (printed += `${python}: ${error.message}\n`));
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(workDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseUrl, child, () => printed, `the Flask original (${dir})`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop };
}

function stepTable(ours: FlowRound[], flask: FlowRound[]): string {
  const names = ours[0]?.steps.map((s) => s.name) ?? [];
  const stepMedian = (rounds: FlowRound[], i: number) =>
    median(rounds.map((r) => r.steps[i]?.ms ?? Number.NaN));
  return table(
    ['step', 'ours p50 ms', 'Flask p50 ms', 'ours/Flask'],
    names.map((name, i) => {
      const [a, b] = [stepMedian(ours, i), stepMedian(flask, i)];
      return [name, ms(a), ms(b), (a / b).toFixed(2)];
    }),
  );
}

function summary(rounds: FlowRound[]) {
  const totals = rounds.map((r) => r.totalMs);
  return { n: totals.length, p50: median(totals), p90: quantile(totals, 0.9) };
}

/** Median and p90 of the whole flow for each service, and their ratio against the target. */
export function flowTable(ours: FlowRound[], flask: FlowRound[]): string {
  const [a, b] = [summary(ours), summary(flask)];
  const ratio = a.p50 / b.p50;
  return table(
    ['service', 'rounds', 'p50 ms', 'p90 ms', `target: p50 ratio ≤ ${RATIO_TARGET}`],
    [
      ['ours (`npm start`)', String(a.n), ms(a.p50), ms(a.p90), ''],
      ['Flask original', String(b.n), ms(b.p50), ms(b.p90), ''],
      [
        'ours / Flask',
        '',
        ratio.toFixed(2),
        (a.p90 / b.p90).toFixed(2),
        verdict(ratio <= RATIO_TARGET),
      ],
    ],
  );
}

async function interleaved(
  ours: RunningService,
  flask: RunningService,
  rounds: number,
): Promise<[FlowRound[], FlowRound[]]> {
  const a = { service: ours, rounds: [] as FlowRound[] };
  const b = { service: flask, rounds: [] as FlowRound[] };
  // One discarded round each: serverless-offline loads each handler on its first request.
  for (const side of [a, b]) await runCourseFlow(side.service.baseUrl, 1);
  for (let round = 0; round < rounds; round++) {
    // Who goes first alternates, so the shared machine's drift falls on both alike.
    for (const side of round % 2 === 0 ? [a, b] : [b, a]) {
      side.rounds.push(...(await runCourseFlow(side.service.baseUrl, 1)));
    }
  }
  return [a.rounds, b.rounds];
}

/** The bench's section: the comparison when FLASK_ORIGINAL_DIR is set, else how to enable it. */
export async function courseFlowSection(rounds: number): Promise<string[]> {
  const dir = process.env.FLASK_ORIGINAL_DIR;
  if (dir === undefined || dir === '') {
    return [
      'The course flow against the Flask original: skipped; set FLASK_ORIGINAL_DIR to its ' +
        'directory to run it (docs/BENCHMARKS.md).',
    ];
  }
  const ours = await startLocalService({ BCRYPT_COST: FLASK_BCRYPT_COST, ...UNREACHED_BUDGET });
  try {
    const flask = await startFlaskOriginal(dir);
    try {
      // The ratio moves with the machine's load, so the section says what it was.
      const [load] = loadavg();
      const [a, b] = await interleaved(ours, flask, rounds);
      return [
        `### The course flow (main.py) against the Flask original, both at bcrypt cost ${FLASK_BCRYPT_COST} (load ${load?.toFixed(2)} at its start)`,
        flowTable(a, b),
        '#### Per step (p50)',
        stepTable(a, b),
      ];
    } finally {
      await flask.stop();
    }
  } finally {
    await ours.stop();
  }
}
