import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { config } from './config';

/**
 * The service's structured JSON logger. What goes in: request ids, routes, statuses, latencies,
 * auth event names and error kinds. What never goes in: passwords, hashes, session ids, reset
 * tokens or request bodies, not even at DEBUG.
 */
export const logger = new Logger({
  serviceName: config.serviceName,
  logLevel: config.logLevel as LogLevel,
  persistentKeys: { stage: config.stage },
});
