import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eClient, runE2e } from '../e2e/client';
import { startLocalService, type LocalService } from '../support/local-service';

/*
 * Reads back what an on-call engineer would see: the log lines and the embedded-metric-format
 * (EMF) metrics the local service prints during a whole end-to-end run, plus an account locked
 * by failed logins. (That no secret appears in the logs is tested elsewhere.)
 */

interface RequestLine {
  level: string;
  message: 'request';
  service: string;
  stage: string;
  request_id: string;
  lambda_request_id: string;
  route: string;
  status: number;
  latency_ms: number;
  auth_events?: string[];
}

interface MetricLine {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}

/** The JSON objects among the printed lines (serverless-offline prints plain text too). */
function jsonLines(text: string): Record<string, unknown>[] {
  return text.split('\n').flatMap((line) => {
    const start = line.indexOf('{');
    if (start === -1) return [];
    try {
      const parsed = JSON.parse(line.slice(start)) as Record<string, unknown> | null;
      return typeof parsed === 'object' && parsed !== null ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

/** The sum of each metric over the EMF lines, checking each line's namespace and dimensions. */
function metricTotals(lines: MetricLine[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of lines) {
    for (const directive of line._aws.CloudWatchMetrics) {
      expect(directive.Namespace).toBe('UserAuth');
      expect(directive.Dimensions).toEqual([['service', 'stage']]);
      for (const { Name } of directive.Metrics) {
        totals[Name] = (totals[Name] ?? 0) + Number(line[Name]);
      }
    }
  }
  return totals;
}

/**
 * The answers of tests/e2e/client.ts's flow, in order, with the auth events each should log. The
 * local stage verifies emails (optionally), so each registration mails a verification.
 */
const E2E_FLOW: [string, number, string[]?][] = [
  ['GET /', 200],
  ['POST /users', 200, ['user_registered', 'verification_sent']],
  ['POST /users', 400],
  ['POST /sessions', 401, ['login_failed']],
  ['GET /profile', 403],
  ['POST /sessions', 200, ['login_succeeded']],
  ['GET /profile', 200],
  ['DELETE /sessions', 302, ['logged_out']],
  ['GET /', 200],
  ['GET /profile', 403],
  ['POST /reset_password', 200, ['reset_requested']],
  ['PUT /reset_password', 200, ['password_updated']],
  ['POST /sessions', 200, ['login_succeeded']],
];

// The default LOGIN_MAX_FAILURES (5), kept even if the shell running the tests sets another:
// four failures, the fifth locks, then a refusal.
const MAX_FAILURES = 5;
const LOCKOUT_FLOW: [string, number, string[]?][] = [
  ['POST /users', 200, ['user_registered', 'verification_sent']],
  ...Array.from({ length: MAX_FAILURES - 1 }, (): [string, number, string[]] => [
    'POST /sessions',
    401,
    ['login_failed'],
  ]),
  ['POST /sessions', 401, ['login_failed', 'account_locked']],
  ['POST /sessions', 429, ['login_refused_locked']],
];

describe('logs and metrics of the local service during an end-to-end run', () => {
  let service: LocalService;
  let requests: RequestLine[];
  let metrics: MetricLine[];

  beforeAll(async () => {
    // prepare: the test run silences logs and metrics; this service shows both, in the JSON
    // that deployed stages write (npm start's own default is one readable line per request).
    service = await startLocalService({
      LOG_LEVEL: 'INFO',
      LOG_FORMAT: 'json',
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    });
    // The readiness check's GET / is logged a moment after its answer (npm start forwards the
    // functions' output line by line): count from after its line.
    while (!service.output().includes('"route":"GET /"')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = service.output().length;

    // act: the seed's whole flow, then an account locked by failed logins.
    await runE2e(service.baseUrl);
    const client = new E2eClient(service.baseUrl);
    const user = { email: `locked-${randomUUID()}@example.com`, password: `Pw-${randomUUID()}` };
    for (const [route, status] of LOCKOUT_FLOW) {
      const [method = '', path = ''] = route.split(' ');
      const form =
        route === 'POST /users' || status === 429 ? user : { ...user, password: 'wrong' };
      await client.expect(route, client.call(method, path, { form }), status);
    }

    // The service's output is piped: its last lines may arrive a moment after the last answer.
    const expectedRequests = E2E_FLOW.length + LOCKOUT_FLOW.length;
    let lines = jsonLines(service.output().slice(before));
    for (let waited = 0; waited < 10_000; waited += 100) {
      const metricLines = lines.filter((line) => '_aws' in line);
      const requestLines = lines.filter((line) => line.message === 'request');
      if (
        requestLines.length >= expectedRequests &&
        metricLines.at(-1)?.login_refused_locked === 1
      ) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      lines = jsonLines(service.output().slice(before));
    }
    requests = lines.filter((line) => line.message === 'request') as unknown as RequestLine[];
    metrics = lines.filter((line) => '_aws' in line) as unknown as MetricLine[];
    console.log(`a request line: ${JSON.stringify(requests.at(-1))}`);
    console.log(`a metric line: ${JSON.stringify(metrics.at(-1))}`);
  });

  afterAll(async () => {
    await service.stop();
  });

  it('writes one JSON line per request with its id, route, status, latency and auth events', () => {
    // assess
    const expected = [...E2E_FLOW, ...LOCKOUT_FLOW];
    expect(requests.map((r) => [r.route, r.status, r.auth_events])).toEqual(
      expected.map(([route, status, events]) => [route, status, events]),
    );
    for (const line of requests) {
      expect(line).toMatchObject({ level: 'INFO', service: 'user-auth', stage: 'local' });
      expect(line.request_id).toMatch(/\S/u);
      expect(line.latency_ms).toBeGreaterThanOrEqual(0);
    }
    // serverless-offline gives every HTTP API event the same requestContext.requestId; npm start
    // hands the functions the Lambda request id there instead (local/api-gateway-event.ts), so
    // request ids tell requests apart, as API Gateway's do.
    expect(new Set(requests.map((r) => r.lambda_request_id)).size).toBe(requests.length);
    expect(new Set(requests.map((r) => r.request_id)).size).toBe(requests.length);
  });

  it('publishes the auth events and errors by kind as EMF metrics with service and stage', () => {
    // assess
    for (const line of metrics)
      expect(line).toMatchObject({ service: 'user-auth', stage: 'local' });
    const answers = [...E2E_FLOW, ...LOCKOUT_FLOW];
    const clientErrors = answers.filter(([, status]) => status >= 400 && status < 500).length;
    expect(metricTotals(metrics)).toEqual({
      user_registered: 2,
      verification_sent: 2,
      login_succeeded: 2,
      login_failed: 1 + MAX_FAILURES,
      account_locked: 1,
      login_refused_locked: 1,
      logged_out: 1,
      reset_requested: 1,
      password_updated: 1,
      client_error: clientErrors,
    });
  });
});
