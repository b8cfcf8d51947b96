import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route as login } from '../../handlers/login';
import { route as profile } from '../../handlers/profile';
import { route as register } from '../../handlers/register';
import { route as resetToken } from '../../handlers/reset-token';
import { route as updatePassword } from '../../handlers/update-password';
import type { LambdaHandler } from '../../lib/http/lambda';
import { httpEvent, multipartBody } from '../support/events';
import { startLocalService, type LocalService } from '../support/local-service';
import { localStageEnv } from '../../local/local-stage';
import { dynamodbEndpoint, handlerFor, usersTable } from '../support/app';
import { freshEmail } from '../support/auth';

/*
 * `npm start` at its edge (local/api-gateway-event.ts, local/hapi-edge.ts): a request gets the
 * same answer through serverless-offline as from the function given API Gateway's event, the
 * emulator's control headers do nothing, and what hapi would answer itself (a Cookie header it
 * cannot parse, the authorizer's denial) is answered as deployed, in the service's JSON.
 */

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers that the transport adds, which API Gateway sets its own way: not the service's. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length']);

function serviceHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .map(([name, value]): [string, string] => [name.toLowerCase(), String(value)])
      .filter(([name]) => !TRANSPORT.has(name)),
  );
}

describe('npm start answers as a deployed stage', () => {
  let service: LocalService;
  // The local stage's own settings (serverless.yml's `local` params), in process.
  const env = { ...localStageEnv(), DYNAMODB_ENDPOINT: dynamodbEndpoint, USERS_TABLE: usersTable };
  const handlers = new Map<string, LambdaHandler>([
    ['POST /users', handlerFor(register, env)],
    ['POST /sessions', handlerFor(login, env)],
    ['POST /reset_password', handlerFor(resetToken, env)],
    ['PUT /reset_password', handlerFor(updatePassword, env)],
    ['GET /profile', handlerFor(profile, env)],
  ]);

  beforeAll(async () => {
    // serverless-offline's other override: a context for every request, ignored like the header.
    const intruder = { lambda: { userId: 'intruder', email: 'intruder@example.com' } };
    service = await startLocalService({ AUTHORIZER: JSON.stringify(intruder) });
  });

  afterAll(async () => {
    await service.stop();
  });

  /** Sends exactly these bytes and headers (fetch would add a Content-Type to a bare body). */
  function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Sent> {
    return new Promise((resolve, reject) => {
      const sent = request(`${service.baseUrl}${path}`, { method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: serviceHeaders(res.headers),
            body: text,
          });
        });
      });
      sent.on('error', reject);
      sent.end(body);
    });
  }

  /** The in-process function's answer to the event API Gateway sends for the same request. */
  async function deployed(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Sent> {
    const handler = handlers.get(`${method} ${path}`);
    if (handler === undefined) throw new Error(`no handler for ${method} ${path}`);
    const type = (headers['content-type'] ?? '').split(';')[0] ?? '';
    // API Gateway passes JSON and text as text, anything else (forms, no type) base64-encoded.
    const base64 = !(type === 'application/json' || type.startsWith('text/'));
    const answer = await handler(httpEvent(method, path, { headers, body, base64 }));
    return {
      status: answer.statusCode,
      headers: serviceHeaders(answer.headers ?? {}),
      body: answer.body ?? '',
    };
  }

  const BODY_ROUTES = [
    ['POST', '/users'],
    ['POST', '/sessions'],
    ['POST', '/reset_password'],
    ['PUT', '/reset_password'],
  ] as const;
  const JSON_TEXTS = ['false', 'null', '"x"', '0', '[]', 'true', '""', ' false '];
  const CONTENT_TYPES: Record<string, string>[] = [{ 'content-type': 'application/json' }, {}];

  it.each(BODY_ROUTES)(
    '%s %s: each JSON body that is no object, with and without a Content-Type',
    async (method, path) => {
      for (const text of JSON_TEXTS) {
        for (const headers of CONTENT_TYPES) {
          // The request is part of what is compared, so a failure says which one differs.
          const local = await send(method, path, headers, text);
          const gateway = await deployed(method, path, headers, text);
          expect({ text, sent: headers, ...local }).toEqual({ text, sent: headers, ...gateway });
          expect(local.status).toBe(400);
        }
      }
    },
  );

  it('a form, a multipart form and a JSON object', async () => {
    const form = { email: 'nobody@example.com', password: 'secret' };
    const multipart = multipartBody(form);
    const email = freshEmail();
    const requests: [string, string, Record<string, string>, string][] = [
      [
        'POST',
        '/sessions',
        { 'content-type': 'application/x-www-form-urlencoded' },
        new URLSearchParams(form).toString(),
      ],
      ['POST', '/sessions', { 'content-type': multipart.contentType }, multipart.body],
      [
        'POST',
        '/users',
        { 'content-type': 'application/json' },
        JSON.stringify({ email, password: 'secret' }),
      ],
    ];
    const statuses = [];
    for (const [method, path, headers, body] of requests) {
      const local = await send(method, path, headers, body);
      expect(local).toEqual(await deployed(method, path, headers, body));
      statuses.push(local.status);
    }
    expect(statuses).toEqual([401, 401, 200]);
  });

  /** A user registered and logged in through npm start: its id, email and session. */
  async function loggedIn() {
    const email = freshEmail();
    const form = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    const body = new URLSearchParams({ email, password: 'secret' }).toString();
    expect((await send('POST', '/users', form, body)).status).toBe(200);
    const res = await fetch(`${service.baseUrl}/sessions`, {
      method: 'POST',
      body: new URLSearchParams({ email, password: 'secret' }),
    });
    const sessionId = /session_id=([^;]+)/u.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const whoami = await send('GET', '/whoami', { cookie: `session_id=${sessionId}` });
    const { userId } = JSON.parse(whoami.body) as { userId: string };
    return { email, sessionId, userId };
  }

  it('ignores sls-offline-authorizer-override and AUTHORIZER: no caller becomes another user', async () => {
    const alice = await loggedIn();
    const bob = await loggedIn();
    const overrides = [
      JSON.stringify({ lambda: { userId: bob.userId, email: bob.email } }),
      JSON.stringify({ lambda: {} }),
      '{}',
    ];
    for (const override of overrides) {
      const answer = await send('GET', '/whoami', {
        cookie: `session_id=${alice.sessionId}`,
        'sls-offline-authorizer-override': override,
      });
      expect([answer.status, JSON.parse(answer.body)]).toEqual([
        200,
        expect.objectContaining({ userId: alice.userId, email: alice.email }),
      ]);
    }
    const stranger = await send('GET', '/whoami', {
      'sls-offline-authorizer-override': overrides[0] ?? '',
    });
    expect(stranger.status).toBe(403);
  });

  it('passes a Cookie header hapi cannot parse on to the function, as API Gateway does', async () => {
    for (const cookie of ['theme="unterminated', 'theme=a"b; session_id=unknown']) {
      const local = await send('GET', '/profile', { cookie });
      expect(local).toEqual(await deployed('GET', '/profile', { cookie }));
    }
    const alice = await loggedIn();
    const live = await send('GET', '/profile', { cookie: `a="; session_id=${alice.sessionId}` });
    expect([live.status, JSON.parse(live.body)]).toEqual([200, { email: alice.email }]);
  });

  it("answers the authorizer's denial as API Gateway does, with the service's headers", async () => {
    const denied = await send('GET', '/whoami', { cookie: 'session_id=unknown' });
    expect(denied).toEqual({
      status: 403,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
      body: '{"message":"Forbidden"}',
    });
  });
});
