/**
 * Under serverless-offline only (local/plugins/offline-load-errors.js), every function's entry: it
 * gets the event API Gateway would send (local/api-gateway-event.ts), and when its module fails to
 * load, or its handler throws, it answers what API Gateway's HTTP API answers for a failed Lambda, a
 * 500 {"message": "Internal Server Error"}, instead of serverless-offline's 200 carrying the
 * error and its stack trace. The error itself goes to the terminal.
 */
import type { Context } from 'aws-lambda';
import { toApiGatewayEvent } from './api-gateway-event';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const FAILED = {
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Internal Server Error' }),
};

function report(context: Context, what: string, error: unknown): typeof FAILED {
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  console.error(`${context.functionName} ${what}: ${detail}`);
  return FAILED;
}

/** The handler `name` of the module that `load` returns, loaded at its first invocation. */
export function guarded(load: () => Record<string, unknown>, name: string): Handler {
  let handler: Handler | undefined;
  let loadError: unknown;
  return async (event, context) => {
    if (handler === undefined && loadError === undefined) {
      try {
        const exported = load()[name];
        if (typeof exported !== 'function') throw new Error(`the module exports no ${name}`);
        handler = exported as Handler;
      } catch (error) {
        loadError = error;
      }
    }
    if (handler === undefined) return report(context, 'failed to load', loadError);
    try {
      return await handler(toApiGatewayEvent(event, context), context);
    } catch (error) {
      return report(context, 'failed', error);
    }
  };
}
