import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eClient } from '../e2e/client';
import { startLocalService, type LocalService } from '../support/local-service';

/*
 * What a newcomer sees in the terminal of `npm start`: a few lines to start, one readable line
 * per request, one line per mail with its link, and one line to stop; none of the framework's
 * banners, notices or warnings.
 */

/** Resolves with the first line of `output()` that `pattern` matches, once printed (10 s at most). */
async function printedLine(output: () => string, pattern: RegExp): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const line = output()
      .split('\n')
      .find((printed) => pattern.test(printed));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no line matching ${String(pattern)} in:\n${output()}`);
}

describe('the output of npm start', () => {
  let service: LocalService;
  let output: string;
  let mailed: {
    email: string;
    line: string;
    page: { status: number; html: string };
    reset: Awaited<ReturnType<E2eClient['call']>>;
  };

  beforeAll(async () => {
    // prepare: the default log format, at the default level, reset tokens mailed (by the mail
    // emulator npm start runs: nothing else is set up)
    service = await startLocalService({ LOG_LEVEL: 'INFO', RESET_DELIVERY: 'email' });
    const client = new E2eClient(service.baseUrl);
    const user = { email: `out-${randomUUID()}@example.com`, password: `Pw-${randomUUID()}` };

    // act: a reset by its mail's printed link, an answer of each kind, then Ctrl-C
    const email = `mail-${randomUUID()}@example.com`;
    await client.expect(
      'POST /users',
      client.call('POST', '/users', { form: { email, password: 'pw' } }),
      200,
    );
    await client.expect(
      'POST /reset_password',
      client.call('POST', '/reset_password', { form: { email } }),
      200,
    );
    const line = await printedLine(
      () => service.output(),
      new RegExp(`^MAIL to ${email}: reset `, 'u'),
    );
    const link = new URL(line.split(' ').at(-1) ?? '');
    const opened = await fetch(link);
    const page = { status: opened.status, html: await opened.text() };
    const resetToken = link.searchParams.get('reset_token') ?? '';
    const reset = await client.call('PUT', '/reset_password', {
      form: { email, reset_token: resetToken, new_password: 'new-pw' },
    });
    mailed = { email, line, page, reset };
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
      .filter((line) => !/^(GET|POST|PUT|DELETE|MAIL) /u.test(line));
    expect(lines).toEqual([
      expect.stringMatching(/^DynamoDB Local on http:\/\/127\.0\.0\.1:\d+ \(in memory\)$/u),
      expect.stringMatching(
        /^Mail emulator on http:\/\/127\.0\.0\.1:\d+ \(the mails in full; each link is printed here\)$/u,
      ),
      `Ready on ${service.baseUrl} (stage local); Ctrl-C stops it`,
      'Stopped.',
    ]);
  });

  it('prints one line per mail, with its link to the local pages, which works', () => {
    // One mail, one line.
    const toUser = output
      .split('\n')
      .filter((line) => line.startsWith(`MAIL to ${mailed.email}: reset `));
    expect(toUser).toEqual([mailed.line]);
    const encoded = encodeURIComponent(mailed.email);
    expect(mailed.line).toMatch(
      new RegExp(
        `^MAIL to ${mailed.email}: reset ${service.baseUrl}/account/reset-password\\?email=${encoded}&reset_token=[0-9a-f-]{36}$`,
        'u',
      ),
    );
    // The link opens the reset page, filled in; its token resets the password.
    const token = /reset_token=([0-9a-f-]{36})$/u.exec(mailed.line)?.[1] ?? '';
    expect(mailed.page.status).toBe(200);
    expect(mailed.page.html).toContain(`value="${token}"`);
    expect([mailed.reset.status, mailed.reset.body]).toEqual([
      200,
      { email: mailed.email, message: 'Password updated' },
    ]);
  });

  it('prints one line per request: method, path, status, latency, error name, auth events', () => {
    const requests = output.split('\n').filter((line) => /^(GET|POST|PUT|DELETE) /u.test(line));
    // The readiness check's GET / comes first.
    expect(requests.slice(-4).map((line) => line.replace(/ +\d+ ms/u, ' <latency>'))).toEqual([
      'POST   /users             200 <latency> user_registered verification_sent',
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
