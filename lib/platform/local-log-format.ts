/**
 * The log of `npm start` (LOG_FORMAT=text): one line per request that a person reads at a glance,
 * where deployed stages write JSON for CloudWatch (LOG_FORMAT=json). Both come from the same
 * calls, so what never goes into the logs (secrets, bodies) stays out of these lines too.
 *
 *   POST   /sessions          401   250 ms InvalidCredentials login_failed
 */
import type { LogAttributes } from './logger';

export const REQUEST_MESSAGE = 'request';

/** The attributes of the line logged for each request (lib/http/lambda.ts). */
// A type, not an interface: it is passed where any attributes are (an index signature).
export type RequestLog = {
  request_id: string;
  lambda_request_id?: string;
  route: string;
  status: number;
  latency_ms: number;
  auth_events?: readonly string[];
  /** The name of the error that made the answer, if one did. */
  error_name?: string;
};

interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
}

function isSerialisedError(value: unknown): value is SerialisedError {
  return typeof value === 'object' && value !== null && 'name' in value && 'message' in value;
}

/** `GET    /profile           403    12 ms SessionNotFound` */
export function requestLine(log: RequestLog): string {
  const [method = '', path = ''] = log.route.split(' ');
  return [
    method.padEnd(6),
    path.padEnd(18),
    String(log.status),
    `${String(Math.round(log.latency_ms)).padStart(5)} ms`,
    ...(log.error_name === undefined ? [] : [log.error_name]),
    ...(log.auth_events ?? []),
  ].join(' ');
}

/** Any other message: level, message and its plain attributes on one line, then error stacks. */
export function messageLines(level: string, message: string, attributes: LogAttributes): string {
  const plain = Object.entries(attributes)
    .filter(([, value]) => typeof value !== 'object' || value === null)
    .map(([key, value]) => `${key}=${String(value)}`);
  const stacks = Object.values(attributes)
    .filter(isSerialisedError)
    .map((error) => (error.stack ?? `${error.name}: ${error.message}`).replace(/^/gmu, '    '));
  return [[level, message, ...plain].join(' '), ...stacks].join('\n');
}

/** What the text log writes for one call of the logger. */
export function textLine(level: string, message: string, attributes: LogAttributes): string {
  return message === REQUEST_MESSAGE && level === 'INFO'
    ? requestLine(attributes as RequestLog)
    : messageLines(level, message, attributes);
}
