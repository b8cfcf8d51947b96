import { ConfigError, loadConfig, type Env } from '../lib/platform/config';

/**
 * What is wrong with `env` as a function's configuration, in one line: the message of the
 * service's own `loadConfig`, which a function's cold start runs; undefined when it loads.
 */
export function configProblem(env: Env): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}
