// CORS by allowlist: no origin by default; the origins of ALLOWED_ORIGINS (the stage parameter
// allowedOrigins) get credentialed CORS and matching preflights, in process and through npm start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route as unmatchedRoute } from '../../handlers/unmatched';
import type { HttpResponse } from '../../lib/http/response';
import { httpEvent } from '../support/events';
import { startLocalService, type LocalService } from '../support/local-service';
import { handlerFor } from '../support/app';
import { freshEmail } from '../support/auth';
import { routesFor } from '../support/routes';

const APP = 'https://app.example.com';
const OTHER_APP = 'http://localhost:5173';
const FOREIGN = 'https://attacker.example';
const ALLOWED = { ALLOWED_ORIGINS: `${APP}, ${OTHER_APP}` };

/** The response's Access-Control-* headers, names lower-cased. */
function corsHeaders(
  headers: Record<string, unknown> | Headers | undefined,
): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers] : Object.entries(headers ?? {});
  return Object.fromEntries(
    entries
      .map(([name, value]): [string, string] => [name.toLowerCase(), String(value)])
      .filter(([name]) => name.startsWith('access-control-')),
  );
}

const credentialed = (origin: string) => ({
  'access-control-allow-origin': origin,
  'access-control-allow-credentials': 'true',
});

/** On an error answer, also the error's code and details, which app.js-like pages read. */
const credentialedError = (origin: string) => ({
  ...credentialed(origin),
  'access-control-expose-headers': 'X-Error-Code, X-Error-Field, X-Error-Limit, Retry-After',
});

function preflight(path: string, origin: string, method: string) {
  return httpEvent('OPTIONS', path, {
    headers: { origin, 'access-control-request-method': method },
  });
}

describe('CORS, in process', () => {
  it('is off by default: no route answers any origin with an Access-Control-* header', async () => {
    const routes = routesFor();
    const unmatched = handlerFor(unmatchedRoute);
    const answers: HttpResponse[] = [
      await routes['GET /'](httpEvent('GET', '/', { headers: { origin: APP } })),
      await routes['GET /profile'](httpEvent('GET', '/profile', { headers: { origin: APP } })),
      await unmatched(preflight('/profile', APP, 'GET')),
    ];
    for (const answer of answers) expect(corsHeaders(answer.headers)).toEqual({});
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 403, 405]);
  });

  it('answers a listed origin with credentialed CORS on every answer, errors included', async () => {
    const routes = routesFor(ALLOWED);
    const form = { email: freshEmail(), password: 'a wrong password' };
    for (const origin of [APP, OTHER_APP]) {
      const answers = [
        await routes['GET /'](httpEvent('GET', '/', { headers: { origin } })),
        await routes['GET /profile'](httpEvent('GET', '/profile', { headers: { origin } })),
        await routes['POST /sessions'](
          httpEvent('POST', '/sessions', { form, headers: { origin } }),
        ),
      ];
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 403, 401]);
      expect(answers.map((answer) => corsHeaders(answer.headers))).toEqual([
        credentialed(origin),
        credentialedError(origin),
        credentialedError(origin),
      ]);
    }
  });

  it("lets a listed origin's pages post with the cookie, where the cross-site check refuses others", async () => {
    const routes = routesFor(ALLOWED);
    const form = { email: freshEmail(), password: 'a wrong password' };
    const post = (origin: string) =>
      routes['POST /sessions'](
        httpEvent('POST', '/sessions', {
          form,
          headers: { origin, 'sec-fetch-site': 'cross-site' },
        }),
      );
    const [listed, foreign] = [await post(APP), await post(FOREIGN)];
    expect([listed.statusCode, corsHeaders(listed.headers)]).toEqual([401, credentialedError(APP)]);
    expect([foreign.statusCode, corsHeaders(foreign.headers)]).toEqual([403, {}]);
  });

  it('gives a foreign origin, or a near miss of a listed one, nothing', async () => {
    const routes = routesFor(ALLOWED);
    for (const origin of [FOREIGN, `${APP}.attacker.example`, 'https://APP.example.com', 'null']) {
      const answer = await routes['GET /profile'](
        httpEvent('GET', '/profile', { headers: { origin } }),
      );
      expect(corsHeaders(answer.headers)).toEqual({});
    }
  });

  it("answers a listed origin's preflight for the path's methods, and refuses any other", async () => {
    const unmatched = handlerFor(unmatchedRoute, ALLOWED);
    const allowed = await unmatched(preflight('/sessions', APP, 'DELETE'));
    expect(allowed.statusCode).toBe(204);
    expect(allowed.body).toBeUndefined();
    expect(corsHeaders(allowed.headers)).toEqual({
      ...credentialed(APP),
      'access-control-allow-methods': 'POST, DELETE, GET',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '600',
    });
    // A method the path does not have, or a foreign origin: an ordinary OPTIONS, so a 405.
    const wrongMethod = await unmatched(preflight('/sessions', APP, 'PUT'));
    expect([wrongMethod.statusCode, wrongMethod.headers?.Allow]).toEqual([
      405,
      'POST, DELETE, GET',
    ]);
    const foreign = await unmatched(preflight('/sessions', FOREIGN, 'POST'));
    expect(foreign.statusCode).toBe(405);
    expect(corsHeaders(foreign.headers)).toEqual({});
  });
});

describe('CORS through `npm start` with ALLOWED_ORIGINS', () => {
  let service: LocalService;

  beforeAll(async () => {
    service = await startLocalService(ALLOWED);
  });

  afterAll(async () => {
    await service.stop();
  });

  const url = (path: string) => new URL(path, service.baseUrl);

  it('answers the listed origin with credentialed CORS and its preflight', async () => {
    const profile = await fetch(url('/profile'), { headers: { Origin: APP } });
    expect(profile.status).toBe(403);
    expect(corsHeaders(profile.headers)).toEqual(credentialedError(APP));
    const answer = await fetch(url('/profile'), {
      method: 'OPTIONS',
      headers: { Origin: APP, 'Access-Control-Request-Method': 'GET' },
    });
    expect(answer.status).toBe(204);
    expect(corsHeaders(answer.headers)).toEqual({
      ...credentialed(APP),
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '600',
    });
  });

  it('gives a foreign origin no Access-Control-* header, even though serverless-offline would', async () => {
    const answers = [
      await fetch(url('/profile'), { headers: { Origin: FOREIGN } }),
      await fetch(url('/profile'), {
        method: 'OPTIONS',
        headers: { Origin: FOREIGN, 'Access-Control-Request-Method': 'GET' },
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([403, 405]);
    for (const answer of answers) expect(corsHeaders(answer.headers)).toEqual({});
  });
});
