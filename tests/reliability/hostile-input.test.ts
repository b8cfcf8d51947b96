/**
 * Hostile input, property-based (fast-check): arbitrary bodies, content types, base64 flags,
 * cookies, headers, unicode, NUL bytes and oversized fields at every handler. Every answer is a
 * 2xx, 3xx or 4xx, errors carry a JSON `message`, no handler throws, and a rejected request
 * leaves the table as it was (a raw Scan before and after). Each property prints its seed; a failure
 * prints the command that replays it (FUZZ_SEED, FUZZ_PATH: tests/support/fuzz.ts).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { config } from '../support/app';
import type { HttpResponse } from '../../lib/http/response';
import { httpEvent, sessionCookieOf } from '../support/events';
import { assertReplayable } from '../support/fuzz';
import { hostileEvent, hostileRequest, hostileText, type FieldSources } from '../support/hostile';
import {
  BODY_ROUTE_KEYS,
  routesFor,
  methodAndPath,
  ROUTE_KEYS,
  type RouteKey,
  type Routes,
} from '../support/routes';
import { snapshotAccounts } from '../support/table-contents';

// Runs per property (one property per route); FUZZ_RUNS raises it for a longer search.
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
// GET / reads nothing of the request (handlers/home.ts answers one fixed body), so runs
// against it would test nothing; the HTTP wrapper it shares with the others is fuzzed through them.
const FUZZED_ROUTE_KEYS = ROUTE_KEYS.filter((route) => route !== 'GET /');
const endpoint = inject('dynamodbEndpoint');
const table = config.usersTable;
const email = `hostile-${Date.now()}@example.com`;
const PASSWORD = 'correct horse battery staple';

let routes: Routes;
let sources: FieldSources;

type Items = Record<string, AttributeValue>[];

// A failed login counts the failure on the account (and may lock it): that write is the lockout
// rule doing its job, so for POST /sessions the counters are left out of the comparison.
function comparable(route: RouteKey, items: Items): Items {
  if (route !== 'POST /sessions') return items;
  return items.map((item) => {
    const rest = { ...item };
    delete rest.failed_logins;
    delete rest.locked_until;
    return rest;
  });
}

function assertWellFormed(answer: HttpResponse): void {
  expect(answer.statusCode).toBeGreaterThanOrEqual(200);
  expect(answer.statusCode).toBeLessThan(500);
  expect(answer.headers?.['Content-Type']).toBe('application/json');
  const body = JSON.parse(answer.body ?? '') as unknown;
  if (answer.statusCode >= 400) {
    expect(body).toEqual({ message: expect.any(String) as string });
  }
}

beforeAll(async () => {
  routes = routesFor();
  // prepare: one real account with a live session and a reset token, so that hostile requests
  // can name real things, not only random ones
  await routes['POST /users'](httpEvent('POST', '/users', { form: { email, password: PASSWORD } }));
  const login = await routes['POST /sessions'](
    httpEvent('POST', '/sessions', { form: { email, password: PASSWORD } }),
  );
  const reset = await routes['POST /reset_password'](
    httpEvent('POST', '/reset_password', { form: { email } }),
  );
  const { reset_token } = JSON.parse(reset.body ?? '') as { reset_token: string };
  sources = {
    emails: [email, email.toUpperCase()],
    tokens: [sessionCookieOf(login) ?? '', reset_token],
  };
});

describe('hostile input', () => {
  it.each(FUZZED_ROUTE_KEYS)(
    '%s: every answer is 2xx/3xx/4xx, errors are JSON, rejections change nothing',
    async (route) => {
      let before = await snapshotAccounts(endpoint, table);
      const statuses: Record<number, number> = {};
      const seed = await assertReplayable(
        fc.asyncProperty(hostileRequest(sources), async (request) => {
          // act: a throw here fails the property, as a throwing handler would
          const answer = await routes[route](hostileEvent(route, request));
          // assess
          statuses[answer.statusCode] = (statuses[answer.statusCode] ?? 0) + 1;
          assertWellFormed(answer);
          const after = await snapshotAccounts(endpoint, table);
          if (answer.statusCode >= 400) {
            expect(comparable(route, after)).toEqual(comparable(route, before));
          }
          before = after;
        }),
        RUNS,
      );
      console.log(
        `[reliability] hostile ${route}: ${RUNS} runs (seed ${seed}), answers ${JSON.stringify(statuses)}`,
      );
    },
  );

  it.each(BODY_ROUTE_KEYS)('%s: any body over MAX_BODY_BYTES gets 413', async (route) => {
    const [method, path] = methodAndPath(route);
    const before = await snapshotAccounts(endpoint, table);
    const seed = await assertReplayable(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.constantFrom(
          undefined,
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
        ),
        fc.boolean(),
        async (chunk, extraBytes, contentType, base64) => {
          // prepare: just over the limit in UTF-8 bytes, whatever the characters
          const target = config.maxBodyBytes + extraBytes;
          const body = chunk.repeat(Math.ceil(target / Buffer.byteLength(chunk))).slice(0, target);
          fc.pre(Buffer.byteLength(body) > config.maxBodyBytes);
          // act
          const answer = await routes[route](
            httpEvent(method, path, { body, contentType, base64 }),
          );
          // assess
          expect(answer.statusCode).toBe(413);
          expect(JSON.parse(answer.body ?? '')).toEqual({
            message: `request body is larger than ${config.maxBodyBytes} bytes`,
          });
        },
      ),
      50,
    );
    expect(await snapshotAccounts(endpoint, table)).toEqual(before);
    console.log(`[reliability] oversized bodies at ${route}: 50 runs (seed ${seed}), all 413`);
  });

  it('a body of exactly MAX_BODY_BYTES is read, not refused', async () => {
    // prepare: a valid form whose padding field brings it to the limit exactly
    const form = `email=${encodeURIComponent(email)}&pad=`;
    const body = form + 'x'.repeat(config.maxBodyBytes - form.length);
    // act
    const answer = await routes['POST /reset_password'](
      httpEvent('POST', '/reset_password', {
        body,
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    // assess
    expect(Buffer.byteLength(body)).toBe(config.maxBodyBytes);
    expect(answer.statusCode).toBe(200);
  });

  it('an email of hostile text that passes the email check is stored and found again', async () => {
    // Whatever gets past the email check (unicode, graphemes, RTL marks; lone surrogates and
    // control characters are refused) becomes a key in DynamoDB: it must register and then log in
    // under the same text, never answer 500.
    const statuses: Record<number, number> = {};
    const seed = await assertReplayable(
      fc.asyncProperty(hostileText, fc.uuid(), async (text, unique) => {
        const address = `${text}${unique}@example.com`;
        const registered = await routes['POST /users'](
          httpEvent('POST', '/users', { json: { email: address, password: PASSWORD } }),
        );
        statuses[registered.statusCode] = (statuses[registered.statusCode] ?? 0) + 1;
        assertWellFormed(registered);
        if (registered.statusCode !== 200) return;
        const login = await routes['POST /sessions'](
          httpEvent('POST', '/sessions', { json: { email: address, password: PASSWORD } }),
        );
        expect(login.statusCode).toBe(200);
      }),
      RUNS,
    );
    console.log(
      `[reliability] hostile emails at POST /users: ${RUNS} runs (seed ${seed}), answers ${JSON.stringify(statuses)}`,
    );
  });
});
