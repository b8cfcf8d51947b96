/**
 * The composition root: the one place that turns an environment into working objects. Each Lambda
 * module calls `compose` once, at cold start, with the builder of the services its route runs, so
 * a function bundles only what it uses. Tests and the bench call it with plain objects instead of
 * process.env.
 */
import { loadConfig, type Config, type Env } from './platform/config';
import { createLogger, type Logger } from './platform/logger';
import { createMetrics, type RequestMetrics } from './platform/metrics';

/** What every function has, whatever its route: settings, logs, metrics and the clock. */
export interface Platform {
  config: Config;
  logger: Logger;
  metrics: RequestMetrics;
  now: () => number;
}

/** Builds a route's services (clients, store, rules) from the platform. */
export type ServiceBuilder<S> = (platform: Platform) => S;

/**
 * config → logs and metrics → the services `build` makes (clients, store, rules). `now` is the
 * clock every rule reads: the system's, or a test's.
 */
export function compose<S>(
  env: Env,
  build: ServiceBuilder<S>,
  now: () => number = Date.now,
): Platform & S {
  const config = loadConfig(env);
  const platform: Platform = {
    config,
    logger: createLogger(config),
    metrics: createMetrics(config),
    now,
  };
  return { ...platform, ...build(platform) };
}
