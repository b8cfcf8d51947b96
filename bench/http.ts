/**
 * Over HTTP: the local service (`npm start`, serverless-offline on free ports, its own DynamoDB
 * Local) driven by autocannon on loopback for a fixed duration. Two scenarios: `GET /profile` with
 * a live session, and the seed's whole end-to-end flow, each connection looping through it with
 * its own new user. Every answer's status is checked: a benchmark of errors would be worthless.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { UNREACHED_BUDGET } from './service';
import { startLocalService } from '../tests/support/local-service';

export interface HttpFigures {
  scenario: string;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers with another status than the scenario expects, plus errors and timeouts. */
  unexpected: number;
}

interface FlowContext {
  email?: string;
  password?: string;
  sessionId?: string;
  resetToken?: string;
}

type Headers = autocannon.Request['headers'];

interface Step {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  status: number;
  form?: (context: FlowContext) => Record<string, string>;
  withSession?: boolean;
  /** Reads what later steps need from the answer. */
  keep?: (context: FlowContext, body: string, headers: Headers) => void;
}

const WARM_UP_SECONDS = 3;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function sessionFrom(headers: Headers): string | undefined {
  const cookies = headers?.['set-cookie'];
  const all = Array.isArray(cookies) ? cookies.join('\n') : String(cookies);
  return /session_id=([^;\s]+)/u.exec(all)?.[1];
}

/** The seed's main.py, as in tests/e2e/client.ts: eleven requests, five of them bcrypt work. */
const FLOW: readonly Step[] = [
  {
    method: 'POST',
    path: '/users',
    status: 200,
    form: (c) => {
      c.email = `http-${randomUUID()}@example.com`;
      c.password = `First-${randomUUID()}`;
      return { email: c.email, password: c.password };
    },
  },
  {
    method: 'POST',
    path: '/sessions',
    status: 401,
    form: (c) => ({ email: c.email ?? '', password: 'not-the-password' }),
  },
  { method: 'GET', path: '/profile', status: 403 },
  {
    method: 'POST',
    path: '/sessions',
    status: 200,
    form: (c) => ({ email: c.email ?? '', password: c.password ?? '' }),
    keep: (c, _body, headers) => (c.sessionId = sessionFrom(headers)),
  },
  { method: 'GET', path: '/profile', status: 200, withSession: true },
  { method: 'DELETE', path: '/sessions', status: 302, withSession: true },
  { method: 'GET', path: '/', status: 200 },
  { method: 'GET', path: '/profile', status: 403, withSession: true },
  {
    method: 'POST',
    path: '/reset_password',
    status: 200,
    form: (c) => ({ email: c.email ?? '' }),
    keep: (c, body) => (c.resetToken = (JSON.parse(body) as { reset_token?: string }).reset_token),
  },
  {
    method: 'PUT',
    path: '/reset_password',
    status: 200,
    form: (c) => {
      c.password = `Second-${randomUUID()}`;
      return { email: c.email ?? '', reset_token: c.resetToken ?? '', new_password: c.password };
    },
  },
  {
    method: 'POST',
    path: '/sessions',
    status: 200,
    form: (c) => ({ email: c.email ?? '', password: c.password ?? '' }),
  },
];

function flowRequests(counter: { unexpected: number }): autocannon.Request[] {
  return FLOW.map((step) => ({
    method: step.method,
    path: step.path,
    setupRequest: (request, context) => {
      const c = context as FlowContext;
      const headers: Headers = { ...(step.form && FORM) };
      if (step.withSession === true) headers.cookie = `session_id=${c.sessionId ?? ''}`;
      return {
        ...request,
        headers,
        ...(step.form && { body: new URLSearchParams(step.form(c)).toString() }),
      };
    },
    onResponse: (status, body, context, headers) => {
      if (status !== step.status) counter.unexpected++;
      else step.keep?.(context, body, headers);
    },
  }));
}

async function cannon(
  scenario: string,
  options: autocannon.Options,
  counter: { unexpected: number },
): Promise<HttpFigures> {
  // serverless-offline loads each function on its first request: a discarded warm-up keeps
  // those cold starts out of the quoted p99.
  await autocannon({ ...options, duration: WARM_UP_SECONDS });
  counter.unexpected = 0;
  const result = await autocannon(options);
  return {
    scenario,
    connections: options.connections ?? 10,
    seconds: options.duration as number,
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    unexpected: counter.unexpected + result.errors + result.timeouts,
  };
}

async function liveSession(baseUrl: string): Promise<string> {
  const form = { email: `http-${randomUUID()}@example.com`, password: `Pw-${randomUUID()}` };
  const post = (path: string) =>
    fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams(form),
    });
  await post('/users');
  const sessionId = sessionFrom({ 'set-cookie': (await post('/sessions')).headers.getSetCookie() });
  if (sessionId === undefined) throw new Error('could not log in to the local service');
  return sessionId;
}

export async function runHttp(bcryptCost: string, seconds: number): Promise<HttpFigures[]> {
  const service = await startLocalService({ BCRYPT_COST: bcryptCost, ...UNREACHED_BUDGET });
  try {
    const sessionId = await liveSession(service.baseUrl);
    const profileCounter = { unexpected: 0 };
    const profile = await cannon(
      '`GET /profile`',
      {
        url: `${service.baseUrl}/profile`,
        headers: { cookie: `session_id=${sessionId}` },
        connections: 10,
        duration: seconds,
        requests: [
          {
            onResponse: (status) => {
              if (status !== 200) profileCounter.unexpected++;
            },
          },
        ],
      },
      profileCounter,
    );
    const flowCounter = { unexpected: 0 };
    const flow = await cannon(
      `end-to-end flow (${FLOW.length} requests)`,
      {
        url: service.baseUrl,
        connections: 4,
        duration: seconds,
        requests: flowRequests(flowCounter),
      },
      flowCounter,
    );
    return [profile, flow];
  } finally {
    await service.stop();
  }
}
