import type { Config } from './config';
import type { LineWriter } from './logger';

/** The CloudWatch namespace of the service's metrics; serverless.yml's alarms read it too. */
export const METRICS_NAMESPACE = 'UserAuth';

/** What went wrong with a request, as the metrics and alarms count it. */
export type ErrorKind = 'client_error' | 'storage_unavailable' | 'internal_error';

export interface RequestMetrics {
  /** Counts the request's events (auth events, say) and its error kind, if any. */
  publish(events: readonly string[], errorKind: ErrorKind | null): void;
}

export type MetricsSettings = Pick<Config, 'serviceName' | 'stage' | 'metricsEnabled'>;

/**
 * CloudWatch metrics in embedded metric format (EMF): one JSON line in the log per request that
 * has something to count, which CloudWatch turns into metrics with no API call at run time. The
 * dimensions are the service and the stage.
 */
export function createMetrics(
  settings: MetricsSettings,
  write: LineWriter = (line) => process.stdout.write(`${line}\n`),
): RequestMetrics {
  return {
    publish(events, errorKind) {
      const names = errorKind === null ? events : [...events, errorKind];
      if (!settings.metricsEnabled || names.length === 0) return;
      const counts = new Map<string, number>();
      for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
      const line = {
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            {
              Namespace: METRICS_NAMESPACE,
              Dimensions: [['service', 'stage']],
              Metrics: [...counts.keys()].map((Name) => ({ Name, Unit: 'Count' })),
            },
          ],
        },
        service: settings.serviceName,
        stage: settings.stage,
        ...Object.fromEntries(counts),
      };
      write(JSON.stringify(line));
    },
  };
}
