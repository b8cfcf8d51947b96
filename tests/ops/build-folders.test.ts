import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/local-service';

/*
 * npm start and `serverless package` run from one checkout each build in their own folder
 * (deploy/plugins/build-folder.js): what npm start builds for serverless-offline never reaches a
 * zip, and a package never deletes the build a running service loads its functions from.
 */

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const packages: string[] = [];

/** Every zip `serverless package --stage prod` writes, as `unzip -l` lists it: name and size. */
async function packageListing(): Promise<Record<string, string[]>> {
  const directory = await mkdtemp(join(tmpdir(), 'user-auth-package-'));
  packages.push(directory);
  await run(
    join(root, 'node_modules', '.bin', 'serverless'),
    ['package', '--stage', 'prod', '--param=mailFrom=no-reply@example.com', '--package', directory],
    {
      cwd: root,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      timeout: 120_000,
    },
  );
  const listing: Record<string, string[]> = {};
  for (const zip of (await readdir(directory)).filter((name) => name.endsWith('.zip'))) {
    const { stdout } = await run('unzip', ['-l', join(directory, zip)]);
    // "  <length>  <date> <time>   <name>" lines; the dates are fixed, so length and name.
    listing[zip] = [...stdout.matchAll(/^\s*(\d+)\s+\S+\s+\S+\s+(\S.*)$/gmu)].map(
      ([, length, name]) => `${length ?? ''} ${name ?? ''}`,
    );
  }
  return listing;
}

describe('build folders of npm start and serverless package', () => {
  const services: LocalService[] = [];

  afterAll(async () => {
    for (const service of services) await service.stop();
    for (const directory of packages) await rm(directory, { recursive: true, force: true });
  });

  /** The answer of a function the service has not loaded yet: a deleted build fails it. */
  async function profileOf(service: LocalService): Promise<unknown> {
    // A function whose build is gone answers 200 {"errorMessage": "Cannot find module ..."}.
    const answer = await fetch(`${service.baseUrl}/profile`);
    return [answer.status, await answer.json()];
  }

  it('a package made while two npm starts run, or after, holds what a clean one holds; neither service breaks', async () => {
    // prepare: what a package holds with no service around
    const clean = await packageListing();
    expect(Object.keys(clean).length).toBeGreaterThan(10);

    // act: package while two services run, stop one, package after both stopped
    const [first, second] = [await startLocalService(), await startLocalService()];
    services.push(first, second);
    const whileRunning = await packageListing();
    const firstAnswer = await profileOf(first);
    await first.stop();
    const secondAnswer = await profileOf(second);
    await second.stop();
    const afterStop = await packageListing();

    // assess
    expect(whileRunning).toEqual(clean);
    expect(afterStop).toEqual(clean);
    const noSession = [403, { message: 'no live session' }];
    expect([firstAnswer, secondAnswer]).toEqual([noSession, noSession]);
  }, 400_000);
});
