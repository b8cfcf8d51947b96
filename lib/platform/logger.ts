import type { Config, LogLevel } from './config';
import { textLine } from './local-log-format';

export type LogAttributes = Record<string, unknown>;

/** What the service's code logs through. */
export interface Logger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}

export type LoggerSettings = Pick<Config, 'serviceName' | 'logLevel' | 'stage'> &
  Partial<Pick<Config, 'logFormat'>>;

/** Writes one line; stdout by default, where Lambda sends each line to CloudWatch Logs. */
export type LineWriter = (line: string) => void;

const writeToStdout: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

const SEVERITY: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, SILENT: 4 };

/**
 * The service's structured JSON logger: one JSON object per line, with level, message, timestamp,
 * service and stage, then the attributes; with LOG_FORMAT=text, the readable lines of
 * local-log-format.ts instead. What goes in: request ids, routes, statuses, latencies,
 * auth event names and error kinds. What never goes in: passwords, hashes, session ids, reset
 * tokens or request bodies, not even at DEBUG. Written by hand rather than with Powertools, whose
 * import cost about a fifth of a function's cold-start init (docs/BENCHMARKS.md) for these few
 * lines.
 */
export function createLogger(settings: LoggerSettings, write = writeToStdout): Logger {
  const threshold = SEVERITY[settings.logLevel];
  const log =
    (level: Exclude<LogLevel, 'SILENT'>) =>
    (message: string, attributes: LogAttributes = {}) => {
      if (SEVERITY[level] < threshold) return;
      if (settings.logFormat === 'text') {
        write(textLine(level, message, attributes));
        return;
      }
      const line = {
        level,
        message,
        timestamp: new Date().toISOString(),
        service: settings.serviceName,
        stage: settings.stage,
        ...attributes,
      };
      write(JSON.stringify(line));
    };
  return { debug: log('DEBUG'), info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
}
