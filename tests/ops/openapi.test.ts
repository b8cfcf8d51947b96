import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { generate } from 'otplib';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { route as resetTokenRoute } from '../../handlers/reset-token';
import { route as unmatchedRoute } from '../../handlers/unmatched';
import { route as whoamiRoute } from '../../handlers/whoami';
import { config, handlerFor } from '../support/app';
import { ManualClock } from '../support/auth';
import type { HttpResponse } from '../../lib/http/response';
import { httpEvent, sessionCookieOf, type EventOptions } from '../support/events';
import { earlyInABudgetWindow } from '../support/budget';
import { OpenApiContract } from '../support/openapi';
import { ROUTE_KEYS, ROUTES } from '../../handlers/table';
import {
  apiRoutes,
  BODY_ROUTE_KEYS,
  definitionOf,
  STORAGE_ROUTE_KEYS,
  type RouteKey,
} from '../support/routes';

/*
 * Drives every handler in-process through each answer docs/openapi.yaml describes and validates
 * each real response (status, headers, JSON body) against the document. An answer the document
 * does not describe fails the test that produced it; a described answer that no test produced
 * fails the last test. So the document and the code cannot drift apart unnoticed.
 */

const contract = new OpenApiContract();

// Every route of the API as API Gateway serves it, the guarded ones (GET /whoami) behind the session
// authorizer, whose denials and failures are API Gateway's own answers (tests/support/authorizer.ts).
const handlers = apiRoutes();
const whoami = handlerFor(whoamiRoute);

const produced = new Set<string>();
let validated = 0;

/** The request's fields as the document's request schemas see them. */
function requestFields(options: EventOptions): [string, unknown] | undefined {
  if (options.form !== undefined) return ['application/x-www-form-urlencoded', options.form];
  if (options.multipart !== undefined) return ['multipart/form-data', options.multipart];
  if (options.json !== undefined) return ['application/json', options.json];
  return undefined;
}

/** Calls the route's handler and checks the answer (and an accepted request) against the document. */
async function call(
  route: string,
  options: EventOptions = {},
  handler = handlers[route],
): Promise<HttpResponse> {
  if (handler === undefined) throw new Error(`no handler for ${route}`);
  const [method = '', path = ''] = route.split(' ');
  const response = await handler(httpEvent(method, path, options));
  expect(contract.responseProblems(route, response)).toEqual([]);
  const request = requestFields(options);
  if (request !== undefined && response.statusCode < 400) {
    // A request the handler accepted must be one the document allows, or clients would be
    // told to send less than works, or something else.
    expect(contract.requestProblems(route, ...request)).toEqual([]);
  }
  produced.add(`${route} ${response.statusCode}`);
  validated++;
  return response;
}

let counter = 0;
function freshUser() {
  counter++;
  return {
    email: `openapi-${counter}-${randomUUID()}@example.com`,
    password: `Pw-${randomUUID()}`,
  };
}

async function registered() {
  const user = freshUser();
  expect((await call('POST /users', { form: user })).statusCode).toBe(200);
  return user;
}

async function loggedIn() {
  const user = await registered();
  const response = await call('POST /sessions', { form: user });
  const sessionId = sessionCookieOf(response);
  if (sessionId === undefined) throw new Error('no session cookie');
  return { ...user, cookies: [`session_id=${sessionId}`] };
}

/** A body every route reads, complete, so that only storage can fail. */
function completeBody(): EventOptions {
  return {
    form: {
      email: 'x@example.com',
      password: `Pw-${randomUUID()}`,
      reset_token: randomUUID(),
      new_password: `Pw-${randomUUID()}`,
      verification_token: randomUUID(),
      new_email: 'y@example.com',
      token: randomUUID(),
      code: '123456',
      mfa_token: randomUUID(),
    },
    cookies: [`session_id=${randomUUID()}`],
  };
}

// The account's own routes, on a stage that requires verified emails (and so mails): the
// verification routes do nothing without a mode, and only `required` refuses a login.
const MAILING = { EMAIL_VERIFICATION: 'required', MAIL_FROM: 'no-reply@example.com' };
const mailing = apiRoutes(MAILING);
const ACCOUNT_ROUTE_KEYS = [
  'PUT /password',
  'PUT /verify_email',
  'POST /verify_email',
  'POST /email_change',
  'PUT /email_change',
  'DELETE /users/me',
];
const account = (route: string, options: EventOptions = {}) => call(route, options, mailing[route]);

// The second factor's routes (issue 20): each reads a body and DynamoDB.
const MFA_ROUTE_KEYS = [
  'POST /sessions/mfa',
  'POST /mfa/totp',
  'PUT /mfa/totp',
  'DELETE /mfa/totp',
  'POST /mfa/recovery_codes',
];

/** The answer's JSON body. */
const bodyOf = (response: HttpResponse) =>
  JSON.parse(response.body ?? '') as Record<string, unknown>;
const errorCodeOf = (response: HttpResponse) => response.headers?.['X-Error-Code'];

describe('each route answers only what docs/openapi.yaml describes', () => {
  it('GET / says hello', async () => {
    expect((await call('GET /')).statusCode).toBe(200);
  });

  it('POST /users registers from a form, multipart or JSON, and refuses a taken email', async () => {
    const user = freshUser();
    expect((await call('POST /users', { json: freshUser() })).statusCode).toBe(200);
    expect((await call('POST /users', { multipart: freshUser() })).statusCode).toBe(200);
    expect((await call('POST /users', { form: user })).statusCode).toBe(200);
    expect((await call('POST /users', { form: user })).statusCode).toBe(400);
    expect((await call('POST /users', { form: { email: user.email } })).statusCode).toBe(400);
  });

  it('POST /sessions sets the cookie, refuses wrong passwords and locks after too many', async () => {
    const user = await registered();
    expect((await call('POST /sessions', { json: user })).statusCode).toBe(200);
    const wrong = { email: user.email, password: 'not-the-password' };
    for (let attempt = 1; attempt <= config.loginMaxFailures; attempt++) {
      expect((await call('POST /sessions', { form: wrong })).statusCode).toBe(401);
    }
    const locked = await call('POST /sessions', { form: user });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect((await call('POST /sessions', { body: 'password=only' })).statusCode).toBe(400);
  });

  it('the routes that check or set a password or send a mail answer 429 over a client budget', async () => {
    // One attempt a minute per address, each route from an address of its own.
    const budgeted = apiRoutes({ CLIENT_ATTEMPTS_PER_MINUTE: '1' });
    const user = await registered();
    const requests: [string, EventOptions][] = [
      ['POST /users', { form: freshUser(), sourceIp: '192.0.2.11' }],
      ['POST /sessions', { form: user, sourceIp: '192.0.2.12' }],
      ['POST /reset_password', { form: { email: user.email }, sourceIp: '192.0.2.13' }],
    ];
    // A reset, with a token of its own each time (the second is refused before it is read).
    const reset = async () => ({
      form: {
        email: user.email,
        reset_token: String(
          (
            JSON.parse(
              (await call('POST /reset_password', { form: { email: user.email } })).body ?? '',
            ) as Record<string, unknown>
          ).reset_token,
        ),
        new_password: 'a new good password',
      },
      sourceIp: '192.0.2.14',
    });
    await earlyInABudgetWindow();
    // A code for no session still spends the address's attempt: codes are credentials too.
    const confirm = { form: { code: '123456' }, sourceIp: '192.0.2.15' };
    const confirmTotp = budgeted['PUT /mfa/totp'];
    expect((await call('PUT /mfa/totp', confirm, confirmTotp)).statusCode).toBe(403);
    expect((await call('PUT /mfa/totp', confirm, confirmTotp)).statusCode).toBe(429);
    for (const [route, options] of requests) {
      expect((await call(route, options, budgeted[route])).statusCode).toBe(200);
      const refused = await call(route, options, budgeted[route]);
      expect([route, refused.statusCode]).toEqual([route, 429]);
    }
    const put = budgeted['PUT /reset_password'];
    expect((await call('PUT /reset_password', await reset(), put)).statusCode).toBe(200);
    expect((await call('PUT /reset_password', await reset(), put)).statusCode).toBe(429);
  });

  it('GET /profile and DELETE /sessions need a live session; logout redirects to /', async () => {
    const { cookies, email } = await loggedIn();
    expect(JSON.parse((await call('GET /profile', { cookies })).body ?? '')).toEqual({ email });
    const logout = await call('DELETE /sessions', { cookies });
    expect(logout.statusCode).toBe(302);
    expect(logout.headers?.Location).toBe('/');
    expect((await call('DELETE /sessions', { cookies })).statusCode).toBe(403);
    expect((await call('GET /profile', { cookies })).statusCode).toBe(403);
    expect((await call('GET /profile')).statusCode).toBe(403);
  });

  it('GET /sessions lists, DELETE /sessions/{id} and /sessions/others end, each needs a session', async () => {
    const user = await registered();
    const phone = await call('POST /sessions', {
      form: user,
      headers: { 'user-agent': 'python-requests/2.32.3' },
    });
    const laptop = await call('POST /sessions', { form: user });
    const cookiesOf = (response: HttpResponse) => [`session_id=${sessionCookieOf(response) ?? ''}`];
    const bearer = { headers: { authorization: `Bearer ${sessionCookieOf(phone) ?? ''}` } };
    const listed = await call('GET /sessions', bearer);
    expect(listed.statusCode).toBe(200);
    const { sessions } = JSON.parse(listed.body ?? '') as {
      sessions: { id: string; current: boolean }[];
    };
    expect(sessions).toHaveLength(2);
    const other = sessions.find((s) => !s.current)?.id ?? '';
    const end = (id: string, options: EventOptions) =>
      call('DELETE /sessions/{id}', { ...options, pathParameters: { id } });
    expect((await end('AAAAAAAAAAAAAAAAAAAAAA', bearer)).statusCode).toBe(404);
    expect((await end(other, bearer)).statusCode).toBe(200);
    const third = await call('POST /sessions', { form: user });
    const others = await call('DELETE /sessions/others', { cookies: cookiesOf(third) });
    expect(JSON.parse(others.body ?? '')).toEqual({ message: 'other sessions ended', ended: 1 });
    const mine = JSON.parse(
      (await call('GET /sessions', { cookies: cookiesOf(third) })).body ?? '',
    ) as {
      sessions: { id: string }[];
    };
    const own = await end(mine.sessions[0]?.id ?? '', { cookies: cookiesOf(third) });
    expect(own.cookies?.[0]).toMatch(/Max-Age=0/u);
    expect((await call('GET /sessions', { cookies: cookiesOf(laptop) })).statusCode).toBe(403);
    expect((await call('DELETE /sessions/others')).statusCode).toBe(403);
    expect((await end(other, {})).statusCode).toBe(403);
  });

  it('GET /whoami says who the caller is for a live cookie or Bearer session, else 403', async () => {
    const { cookies, email } = await loggedIn();
    const sessionId = cookies[0]?.slice('session_id='.length) ?? '';
    const bearer = { headers: { authorization: `Bearer ${sessionId}` } };
    for (const options of [{ cookies }, bearer]) {
      const answer = await call('GET /whoami', options);
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body ?? '')).toMatchObject({ email });
    }
    expect((await call('GET /whoami')).statusCode).toBe(403);
    expect((await call('DELETE /sessions', { cookies })).statusCode).toBe(302);
    expect((await call('GET /whoami', { cookies })).statusCode).toBe(403);
    expect((await call('GET /whoami', bearer)).statusCode).toBe(403);
  });

  // A route added behind the authorizer (README, "Protect your own routes") is held to its
  // document the same way, without a test of its own.
  it.each(ROUTES.filter((route) => route.guarded && route.key.startsWith('GET ')))(
    '$key answers a live session, and 403 without one',
    async ({ key }) => {
      const { cookies } = await loggedIn();
      expect((await call(key, { cookies })).statusCode).toBe(200);
      expect((await call(key)).statusCode).toBe(403);
    },
  );

  it('GET /whoami reached without the authorizer fails with a bare 500', async () => {
    const { cookies } = await loggedIn();
    expect((await call('GET /whoami', { cookies }, whoami)).statusCode).toBe(500);
  });

  it('POST and PUT /reset_password issue a token, refuse strangers and set the password', async () => {
    const { email } = await registered();
    const issued = await call('POST /reset_password', { form: { email } });
    const { reset_token } = JSON.parse(issued.body ?? '') as { reset_token: string };
    expect((await call('POST /reset_password', { form: freshUser() })).statusCode).toBe(403);
    expect((await call('POST /reset_password', { json: {} })).statusCode).toBe(400);
    const update = { email, reset_token, new_password: `New-${randomUUID()}` };
    expect((await call('PUT /reset_password', { json: update })).statusCode).toBe(200);
    expect((await call('PUT /reset_password', { form: update })).statusCode).toBe(403);
    expect((await call('PUT /reset_password', { form: { email } })).statusCode).toBe(400);
  });

  it.each(BODY_ROUTE_KEYS)(
    '%s refuses a body over MAX_BODY_BYTES (413) and other types (415)',
    async (route) => {
      const huge = { email: 'x'.repeat(config.maxBodyBytes) };
      expect((await call(route, { form: huge })).statusCode).toBe(413);
      expect((await call(route, { body: 'email=x', contentType: 'text/plain' })).statusCode).toBe(
        415,
      );
    },
  );

  describe('when DynamoDB fails', () => {
    // Created in beforeAll: a mock created while tests are collected would fake DynamoDB for
    // the whole file.
    let dynamodb: ReturnType<typeof mockClient>;
    beforeAll(() => {
      dynamodb = mockClient(DynamoDBDocumentClient);
    });
    afterEach(() => {
      dynamodb.reset();
    });
    afterAll(() => {
      dynamodb.restore();
    });

    it.each(STORAGE_ROUTE_KEYS)(
      '%s answers 503 with Retry-After when it is throttled',
      async (route) => {
        dynamodb.onAnyCommand().rejects(
          Object.assign(new Error('Rate exceeded'), {
            name: 'ProvisionedThroughputExceededException',
            $fault: 'client',
          }),
        );
        const response = await call(route, completeBody());
        expect(response.statusCode).toBe(503);
        expect(response.headers?.['Retry-After']).toBeDefined();
      },
    );

    it.each(STORAGE_ROUTE_KEYS)(
      '%s answers a bare 500 when a request is refused (a bug)',
      async (route) => {
        dynamodb.onAnyCommand().rejects(
          Object.assign(new Error('Requested resource not found'), {
            name: 'ResourceNotFoundException',
            $fault: 'client',
          }),
        );
        const response = await call(route, completeBody());
        expect(response.statusCode).toBe(500);
        expect(response.body).not.toContain('Requested resource');
      },
    );

    it.each([
      'GET /sessions',
      'DELETE /sessions/{id}',
      'DELETE /sessions/others',
      ...ACCOUNT_ROUTE_KEYS,
      ...MFA_ROUTE_KEYS,
    ])('%s answers 503 when throttled and 500 when refused', async (route) => {
      const reject = (name: string) =>
        dynamodb.onAnyCommand().rejects(Object.assign(new Error(name), { name, $fault: 'client' }));
      reject('ProvisionedThroughputExceededException');
      expect((await call(route, completeBody(), mailing[route])).statusCode).toBe(503);
      dynamodb.reset();
      reject('ResourceNotFoundException');
      expect((await call(route, completeBody(), mailing[route])).statusCode).toBe(500);
    });

    it("GET /whoami gets API Gateway's 500: the authorizer fails rather than deny", async () => {
      dynamodb.onAnyCommand().rejects(
        Object.assign(new Error('Rate exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
        }),
      );
      expect((await call('GET /whoami', completeBody())).statusCode).toBe(500);
    });
  });

  describe('with RESET_DELIVERY=email (deployed stages)', () => {
    let ses: ReturnType<typeof mockClient>;
    beforeAll(() => {
      ses = mockClient(SESv2Client);
    });
    afterAll(() => {
      ses.restore();
    });

    it('POST /reset_password gives every email the same answer', async () => {
      ses.onAnyCommand().resolves({});
      const mailing = handlerFor(resetTokenRoute, {
        RESET_DELIVERY: 'email',
        MAIL_FROM: 'no-reply@example.com',
      });
      const { email } = await registered();
      const known = await call('POST /reset_password', { form: { email } }, mailing);
      const unknown = await call('POST /reset_password', { form: freshUser() }, mailing);
      expect([known.statusCode, unknown.statusCode]).toEqual([200, 200]);
      expect(ses.calls()).toHaveLength(1);
    });
  });

  describe("the account's own routes, verification required", () => {
    let ses: ReturnType<typeof mockClient>;
    beforeAll(() => {
      ses = mockClient(SESv2Client);
      ses.onAnyCommand().resolves({});
    });
    afterAll(() => {
      ses.restore();
    });

    /** The token the last mail to `to` carries in its link as the query parameter `name`. */
    function tokenMailed(to: string, name: string): string {
      const mails = ses
        .commandCalls(SendEmailCommand)
        .filter((mail) => mail.args[0].input.Destination?.ToAddresses?.includes(to));
      const text = JSON.stringify(mails.at(-1)?.args[0].input ?? {});
      const token = new RegExp(`[?&]${name}=([0-9a-f-]{36})`, 'u').exec(text)?.[1];
      if (token === undefined) throw new Error(`no ${name} in the last mail to ${to}`);
      return token;
    }

    /** A user registered, verified and logged in on the mailing stage. */
    async function verifiedSession() {
      const user = freshUser();
      expect((await account('POST /users', { form: user })).statusCode).toBe(200);
      const verification_token = tokenMailed(user.email, 'verification_token');
      const verified = { email: user.email, verification_token };
      expect((await account('PUT /verify_email', { form: verified })).statusCode).toBe(200);
      const login = await account('POST /sessions', { form: user });
      const sessionId = sessionCookieOf(login) ?? '';
      return { ...user, sessionId, cookies: [`session_id=${sessionId}`] };
    }

    it('POST /sessions refuses an unverified email (403); PUT /verify_email verifies it once', async () => {
      const user = freshUser();
      expect((await account('POST /users', { json: user })).statusCode).toBe(200);
      const refused = await account('POST /sessions', { form: user });
      expect([refused.statusCode, refused.headers?.['X-Error-Code']]).toEqual([
        403,
        'email_not_verified',
      ]);
      const verified = {
        email: user.email,
        verification_token: tokenMailed(user.email, 'verification_token'),
      };
      const answer = await account('PUT /verify_email', { multipart: verified });
      expect(JSON.parse(answer.body ?? '')).toEqual({
        email: user.email,
        message: 'email verified',
      });
      expect((await account('PUT /verify_email', { json: verified })).statusCode).toBe(403);
      expect((await account('PUT /verify_email', { form: { email: user.email } })).statusCode).toBe(
        400,
      );
      expect((await account('POST /sessions', { form: user })).statusCode).toBe(200);
    });

    it('POST /verify_email answers every address alike, and refuses a non-address', async () => {
      const { email } = await registered();
      for (const options of [{ form: { email } }, { json: { email: freshUser().email } }]) {
        expect((await account('POST /verify_email', options)).statusCode).toBe(200);
      }
      expect((await account('POST /verify_email', { form: { email: 'nope' } })).statusCode).toBe(
        400,
      );
    });

    it('PUT /password changes the password with the current one, from a cookie or Bearer', async () => {
      const user = await verifiedSession();
      const change = { password: user.password, new_password: `New-${randomUUID()}` };
      const bearer = { authorization: `Bearer ${user.sessionId}` };
      const changed = await account('PUT /password', { json: change, headers: bearer });
      expect(JSON.parse(changed.body ?? '')).toEqual({
        email: user.email,
        message: 'Password updated',
      });
      const wrong = { password: 'not-the-password', new_password: `New-${randomUUID()}` };
      expect(
        (await account('PUT /password', { form: wrong, cookies: user.cookies })).statusCode,
      ).toBe(401);
      const incomplete = { form: { password: change.new_password }, cookies: user.cookies };
      expect((await account('PUT /password', incomplete)).statusCode).toBe(400);
      expect((await account('PUT /password', { form: change })).statusCode).toBe(403);
    });

    it('POST and PUT /email_change move the account once the new address confirms', async () => {
      const user = await verifiedSession();
      const other = await registered();
      const newEmail = freshUser().email;
      const asked = { password: user.password, new_email: newEmail };
      const { cookies } = user;
      expect((await account('POST /email_change', { form: asked, cookies })).statusCode).toBe(200);
      const taken = { password: user.password, new_email: other.email };
      expect((await account('POST /email_change', { form: taken, cookies })).statusCode).toBe(400);
      const wrong = { password: 'not-the-password', new_email: newEmail };
      expect((await account('POST /email_change', { form: wrong, cookies })).statusCode).toBe(401);
      expect((await account('POST /email_change', { form: asked })).statusCode).toBe(403);
      const token = tokenMailed(newEmail, 'token');
      const confirmed = await account('PUT /email_change', { json: { token }, cookies });
      expect(JSON.parse(confirmed.body ?? '')).toEqual({
        email: newEmail,
        message: 'email changed',
      });
      expect((await account('PUT /email_change', { form: { token }, cookies })).statusCode).toBe(
        403,
      );
      expect((await account('PUT /email_change', { form: {}, cookies })).statusCode).toBe(400);
    });

    it('DELETE /users/me deletes the account with its password, and clears the cookie', async () => {
      const user = await verifiedSession();
      const { cookies } = user;
      const wrong = { form: { password: 'not-the-password' }, cookies };
      expect((await account('DELETE /users/me', wrong)).statusCode).toBe(401);
      expect((await account('DELETE /users/me', { form: {}, cookies })).statusCode).toBe(400);
      const deleted = await account('DELETE /users/me', {
        form: { password: user.password },
        cookies,
      });
      expect(deleted.cookies?.[0]).toMatch(/Max-Age=0/u);
      expect(
        (await account('DELETE /users/me', { form: { password: user.password }, cookies }))
          .statusCode,
      ).toBe(403);
    });

    it('the routes that ask for the password answer 429 once wrong ones lock the account', async () => {
      const user = await verifiedSession();
      const { cookies } = user;
      const wrong = { password: 'not-the-password', new_password: `New-${randomUUID()}` };
      for (let attempt = 1; attempt <= config.loginMaxFailures; attempt++) {
        expect((await account('PUT /password', { form: wrong, cookies })).statusCode).toBe(401);
      }
      const right = { password: user.password, new_password: `New-${randomUUID()}` };
      const asked = { password: user.password, new_email: freshUser().email };
      for (const [route, form] of [
        ['PUT /password', right],
        ['POST /email_change', asked],
        ['DELETE /users/me', { password: user.password }],
      ] as const) {
        const locked = await account(route, { form, cookies });
        expect([locked.statusCode, locked.headers?.['X-Error-Code']]).toEqual([
          429,
          'account_locked',
        ]);
      }
    });

    it.each([...ACCOUNT_ROUTE_KEYS, ...MFA_ROUTE_KEYS])(
      '%s refuses a body over MAX_BODY_BYTES (413) and other types (415)',
      async (route) => {
        const huge = { email: 'x'.repeat(config.maxBodyBytes) };
        expect((await account(route, { form: huge })).statusCode).toBe(413);
        const text = { body: 'email=x', contentType: 'text/plain' };
        expect((await account(route, text)).statusCode).toBe(415);
      },
    );
  });

  describe('the second factor, on a clock the test moves', () => {
    const clock = new ManualClock(Date.now());
    const onClock = Object.fromEntries(
      ['POST /sessions', 'DELETE /users/me', ...MFA_ROUTE_KEYS].map((key) => [
        key,
        handlerFor(definitionOf(key), {}, clock.now),
      ]),
    );
    const mfa = (route: string, options: EventOptions = {}) => call(route, options, onClock[route]);
    /** The code the authenticator app shows now. */
    const codeOf = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });
    /** Another six digits than `code`. */
    const wrongCode = (code: string) => `${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}`;

    /** A logged-in user who enrolled: the secret, the recovery codes and their session. */
    async function enrolled() {
      const user = await loggedIn();
      const { cookies, password } = user;
      const enrol = await mfa('POST /mfa/totp', { form: { password }, cookies });
      const secret = String(bodyOf(enrol).secret);
      const confirmed = await mfa('PUT /mfa/totp', {
        json: { code: await codeOf(secret) },
        cookies,
      });
      const recoveryCodes = bodyOf(confirmed).recovery_codes as string[];
      // The next step: the code that confirmed is spent.
      clock.advanceSeconds(30);
      return { ...user, secret, recoveryCodes };
    }

    /** The token of a login whose password was right. */
    async function challenge(user: { email: string; password: string }) {
      const answer = await mfa('POST /sessions', { form: user });
      expect([answer.statusCode, errorCodeOf(answer), answer.cookies]).toEqual([
        401,
        'mfa_required',
        undefined,
      ]);
      return String(bodyOf(answer).mfa_token);
    }

    it('POST and PUT /mfa/totp enrol with the password, then a first code', async () => {
      const { cookies, password } = await loggedIn();
      expect((await mfa('POST /mfa/totp', { form: { password } })).statusCode).toBe(403);
      const wrong = await mfa('POST /mfa/totp', { form: { password: 'nope' }, cookies });
      expect([wrong.statusCode, errorCodeOf(wrong)]).toEqual([401, 'wrong_password']);
      expect((await mfa('POST /mfa/totp', { form: {}, cookies })).statusCode).toBe(400);
      const notPending = await mfa('PUT /mfa/totp', { form: { code: '123456' }, cookies });
      expect([notPending.statusCode, errorCodeOf(notPending)]).toEqual([
        409,
        'mfa_enrolment_missing',
      ]);
      const enrol = await mfa('POST /mfa/totp', { multipart: { password }, cookies });
      const secret = String(bodyOf(enrol).secret);
      expect(bodyOf(enrol).otpauth_uri).toContain(`secret=${secret}`);
      const code = await codeOf(secret);
      const refused = await mfa('PUT /mfa/totp', { form: { code: wrongCode(code) }, cookies });
      expect([refused.statusCode, errorCodeOf(refused)]).toEqual([401, 'invalid_mfa_code']);
      expect((await mfa('PUT /mfa/totp', { form: {}, cookies })).statusCode).toBe(400);
      expect((await mfa('PUT /mfa/totp', { form: { code } })).statusCode).toBe(403);
      const confirmed = await mfa('PUT /mfa/totp', { form: { code }, cookies });
      expect(bodyOf(confirmed).recovery_codes).toHaveLength(10);
      const again = await mfa('POST /mfa/totp', { form: { password }, cookies });
      expect([again.statusCode, errorCodeOf(again)]).toEqual([409, 'mfa_already_enabled']);
    });

    it('POST /sessions asks for the second step; POST /sessions/mfa completes it once', async () => {
      const user = await enrolled();
      const mfa_token = await challenge(user);
      expect((await mfa('POST /sessions/mfa', { form: { code: '123456' } })).statusCode).toBe(400);
      const noCode = await mfa('POST /sessions/mfa', { form: { mfa_token } });
      expect([noCode.statusCode, errorCodeOf(noCode)]).toEqual([401, 'mfa_code_required']);
      const code = await codeOf(user.secret);
      const wrong = await mfa('POST /sessions/mfa', { form: { mfa_token, code: wrongCode(code) } });
      expect([wrong.statusCode, errorCodeOf(wrong)]).toEqual([401, 'invalid_mfa_code']);
      const right = await mfa('POST /sessions/mfa', { json: { mfa_token, code } });
      expect(bodyOf(right)).toEqual({ email: user.email.toLowerCase(), message: 'logged in' });
      // The authorizer tells the routes it guards how this session logged in.
      const cookies = [`session_id=${sessionCookieOf(right) ?? ''}`];
      expect(bodyOf(await call('GET /whoami', { cookies }))).toMatchObject({ mfa: true });
      expect(bodyOf(await call('GET /whoami', { cookies: user.cookies }))).toMatchObject({
        mfa: false,
      });
      const used = await mfa('POST /sessions/mfa', { form: { mfa_token, code } });
      expect([used.statusCode, errorCodeOf(used)]).toEqual([401, 'invalid_mfa_token']);
      const recovered = await mfa('POST /sessions/mfa', {
        multipart: { mfa_token: await challenge(user), recovery_code: user.recoveryCodes[0] ?? '' },
      });
      expect(bodyOf(recovered)).toMatchObject({ recovery_codes_remaining: 9 });
    });

    it('DELETE /mfa/totp and POST /mfa/recovery_codes need the password and a code', async () => {
      const { cookies, password, secret, recoveryCodes } = await enrolled();
      const [first = '', second = ''] = recoveryCodes;
      const replaced = await mfa('POST /mfa/recovery_codes', {
        form: { password, recovery_code: first },
        cookies,
      });
      expect(bodyOf(replaced).recovery_codes).toHaveLength(10);
      const oldCode = await mfa('DELETE /mfa/totp', {
        form: { password, recovery_code: second },
        cookies,
      });
      expect([oldCode.statusCode, errorCodeOf(oldCode)]).toEqual([401, 'invalid_mfa_code']);
      const noCode = await mfa('POST /mfa/recovery_codes', { form: { password }, cookies });
      expect([noCode.statusCode, errorCodeOf(noCode)]).toEqual([401, 'mfa_code_required']);
      const code = await codeOf(secret);
      const wrongPassword = await mfa('DELETE /mfa/totp', {
        form: { password: 'nope', code },
        cookies,
      });
      expect([wrongPassword.statusCode, errorCodeOf(wrongPassword)]).toEqual([
        401,
        'wrong_password',
      ]);
      for (const route of ['DELETE /mfa/totp', 'POST /mfa/recovery_codes']) {
        expect((await mfa(route, { form: { code }, cookies })).statusCode).toBe(400);
        expect((await mfa(route, { form: { password, code } })).statusCode).toBe(403);
      }
      const disabled = await mfa('DELETE /mfa/totp', { json: { password, code }, cookies });
      expect(bodyOf(disabled)).toEqual({ message: 'two-factor disabled' });
      for (const route of ['DELETE /mfa/totp', 'POST /mfa/recovery_codes']) {
        const off = await mfa(route, { form: { password, code }, cookies });
        expect([off.statusCode, errorCodeOf(off)]).toEqual([409, 'mfa_not_enabled']);
      }
    });

    it('DELETE /users/me asks an account with a second factor for a code as well', async () => {
      const { cookies, password, recoveryCodes } = await enrolled();
      const noCode = await mfa('DELETE /users/me', { form: { password }, cookies });
      expect([noCode.statusCode, errorCodeOf(noCode)]).toEqual([401, 'mfa_code_required']);
      const form = { password, recovery_code: recoveryCodes[0] ?? '' };
      expect((await mfa('DELETE /users/me', { form, cookies })).statusCode).toBe(200);
    });

    it("the second factor's routes answer 429 once wrong passwords lock the account", async () => {
      const user = await enrolled();
      const { cookies, password } = user;
      const mfa_token = await challenge(user);
      // The right password's attempt stays counted until the second step succeeds: one wrong
      // password fewer locks the account.
      const wrong = { email: user.email, password: 'not-the-password' };
      for (let attempt = 2; attempt <= config.loginMaxFailures; attempt++) {
        expect((await mfa('POST /sessions', { form: wrong })).statusCode).toBe(401);
      }
      const code = await codeOf(user.secret);
      for (const [route, form] of [
        ['POST /sessions/mfa', { mfa_token, code }],
        ['POST /mfa/totp', { password }],
        ['DELETE /mfa/totp', { password, code }],
        ['POST /mfa/recovery_codes', { password, code }],
      ] as const) {
        const locked = await mfa(route, { form, cookies });
        expect([route, locked.statusCode, errorCodeOf(locked)]).toEqual([
          route,
          429,
          'account_locked',
        ]);
      }
    });
  });

  describe('with allowedOrigins, for a listed origin', () => {
    const origin = 'https://app.example.com';
    const corsHandlers = apiRoutes({ ALLOWED_ORIGINS: origin });

    it('every kind of answer carries the documented CORS headers', async () => {
      const headers = { origin };
      const user = freshUser();
      const routes: [RouteKey, EventOptions][] = [
        ['GET /', { headers }],
        ['POST /users', { multipart: user, headers }],
        ['POST /users', { form: user, headers }],
        ['POST /sessions', { json: user, headers }],
        ['GET /profile', { headers }],
        ['POST /reset_password', { form: { email: 'x' }, headers }],
        ['PUT /reset_password', { body: 'x', contentType: 'text/plain', headers }],
      ];
      for (const [route, options] of routes) {
        const response = await call(route, options, corsHandlers[route]);
        expect(response.headers?.['Access-Control-Allow-Origin']).toBe(origin);
      }
    });
  });

  it('every documented answer was produced and validated', () => {
    expect([...produced].sort()).toEqual(contract.answers().sort());
    console.log(`${validated} real responses validated against docs/openapi.yaml`);
  });
});

describe('requests no route matches (the $default route)', () => {
  const origin = 'https://app.example.com';
  const unmatched = handlerFor(unmatchedRoute, { ALLOWED_ORIGINS: origin });

  it.each([
    ['NotFound', 'GET', '/nope', {}],
    ['NotFound', 'POST', '/users/1', { headers: { origin } }],
    ['MethodNotAllowed', 'DELETE', '/users', {}],
    ['MethodNotAllowed', 'PUT', '/account/profile', {}],
    [
      'MethodNotAllowed',
      'OPTIONS',
      '/profile',
      { headers: { origin: 'https://attacker.example' } },
    ],
    ['MethodNotAllowed', 'PATCH', '/sessions', { headers: { origin } }],
    [
      'Preflight',
      'OPTIONS',
      '/reset_password',
      { headers: { origin, 'access-control-request-method': 'PUT' } },
    ],
  ] as const)('answer %s to %s %s, as documented', async (name, method, path, options) => {
    const response = await unmatched(httpEvent(method, path, options));
    expect(contract.componentResponseProblems(name, response)).toEqual([]);
    expect(response.statusCode).toBe(
      { NotFound: 404, MethodNotAllowed: 405, Preflight: 204 }[name],
    );
  });
});

describe('the $default route and the route table', () => {
  const unmatched = handlerFor(unmatchedRoute);
  // Every path of the table, with a concrete segment for a `{parameter}`.
  const paths = [
    ...new Set(ROUTE_KEYS.map((key) => (key.split(' ')[1] ?? '').replace(/\{\w+\}/gu, 'x'))),
  ];

  it.each(paths)(
    'answers another method on %s 405, allowing what the table lists',
    async (path) => {
      const response = await unmatched(httpEvent('PATCH', path));
      // API Gateway's matching: a `{parameter}` is any one segment, so `/sessions/mfa` has POST of
      // its own and DELETE from `/sessions/{id}`.
      const pattern = (key: string) =>
        new RegExp(`^${(key.split(' ')[1] ?? '').replace(/\{\w+\}/gu, '[^/]+')}$`, 'u');
      const allowed = [
        ...new Set(
          ROUTE_KEYS.filter((key) => pattern(key).test(path)).map((key) => key.split(' ')[0]),
        ),
      ];
      expect(response.statusCode).toBe(405);
      expect(response.headers?.Allow).toBe(allowed.join(', '));
    },
  );
});

describe('docs/openapi.yaml and the route table', () => {
  it('describe the same API routes; the others are the hosted pages and $default', () => {
    // The pages answer HTML to people, not JSON to clients: no part of the API that the document
    // describes (README, "Pages"; tests/pages/ checks them).
    const api = ROUTES.filter((route) => route.api).map((route) => route.key);
    expect(contract.routes().sort()).toEqual([...api].sort());
    expect(Object.keys(handlers).sort()).toEqual(contract.routes().sort());
    const others = ROUTES.filter((route) => !route.api).map((route) => route.key);
    expect(others.sort()).toEqual(['$default', 'GET /account/{page}', 'POST /account/{page}']);
  });
});
