import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuthEvent } from './auth-events';
import { config } from './config';

/** The CloudWatch namespace of the service's metrics; serverless.yml's alarms read it too. */
export const METRICS_NAMESPACE = 'UserAuth';

/** CloudWatch metrics in embedded metric format: written to the log, no API call at run time. */
const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: config.serviceName,
  defaultDimensions: { stage: config.stage },
});

export type ErrorKind = 'client_error' | 'storage_unavailable' | 'internal_error';

export function errorKind(status: number): ErrorKind | null {
  if (status === 503) return 'storage_unavailable';
  if (status >= 500) return 'internal_error';
  if (status >= 400) return 'client_error';
  return null;
}

/** Counts the request's auth events and its error kind, if any, and writes them out. */
export function publishRequestMetrics(events: readonly AuthEvent[], status: number): void {
  const kind = errorKind(status);
  if (events.length === 0 && kind === null) return;
  for (const event of events) metrics.addMetric(event, MetricUnit.Count, 1);
  if (kind !== null) metrics.addMetric(kind, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
