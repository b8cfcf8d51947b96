import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/platform/logger';

/** A text logger at `level` and the lines it wrote. */
function textLogger(logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'SILENT') {
  const lines: string[] = [];
  const logger = createLogger(
    { serviceName: 'user-auth', stage: 'local', logLevel, logFormat: 'text' },
    (line) => lines.push(line),
  );
  return { logger, lines };
}

describe('the local log (LOG_FORMAT=text)', () => {
  it('writes one readable line per request: method, path, status, latency, error, events', () => {
    const { logger, lines } = textLogger('INFO');
    logger.info('request', { request_id: 'a', route: 'GET /', status: 200, latency_ms: 3.4 });
    logger.info('request', {
      request_id: 'b',
      lambda_request_id: 'b',
      route: 'POST /sessions',
      status: 401,
      latency_ms: 250.6,
      auth_events: ['login_failed', 'account_locked'],
      error_name: 'InvalidCredentials',
    });
    expect(lines).toEqual([
      'GET    /                  200     3 ms',
      'POST   /sessions          401   251 ms InvalidCredentials login_failed account_locked',
    ]);
  });

  it('writes other messages with their level and plain attributes, then any stack', () => {
    const { logger, lines } = textLogger('INFO');
    const error = new TypeError('x is undefined');
    logger.error('unhandled error', {
      request_id: 'r1',
      error: { name: error.name, message: error.message, stack: error.stack },
    });
    const [first = '', ...stack] = (lines[0] ?? '').split('\n');
    expect(first).toBe('ERROR unhandled error request_id=r1');
    expect(stack[0]).toBe('    TypeError: x is undefined');
    expect(stack.length).toBeGreaterThan(1);
  });

  it('keeps to its level', () => {
    const warn = textLogger('WARN');
    warn.logger.debug('d');
    warn.logger.info('request', { request_id: 'a', route: 'GET /', status: 200, latency_ms: 1 });
    warn.logger.warn('dependency unavailable', { request_id: 'r2' });
    expect(warn.lines).toEqual(['WARN dependency unavailable request_id=r2']);
    const silent = textLogger('SILENT');
    silent.logger.error('unhandled error');
    expect(silent.lines).toEqual([]);
  });
});
