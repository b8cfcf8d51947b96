import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCourseFlow } from '../../scripts/bench/course-flow';
import { freePort } from '../../scripts/dynamodb-local';
import { startLocalService, type LocalService } from '../../scripts/support/local-service';
import { INSTALL_REQUESTS, pythonWithRequests } from '../support/python';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('the end-to-end script against `npm start` (serverless-offline + DynamoDB Local)', () => {
  let service: LocalService;

  beforeAll(async () => {
    service = await startLocalService();
  });

  afterAll(async () => {
    await service.stop();
  });

  it('passes silently, and again with a fresh email', async () => {
    for (let round = 0; round < 2; round++) {
      const { stdout, stderr } = await run(
        join(root, 'node_modules', '.bin', 'tsx'),
        ['scripts/e2e.ts', service.baseUrl],
        { cwd: root },
      );
      expect(stdout).toBe('');
      expect(stderr).toBe('');
    }
  });

  it("passes the Flask project's own Python client (requests), unchanged", async () => {
    // The first python3 with requests (`.ci/run` installs Debian's where none has it).
    const { stdout, stderr } = await run(
      await pythonWithRequests(),
      [join(__dirname, 'flask_client.py'), service.baseUrl, `guillaume-${Date.now()}@holberton.io`],
      { cwd: root },
    );
    expect(stdout).toBe('');
    expect(stderr).toBe('');
  });

  it("runs the bench's course flow (main.py) twice, each round a new user, timing each step", async () => {
    const rounds = await runCourseFlow(service.baseUrl, 2);
    expect(rounds).toHaveLength(2);
    for (const round of rounds) {
      // A second round registering the first round's email would stop at its 400.
      expect(round.steps.map((s) => s.name)).toEqual([
        'register',
        'register again (400)',
        'log in, wrong password (401)',
        'profile, logged out (403)',
        'log in',
        'profile',
        'log out (302, then GET /)',
        'reset token',
        'update password',
        'log in, new password',
      ]);
      const stepsMs = round.steps.reduce((total, s) => total + s.ms, 0);
      expect(round.totalMs).toBeGreaterThanOrEqual(stepsMs);
    }
  });

  it('prints one line and exits 1 at the first thing that does not hold', async () => {
    // A base URL where no service answers: the very first step fails.
    const failure = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['scripts/e2e.ts', 'http://127.0.0.1:9'],
      { cwd: root },
    ).catch((error: unknown) => error as { code: number; stdout: string });
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout.trim().split('\n')).toHaveLength(1);
  });

  it("without a URL, checks npm start's port (HTTP_PORT) and asks if it runs there", async () => {
    // prepare: a port where nothing answers
    const port = await freePort();

    // act
    const failure = await run(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/e2e.ts'], {
      cwd: root,
      env: { ...process.env, HTTP_PORT: String(port) },
    }).catch((error: unknown) => error as { code: number; stdout: string });

    // assess
    expect(failure).toMatchObject({
      code: 1,
      stdout: `nothing answers: is \`npm start\` running on http://localhost:${port}?\n`,
    });
  });
});

describe('the Python that runs the Flask client', () => {
  it('is the first that has requests, or none, with the command that installs it', async () => {
    // prepare: a python3 without requests (any module fails to import: it is `false`)
    const without = '/bin/false';
    const found = await pythonWithRequests();

    // act, assess
    expect(await pythonWithRequests([without, found])).toBe(found);
    await expect(pythonWithRequests([without])).rejects.toThrow(INSTALL_REQUESTS);
  });
});
