import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../../scripts/support/local-service';

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
    // Debian's python3 with python3-requests (`.ci/run` installs it where missing).
    const { stdout, stderr } = await run(
      '/usr/bin/python3',
      [join(__dirname, 'flask_client.py'), service.baseUrl, `guillaume-${Date.now()}@holberton.io`],
      { cwd: root },
    );
    expect(stdout).toBe('');
    expect(stderr).toBe('');
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
});
