/**
 * A bounded load run against the local service (`npm start`: serverless-offline + DynamoDB
 * Local) on loopback: LOAD_CONNECTIONS connections (20), each going round login → profile →
 * profile → logout for LOAD_SECONDS (default 10 s; the 30 s with LOAD_SECONDS=30).
 * Every answer must be the one the contract gives; requests per second and p99 are printed.
 */
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/local-service';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 20);
const PASSWORD = 'correct horse battery staple';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Round {
  email?: string;
  cookie?: string;
}

let service: LocalService;
// Twice as many users as connections: a connection leases a free user for one round, so no two
// connections ever share a session (a second login would end the first one's, as it should).
const users = Array.from(
  { length: 2 * CONNECTIONS },
  (_, i) => `load${i}-${Date.now()}@example.com`,
);
const free = [...users];

function loginForm(email: string): string {
  return new URLSearchParams({ email, password: PASSWORD }).toString();
}

async function request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${service.baseUrl}${path}`, { method, redirect: 'manual', ...init });
}

/** One round per user, all at once: starts as many instances of each handler as the run needs. */
async function warmUp(): Promise<number[]> {
  const rounds = users.slice(0, CONNECTIONS).map(async (email) => {
    const login = await request('POST', '/sessions', { headers: FORM, body: loginForm(email) });
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const profile = await request('GET', '/profile', { headers: { cookie } });
    const logout = await request('DELETE', '/sessions', { headers: { cookie } });
    return [login.status, profile.status, logout.status];
  });
  return (await Promise.all(rounds)).flat();
}

beforeAll(async () => {
  service = await startLocalService();
  for (const email of users) {
    const answer = await request('POST', '/users', { headers: FORM, body: loginForm(email) });
    if (answer.status !== 200) throw new Error(`registering ${email}: ${answer.status}`);
  }
});

afterAll(async () => {
  await service.stop();
});

describe('load', () => {
  it(
    `${CONNECTIONS} connections of login, profile and logout give only expected answers`,
    async () => {
      // prepare
      const warming = performance.now();
      const warmUpAnswers = await warmUp();
      const warmUpSeconds = (performance.now() - warming) / 1000;
      expect(new Set(warmUpAnswers)).toEqual(new Set([200, 302]));
      const answers: Record<string, number> = {};
      const unexpected: Record<string, number> = {};
      const tally = (step: string, expected: number, status: number) => {
        const into = status === expected ? answers : unexpected;
        into[`${step} ${status}`] = (into[`${step} ${status}`] ?? 0) + 1;
      };
      const withCookie = (req: autocannon.Request, context: object) => ({
        ...req,
        headers: { ...req.headers, cookie: (context as Round).cookie ?? '' },
      });
      // act
      const result = await autocannon({
        url: service.baseUrl,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            path: '/sessions',
            headers: FORM,
            setupRequest: (req, context) => {
              const round = context as Round; // autocannon gives each round a fresh context
              round.email = free.shift() ?? 'no-free-user@example.com';
              return { ...req, body: loginForm(round.email) };
            },
            onResponse: (status, _body, context, headers) => {
              tally('login', 200, status);
              const setCookie = ([] as string[]).concat(headers?.['set-cookie'] ?? []);
              (context as Round).cookie = setCookie[0]?.split(';')[0];
            },
          },
          {
            method: 'GET',
            path: '/profile',
            setupRequest: withCookie,
            onResponse: (status) => {
              tally('profile', 200, status);
            },
          },
          {
            method: 'GET',
            path: '/profile',
            setupRequest: withCookie,
            onResponse: (status) => {
              tally('profile', 200, status);
            },
          },
          {
            method: 'DELETE',
            path: '/sessions',
            setupRequest: withCookie,
            onResponse: (status, _body, context) => {
              tally('logout', 302, status);
              const { email } = context as Round;
              if (email !== undefined) free.push(email);
            },
          },
        ],
      });
      // assess
      console.log(
        `[reliability] load ${SECONDS} s, ${CONNECTIONS} connections (after a ${warmUpSeconds.toFixed(1)} s ` +
          `warm-up): ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ` +
          `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, answers ${JSON.stringify(answers)}, ` +
          `unexpected ${JSON.stringify(unexpected)}, errors ${result.errors}, timeouts ${result.timeouts}`,
      );
      expect(unexpected).toEqual({});
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(answers['logout 302']).toBeGreaterThan(0);
    },
    (SECONDS + 120) * 1000,
  );
});
