import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eClient } from '../e2e/client';
import { startLocalService, type LocalService } from '../support/local-service';

/*
 * What a newcomer sees in the terminal of `npm start`: a few lines to start, one readable line
 * per request, and one line to stop; none of the framework's banners, notices or warnings.
 */

describe('the output of npm start', () => {
  let service: LocalService;
  let output: string;

  beforeAll(async () => {
    // prepare: the default log format, at the default level
    service = await startLocalService({ LOG_LEVEL: 'INFO' });
    const client = new E2eClient(service.baseUrl);
    const user = { email: `out-${randomUUID()}@example.com`, password: `Pw-${randomUUID()}` };

    // act: an answer of each kind, then Ctrl-C
    await client.expect('POST /users', client.call('POST', '/users', { form: user }), 200);
    await client.expect('POST /users', client.call('POST', '/users', { form: user }), 400);
    const wrong = { ...user, password: 'wrong' };
    await client.expect('POST /sessions', client.call('POST', '/sessions', { form: wrong }), 401);
    await client.expect('GET /profile', client.call('GET', '/profile'), 403);
    await new Promise((resolve) => setTimeout(resolve, 500)); // piped lines may lag an answer
    await service.stop();
    output = service.output();
  });

  afterAll(async () => {
    await service.stop();
  });

  it('starts in a few lines and stops in one', () => {
    // The readiness check's GET / may be answered, and its line printed, before the Ready line.
    const lines = output
      .trim()
      .split('\n')
      .filter((line) => !/^(GET|POST|PUT|DELETE) /u.test(line));
    expect(lines[0]).toMatch(/^DynamoDB Local on http:\/\/127\.0\.0\.1:\d+ \(in memory\)$/u);
    expect(lines[1]).toBe(`Ready on ${service.baseUrl} (stage local); Ctrl-C stops it`);
    expect(lines.at(-1)).toBe('Stopped.');
  });

  it('prints one line per request: method, path, status, latency, error name, auth events', () => {
    const requests = output.split('\n').filter((line) => /^(GET|POST|PUT|DELETE) /u.test(line));
    // The readiness check's GET / comes first.
    expect(requests.slice(-4).map((line) => line.replace(/ +\d+ ms/u, ' <latency>'))).toEqual([
      'POST   /users             200 <latency> user_registered',
      'POST   /users             400 <latency> EmailTaken',
      'POST   /sessions          401 <latency> InvalidCredentials login_failed',
      'GET    /profile           403 <latency> SessionNotFound',
    ]);
  });

  it("prints none of the framework's noise", () => {
    for (const noise of [
      '2015-03-31/functions', // the route box's invoke URLs
      'Server ready',
      '(λ:', // the header and duration lines of each request
      'NodeVersionSupportWarning',
      'Skipping end',
      '"_aws"', // EMF metrics
      'offlineContext_resourceId',
    ]) {
      expect(output).not.toContain(noise);
    }
    expect(output).not.toMatch(/\n\s*\n/u);
  });
});
