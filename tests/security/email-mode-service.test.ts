// Items 6 and 9 against the README's start command in email mode: reset tokens mailed through a
// real local SES emulator, and everything the service prints checked for secrets.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESET_MAIL_SENT } from '../../handlers/reset-token';
import { E2eClient } from '../e2e/client';
import { freshEmail, strongPassword } from '../support/auth';
import { startLocalService, type LocalService } from '../support/local-service';
import { BCRYPT_HASH, Secrets } from '../support/secrets';
import { startSesEmulator, type SesEmulator } from '../support/ses-emulator';
import { dumpTable } from '../support/table-contents';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const MAIL_FROM = 'no-reply@example.com';

type Answer = Awaited<ReturnType<E2eClient['call']>>;

describe('the local service in email delivery mode (aws-ses-v2-local)', () => {
  let ses: SesEmulator;
  let service: LocalService;

  beforeAll(async () => {
    ses = await startSesEmulator();
    // The local stage switched to email delivery by its environment alone, logging at DEBUG in
    // JSON with its metrics (as deployed), so that everything it can print is printed.
    service = await startLocalService({
      RESET_DELIVERY: 'email',
      MAIL_FROM,
      SES_ENDPOINT: ses.endpoint,
      LOG_LEVEL: 'DEBUG',
      LOG_FORMAT: 'json',
    });
  });

  afterAll(async () => {
    await service.stop();
    await ses.stop();
  });

  /** The token on the line `label: <token>` of the one mail to `email` whose text has that line. */
  async function mailedToken(email: string, label = 'Reset token'): Promise<string> {
    const mails = await ses.mailsTo(email);
    // Registering mails a verification; asking for a reset mails the reset: one of each.
    expect(mails.map((mail) => mail.subject.split(' for ')[0])).toEqual([
      'Verify your email address',
      'Reset the password',
    ]);
    const tokens = mails.flatMap((mail) => {
      expect(mail.from).toBe(MAIL_FROM);
      const token = new RegExp(`^${label}: (\\S+)$`, 'mu').exec(mail.body.text ?? '')?.[1];
      return token === undefined ? [] : [token];
    });
    expect(tokens).toHaveLength(1);
    return tokens[0] as string;
  }

  describe('reset delivery (item 6)', () => {
    const e2e = (mailbox?: string) =>
      run(join(root, 'node_modules', '.bin', 'tsx'), ['tests/e2e/client.ts', service.baseUrl], {
        cwd: root,
        env: { ...process.env, ...(mailbox !== undefined && { E2E_MAILBOX_URL: mailbox }) },
      });

    it('the end-to-end script passes, reading the token from the SES emulator', async () => {
      const { stdout, stderr } = await e2e(ses.endpoint);
      expect(stdout).toBe('');
      expect(stderr).toBe('');
    });

    it('the body carries no token: without the mailbox the script cannot go on', async () => {
      const failure = (await e2e().catch((error: unknown) => error)) as {
        code?: number;
        stdout?: string;
      };
      expect(failure.code).toBe(1);
      expect(failure.stdout).toContain('POST /reset_password: no reset_token in the body');
    });

    it('answers an unregistered and a registered email with the same bytes; only the registered one gets mail', async () => {
      // prepare
      const email = freshEmail();
      const ask = async () => {
        const response = await fetch(new URL('/reset_password', service.baseUrl), {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email }),
        });
        return {
          status: response.status,
          type: response.headers.get('content-type'),
          body: await response.text(),
        };
      };
      // act: the same email before and after it is registered
      const unregistered = await ask();
      const mailsBefore = await ses.mailsTo(email);
      const registered = await fetch(new URL('/users', service.baseUrl), {
        method: 'POST',
        body: new URLSearchParams({ email, password: strongPassword() }),
      });
      expect(registered.status).toBe(200);
      const known = await ask();
      // assess
      expect(known).toEqual(unregistered);
      expect(JSON.parse(known.body)).toEqual({ email, message: RESET_MAIL_SENT });
      expect(mailsBefore).toEqual([]);
      expect(await mailedToken(email)).toMatch(/^[0-9a-f-]{36}$/u);
    });

    it('mails through the SES_ENDPOINT given, starting no emulator and printing no mail', async () => {
      // prepare
      const client = new E2eClient(service.baseUrl);
      const email = freshEmail();
      await client.call('POST', '/users', { form: { email, password: strongPassword() } });
      // act
      await client.call('POST', '/reset_password', { form: { email } });
      // assess: the mail is in the given emulator, and not a word of it in npm start's output
      await mailedToken(email);
      expect(service.output()).toContain(`\nMail through ${ses.endpoint} (SES_ENDPOINT)\n`);
      expect(service.output()).not.toMatch(/^(MAIL |Mail emulator)/mu);
    });
  });

  describe('headers and logs over a whole flow (item 9)', () => {
    it('every answer is no-store and nosniff, and the output holds no password, hash, session id or reset token', async () => {
      // prepare: a flow over every route and most of their errors, keeping every secret
      const client = new E2eClient(service.baseUrl);
      const answers: Answer[] = [];
      const secrets = new Secrets();
      const call = async (...args: Parameters<E2eClient['call']>) => {
        const answer = await client.call(...args);
        answers.push(answer);
        return answer;
      };
      const sessionOf = (answer: Answer) => {
        const id = E2eClient.sessionCookie(answer);
        secrets.add(id);
        return id;
      };
      const raw = async (path: string, init: RequestInit) => {
        const response = await fetch(new URL(path, service.baseUrl), init);
        answers.push({
          status: response.status,
          headers: response.headers,
          body: await response.text(),
        });
      };
      const email = freshEmail();
      const [password, newPassword, wrong] = [strongPassword(), strongPassword(), strongPassword()];
      secrets.add(password, newPassword, wrong);

      // act
      await call('GET', '/');
      await call('POST', '/users', { form: { email, password } });
      await call('POST', '/users', { form: { email, password } });
      await call('POST', '/users', { form: { email: 'not-an-email', password } });
      // The local stage's only weak password: more than bcrypt's 72 bytes.
      await call('POST', '/users', { form: { email: freshEmail(), password: 'é'.repeat(37) } });
      await call('POST', '/sessions', { form: { email, password: wrong } });
      const login = await call('POST', '/sessions', { form: { email, password } });
      const first = sessionOf(login);
      await call('GET', '/profile', { sessionId: first });
      await call('DELETE', '/sessions', { sessionId: first });
      await call('GET', '/profile', { sessionId: first });
      await call('DELETE', '/sessions', { sessionId: first });
      const second = sessionOf(await call('POST', '/sessions', { form: { email, password } }));
      await call('POST', '/reset_password', { form: { email } });
      await call('POST', '/reset_password', { form: { email: freshEmail() } });
      const token = await mailedToken(email);
      secrets.add(token, await mailedToken(email, 'Verification token'));
      const forOther = { email: freshEmail(), reset_token: token, new_password: newPassword };
      await call('PUT', '/reset_password', { form: forOther });
      const reset = { email, reset_token: token, new_password: newPassword };
      await call('PUT', '/reset_password', { form: reset });
      await call('PUT', '/reset_password', { form: reset });
      await call('GET', '/profile', { sessionId: second });
      sessionOf(await call('POST', '/sessions', { form: { email, password: newPassword } }));
      for (let i = 0; i < 5; i++) {
        await call('POST', '/sessions', { form: { email, password: wrong } });
      }
      const locked = await call('POST', '/sessions', { form: { email, password: newPassword } });
      await raw('/sessions', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: password,
      });
      await raw('/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: `{"password":"${password}"`,
      });
      await raw('/users', {
        method: 'POST',
        body: new URLSearchParams({ email, password: 'x'.repeat(9000) }),
      });
      // The hashes and digests the service wrote, read from its DynamoDB Local.
      const items = await dumpTable(
        `http://localhost:${service.dynamodbPort}`,
        'user-auth-local-users',
      );
      for (const item of items) secrets.add(item.hashed_password as string | undefined);
      const output = service.output();

      // assess: the flow went as planned (so the output covers it) ...
      expect(answers.map((a) => a.status)).toEqual([
        200, 200, 400, 400, 400, 401, 200, 200, 302, 403, 403, 200, 200, 200, 403, 200, 403, 403,
        200, 401, 401, 401, 401, 401, 429, 415, 400, 413,
      ]);
      expect(locked.headers.get('retry-after')).toMatch(/^\d+$/u);
      // ... the local stage's cookie is not Secure (plain HTTP) but otherwise strict ...
      expect(login.headers.getSetCookie()[0]).toMatch(
        /; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/u,
      );
      // ... every answer carries the two headers ...
      for (const answer of answers) {
        expect(answer.headers.get('cache-control')).toBe('no-store');
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      }
      // ... the table holds digests, not the session ids or the token ...
      expect(secrets.foundIn(JSON.stringify(items), { rawOnly: true })).toEqual(
        items.map((item) => item.hashed_password).filter((hash) => hash !== undefined),
      );
      // ... and the output, which did log every request, holds none of the secrets nor any hash.
      // At least the three passwords, three session ids, the token and the hash of this flow.
      expect(secrets.size).toBeGreaterThanOrEqual(8);
      expect(output.match(/"message":"request"/gu)?.length).toBeGreaterThanOrEqual(answers.length);
      expect(secrets.foundIn(output)).toEqual([]);
      expect(output).not.toMatch(BCRYPT_HASH);
    });
  });
});
