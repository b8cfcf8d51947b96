import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { E2eClient } from './client';
import { AWS_LIKE_LAG_MS } from '../support/lagging-dynamodb';
import { startLocalService, type LocalService } from '../support/local-service';
import { freshEmail, strongPassword } from '../support/auth';
import { INSTALL_REQUESTS, pythonWithRequests } from '../support/python';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('the end-to-end script against `npm start` (serverless-offline + DynamoDB Local)', () => {
  let service: LocalService;

  beforeAll(async () => {
    // Its indexes lag as AWS's can: nothing this covers may depend on them having caught up.
    service = await startLocalService({}, { lagMs: AWS_LIKE_LAG_MS });
  });

  afterAll(async () => {
    await service.stop();
  });

  it('passes silently, and again with a fresh email', async () => {
    for (let round = 0; round < 2; round++) {
      const { stdout, stderr } = await run(
        join(root, 'node_modules', '.bin', 'tsx'),
        ['tests/e2e/client.ts', service.baseUrl],
        { cwd: root },
      );
      expect(stdout).toBe('');
      expect(stderr).toBe('');
    }
  });

  // With a fresh email, and with the course's own, exactly: this file's service starts empty.
  it.each([
    ['a fresh email', `guillaume-${Date.now()}@holberton.io`],
    ["the course's own, guillaume@holberton.io", undefined],
  ])(
    "passes the Flask project's own Python client (requests), unchanged, with %s",
    async (_, email) => {
      // The first python3 with requests (`.ci/run` installs Debian's where none has it).
      const { stdout, stderr } = await run(
        await pythonWithRequests(),
        [
          join(__dirname, 'flask_client.py'),
          service.baseUrl,
          ...(email === undefined ? [] : [email]),
        ],
        { cwd: root },
      );
      expect(stdout).toBe('');
      expect(stderr).toBe('');
    },
  );

  describe('clients of the Flask original, and the edges (issue 11)', () => {
    const url = (path: string) => new URL(path, service.baseUrl);
    const freshCredentials = () => ({ email: freshEmail(), password: strongPassword() });
    const sentAs = (status: number, body: unknown) => ({ status, body });
    async function answerOf(response: Response) {
      return sentAs(response.status, await response.json());
    }

    it('reads multipart bodies as `requests.post(url, files=...)` and a browser FormData send them', async () => {
      // requests, as Python clients of the Flask original write it
      const { email, password } = freshCredentials();
      const { stdout } = await run(await pythonWithRequests(), [
        '-c',
        [
          'import json, requests, sys',
          'fields = {"email": (None, sys.argv[2]), "password": (None, sys.argv[3])}',
          'r = requests.post(sys.argv[1] + "/users", files=fields)',
          'print(json.dumps({"status": r.status_code, "body": r.json()}))',
        ].join('\n'),
        service.baseUrl,
        email,
        password,
      ]);
      expect(JSON.parse(stdout)).toEqual(sentAs(200, { email, message: 'user created' }));
      // fetch with a FormData, as a page with <form enctype="multipart/form-data"> does
      const form = new FormData();
      form.set('email', email);
      form.set('password', password);
      expect(await answerOf(await fetch(url('/sessions'), { method: 'POST', body: form }))).toEqual(
        sentAs(200, { email, message: 'logged in' }),
      );
      form.set('password', new Blob([password]), 'password.txt');
      expect(await answerOf(await fetch(url('/sessions'), { method: 'POST', body: form }))).toEqual(
        sentAs(400, { message: 'password is a file: send it as a plain form field' }),
      );
    });

    it('echoes the email as the client sent it, and keeps one account for it', async () => {
      const email = `Mixed-${randomUUID()}@Holberton.IO`;
      const client = new E2eClient(service.baseUrl);
      const credentials = { email, password: strongPassword() };
      await client.expect('register', client.call('POST', '/users', { form: credentials }), 200, {
        email,
        message: 'user created',
      });
      await client.expect('log in', client.call('POST', '/sessions', { form: credentials }), 200, {
        email,
        message: 'logged in',
      });
      const lower = email.toLowerCase();
      await client.expect(
        'lower case',
        client.call('POST', '/sessions', { form: { ...credentials, email: lower } }),
        200,
        {
          email: lower,
          message: 'logged in',
        },
      );
      const token = await client.resetToken(email);
      await client.expect(
        'reset',
        client.call('PUT', '/reset_password', {
          form: { email, reset_token: token, new_password: strongPassword() },
        }),
        200,
        { email, message: 'Password updated' },
      );
    });

    it('accepts the passwords the Flask clients use (`secret`, `mypassword`) on the local stage', async () => {
      const client = new E2eClient(service.baseUrl);
      for (const password of ['secret', 'mypassword']) {
        const email = freshEmail();
        await client.expect(
          password,
          client.call('POST', '/users', { form: { email, password } }),
          200,
          {
            email,
            message: 'user created',
          },
        );
      }
    });

    it('answers unknown paths 404 and other methods 405 with Allow, in JSON with the usual headers', async () => {
      const cases: [string, string, number, string | null][] = [
        ['GET', '/nope', 404, null],
        ['POST', '/users/1', 404, null],
        ['DELETE', '/users', 405, 'POST'],
        ['PATCH', '/sessions', 405, 'POST, DELETE, GET'],
        ['POST', '/', 405, 'GET'],
        ['DELETE', '/account/login', 405, 'GET, POST'],
        ['POST', '/whoami', 405, 'GET'],
        ['OPTIONS', '/profile', 405, 'GET'],
      ];
      for (const [method, path, status, allow] of cases) {
        const response = await fetch(url(path), { method });
        const text = await response.text();
        expect([method, path, response.status]).toEqual([method, path, status]);
        expect(response.headers.get('allow')).toBe(allow);
        expect(JSON.parse(text)).toEqual({
          message: status === 404 ? 'no such route' : 'method not allowed',
        });
        expect(text).not.toMatch(/serverless|offline|existingRoutes/iu);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('gives no origin CORS by default: no Access-Control-Allow-* header, preflights refused', async () => {
      const origin = { Origin: 'https://attacker.example' };
      const answers = [
        await fetch(url('/'), { headers: origin }),
        await fetch(url('/profile'), { headers: origin }),
        await fetch(url('/sessions'), { method: 'POST', headers: origin, body: new FormData() }),
        await fetch(url('/profile'), {
          method: 'OPTIONS',
          headers: { ...origin, 'Access-Control-Request-Method': 'GET' },
        }),
      ];
      for (const answer of answers) {
        const cors = [...answer.headers.keys()].filter((name) =>
          name.startsWith('access-control-'),
        );
        expect(cors).toEqual([]);
      }
      // The POST from the foreign page is refused by the cross-site check as well (403).
      expect(answers.map((answer) => answer.status)).toEqual([200, 403, 403, 405]);
    });

    it('reads a body without Content-Type as JSON, as a deployed stage does', async () => {
      const credentials = freshCredentials();
      // A byte body: fetch adds no Content-Type for it.
      const sent = (body: string) =>
        fetch(url('/users'), { method: 'POST', body: new TextEncoder().encode(body) });
      expect(await answerOf(await sent(JSON.stringify(credentials)))).toEqual(
        sentAs(200, { email: credentials.email, message: 'user created' }),
      );
      expect(
        await answerOf(await sent(new URLSearchParams(freshCredentials()).toString())),
      ).toEqual(sentAs(400, { message: 'body is not valid JSON' }));
    });

    it('refuses bytes that are not UTF-8, which serverless-offline would have turned into U+FFFD', async () => {
      const { email } = freshCredentials();
      const body = Buffer.concat([
        Buffer.from(`email=${encodeURIComponent(email)}&password=pass`),
        Buffer.from([0xff]),
      ]);
      const response = await fetch(url('/users'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(await answerOf(response)).toEqual(sentAs(400, { message: 'body is not valid UTF-8' }));
    });
  });

  it('prints one line and exits 1 at the first thing that does not hold', async () => {
    // A base URL where no service answers: the very first step fails.
    const failure = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['tests/e2e/client.ts', 'http://127.0.0.1:9'],
      { cwd: root },
    ).catch((error: unknown) => error as { code: number; stdout: string });
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout.trim().split('\n')).toHaveLength(1);
  });

  it("without a URL, checks npm start's port (HTTP_PORT) and asks if it runs there", async () => {
    // prepare: a port where nothing answers
    const port = await freePort();

    // act
    const failure = await run(join(root, 'node_modules', '.bin', 'tsx'), ['tests/e2e/client.ts'], {
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
