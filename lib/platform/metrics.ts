import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Config } from './config';

/** The CloudWatch namespace of the service's metrics; serverless.yml's alarms read it too. */
export const METRICS_NAMESPACE = 'UserAuth';

/** What went wrong with a request, as the metrics and alarms count it. */
export type ErrorKind = 'client_error' | 'storage_unavailable' | 'internal_error';

export interface RequestMetrics {
  /** Counts the request's events (auth events, say) and its error kind, if any. */
  publish(events: readonly string[], errorKind: ErrorKind | null): void;
}

/** CloudWatch metrics in embedded metric format: written to the log, no API call at run time. */
export function createMetrics(settings: Pick<Config, 'serviceName' | 'stage'>): RequestMetrics {
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: settings.serviceName,
    defaultDimensions: { stage: settings.stage },
  });
  return {
    publish(events, errorKind) {
      if (events.length === 0 && errorKind === null) return;
      for (const event of events) metrics.addMetric(event, MetricUnit.Count, 1);
      if (errorKind !== null) metrics.addMetric(errorKind, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  };
}
