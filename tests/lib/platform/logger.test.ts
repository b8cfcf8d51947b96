import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/platform/logger';
import { createMetrics, METRICS_NAMESPACE } from '../../../lib/platform/metrics';

const SETTINGS = { serviceName: 'user-auth', stage: 'test' };

function captured() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, service, stage and attributes', () => {
    const { lines, write } = captured();
    createLogger({ ...SETTINGS, logLevel: 'INFO' }, write).info('request', { status: 200 });
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'request',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/u),
        service: 'user-auth',
        stage: 'test',
        status: 200,
      },
    ]);
  });

  it('writes only at or above its level, and nothing when SILENT', () => {
    const { lines, write } = captured();
    const warn = createLogger({ ...SETTINGS, logLevel: 'WARN' }, write);
    const silent = createLogger({ ...SETTINGS, logLevel: 'SILENT' }, write);
    for (const logger of [warn, silent]) {
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
    }
    expect(lines.map((line) => line.message)).toEqual(['w', 'e']);
  });
});

describe('createMetrics', () => {
  it('writes one EMF line counting each event and the error kind, with service and stage', () => {
    const { lines, write } = captured();
    const metrics = createMetrics({ ...SETTINGS, metricsEnabled: true }, write);
    metrics.publish(['login_failed', 'login_failed', 'account_locked'], 'client_error');
    metrics.publish([], null);
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: METRICS_NAMESPACE,
              Dimensions: [['service', 'stage']],
              Metrics: ['login_failed', 'account_locked', 'client_error'].map((Name) => ({
                Name,
                Unit: 'Count',
              })),
            },
          ],
        },
        service: 'user-auth',
        stage: 'test',
        login_failed: 2,
        account_locked: 1,
        client_error: 1,
      },
    ]);
  });

  it('writes nothing when disabled', () => {
    const { lines, write } = captured();
    createMetrics({ ...SETTINGS, metricsEnabled: false }, write).publish(['login_failed'], null);
    expect(lines).toEqual([]);
  });
});
