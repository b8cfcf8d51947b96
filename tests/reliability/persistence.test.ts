/**
 * Local data survives restarts: `npm start` with DYNAMODB_DATA_DIR (what `npm start -- --persist`
 * does with `.dynamodb/`) keeps DynamoDB Local's data on disk. A user registered before a stop
 * logs in after the next start, and the session and reset token issued before it still count.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/local-service';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const dataDir = mkdtempSync(join(tmpdir(), 'persist-dynamodb-'));
let service: LocalService | undefined;

async function post(path: string, fields: Record<string, string>, method = 'POST') {
  if (service === undefined) throw new Error('the service is not running');
  return fetch(`${service.baseUrl}${path}`, {
    method,
    headers: FORM,
    body: new URLSearchParams(fields),
  });
}

afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with DYNAMODB_DATA_DIR', () => {
  it('keeps users, sessions and reset tokens across a restart', async () => {
    // prepare: register, log in and ask for a reset token, then stop everything
    const email = `persist-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    service = await startLocalService({ DYNAMODB_DATA_DIR: dataDir });
    expect(service.output()).toContain(`data in ${dataDir}`);
    expect((await post('/users', { email, password })).status).toBe(200);
    const login = await post('/sessions', { email, password });
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const reset = (await (await post('/reset_password', { email })).json()) as {
      reset_token: string;
    };
    await service.stop();
    expect(readdirSync(dataDir).length).toBeGreaterThan(0);
    // act
    const restarting = performance.now();
    service = await startLocalService({ DYNAMODB_DATA_DIR: dataDir });
    const restartSeconds = (performance.now() - restarting) / 1000;
    const profile = await fetch(`${service.baseUrl}/profile`, { headers: { cookie } });
    const relogin = await post('/sessions', { email, password });
    const updated = await post(
      '/reset_password',
      { email, reset_token: reset.reset_token, new_password: 'a different good password' },
      'PUT',
    );
    const again = await post('/users', { email, password });
    // assess
    expect(profile.status).toBe(200);
    expect(await profile.json()).toEqual({ email });
    expect(relogin.status).toBe(200);
    expect(updated.status).toBe(200);
    expect(again.status).toBe(400); // the email is still taken: its guard item survived too
    console.log(
      `[reliability] persistence: restarted in ${restartSeconds.toFixed(1)} s; then profile ` +
        `${profile.status}, login ${relogin.status}, reset ${updated.status}, ` +
        `re-registration ${again.status}`,
    );
  }, 180_000);
});
