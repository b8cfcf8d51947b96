// Item 9 in process, with the token in the body (delivery `response`): every answer of every
// route, errors included, carries the two headers, and nothing logged holds a secret.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorResponse, type LambdaHandler } from '../../lib/http/lambda';
import type { HttpResponse } from '../../lib/http/response';
import { createLogger } from '../../lib/platform/logger';
import { db, testConfig } from '../support/app';
import { freshEmail, strongPassword } from '../support/auth';
import { httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { routesFor } from '../support/routes';
import { BCRYPT_HASH, Secrets } from '../support/secrets';

// Log everything, metrics included.
const LOGGED = { LOG_LEVEL: 'DEBUG', METRICS_ENABLED: 'true' };
const ROUTES: Record<string, LambdaHandler> = routesFor(LOGGED);

describe('headers and logs, in process', () => {
  let printed = '';
  const responses: HttpResponse[] = [];

  /** Calls the route's handler as API Gateway would, keeping the answer. */
  async function call(routeKey: string, options: EventOptions = {}): Promise<HttpResponse> {
    const [method = '', path = ''] = routeKey.split(' ');
    const route = ROUTES[routeKey];
    if (route === undefined) throw new Error(`no route ${routeKey}`);
    const response = await route(httpEvent(method, path, options));
    responses.push(response);
    return response;
  }

  beforeAll(() => {
    // Everything the service writes, whatever writes it (the logger, metrics, console).
    const capture = (chunk: string | Uint8Array) => {
      printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterAll(() => {
    vi.restoreAllMocks();
  });

  it('a whole flow, its errors, and a storage outage: headers on every answer, no secret in any log', async () => {
    // prepare
    const secrets = new Secrets();
    const email = freshEmail();
    const [password, newPassword, wrong] = [strongPassword(), strongPassword(), strongPassword()];
    secrets.add(password, newPassword, wrong);
    const cookieFor = (response: HttpResponse) => {
      const id = sessionCookieOf(response);
      secrets.add(id);
      return [`session_id=${id ?? ''}`];
    };

    // act: the seed's flow with the token in the body, and the errors of each route
    await call('GET /');
    await call('POST /users', { form: { email, password } });
    await call('POST /users', { json: { email, password } });
    await call('POST /users', { form: { email: 'bad', password } });
    await call('POST /users', { form: { email: freshEmail(), password: 'é'.repeat(37) } });
    await call('POST /users', {
      body: `{"email":"${email}","password":"${password}"`,
      contentType: 'application/json',
    });
    await call('POST /users', { body: password, contentType: 'text/plain' });
    await call('POST /users', { form: { email, password: 'x'.repeat(9000) } });
    await call('POST /sessions', { form: { email, password: wrong }, base64: true });
    const first = cookieFor(await call('POST /sessions', { form: { email, password } }));
    await call('GET /profile', { cookies: first });
    await call('DELETE /sessions', { cookies: first });
    await call('GET /profile', { cookies: first });
    await call('DELETE /sessions', { cookies: first });
    const second = cookieFor(await call('POST /sessions', { json: { email, password } }));
    const asked = await call('POST /reset_password', { form: { email } });
    const token = (JSON.parse(asked.body ?? '{}') as { reset_token?: string }).reset_token;
    secrets.add(token);
    await call('POST /reset_password', { form: { email: freshEmail() } });
    const reset = { email, reset_token: token ?? '', new_password: newPassword };
    await call('PUT /reset_password', { form: { ...reset, email: freshEmail() } });
    await call('PUT /reset_password', { form: reset });
    await call('PUT /reset_password', { form: reset });
    await call('GET /profile', { cookies: second });
    cookieFor(await call('POST /sessions', { form: { email, password: newPassword } }));
    for (let i = 0; i < 6; i++) await call('POST /sessions', { form: { email, password: wrong } });
    secrets.add((await db.findUserBy({ email })).hashed_password);
    // DynamoDB throttling every call (a fault DynamoDB Local cannot produce): 503 on each route.
    const outage = mockClient(DynamoDBDocumentClient);
    outage.onAnyCommand().rejects(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ThrottlingException',
        $fault: 'client',
      }),
    );
    try {
      await call('POST /users', { form: { email: freshEmail(), password } });
      await call('POST /sessions', { form: { email, password } });
      await call('DELETE /sessions', { cookies: second });
      await call('GET /profile', { cookies: second });
      await call('POST /reset_password', { form: { email } });
      await call('PUT /reset_password', { form: reset });
    } finally {
      outage.restore();
    }
    // A bug: the fixed 500 answer.
    responses.push(
      errorResponse(new Error('a bug'), 'request-id', createLogger(testConfig(LOGGED))),
    );

    // assess: the flow went as planned ...
    expect(responses.map((r) => r.statusCode)).toEqual([
      200, 200, 400, 400, 400, 400, 415, 413, 401, 200, 200, 302, 403, 403, 200, 200, 403, 403, 200,
      403, 403, 200, 401, 401, 401, 401, 401, 429, 503, 503, 503, 503, 503, 503, 500,
    ]);
    // ... every answer of every route carries the two headers ...
    for (const response of responses) {
      expect(response.headers).toMatchObject({
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
    }
    // ... and the logs, which did record each request, hold no secret and no hash.
    expect(secrets.size).toBeGreaterThanOrEqual(8);
    expect(printed.match(/"message":"request"/gu)?.length).toBe(responses.length - 1);
    expect(secrets.foundIn(printed)).toEqual([]);
    expect(printed).not.toMatch(BCRYPT_HASH);
  });
});
