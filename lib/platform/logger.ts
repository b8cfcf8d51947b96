import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { Config } from './config';

export type LoggerSettings = Pick<Config, 'serviceName' | 'logLevel' | 'stage'>;

/**
 * The service's structured JSON logger. What goes in: request ids, routes, statuses, latencies,
 * auth event names and error kinds. What never goes in: passwords, hashes, session ids, reset
 * tokens or request bodies, not even at DEBUG.
 */
export function createLogger(settings: LoggerSettings): Logger {
  return new Logger({
    serviceName: settings.serviceName,
    logLevel: settings.logLevel as LogLevel,
    persistentKeys: { stage: settings.stage },
  });
}

export type { Logger };
