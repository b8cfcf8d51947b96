/**
 * Under serverless-offline only (local/plugins/offline-load-errors.js), every function's entry: it
 * gets the event API Gateway would send (local/api-gateway-event.ts), and when its module fails to
 * load, or its handler throws, it answers what API Gateway's HTTP API answers for a failed Lambda, a
 * 500 {"message": "Internal Server Error"}, instead of serverless-offline's 200 carrying the
 * error and its stack trace. The error itself goes to the terminal. Its answer's cookies reach the
 * edge in a header of their own (`SET_COOKIES_HEADER`).
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

/**
 * API Gateway sends each entry of a payload 2.0 answer's `cookies` as a Set-Cookie of its own;
 * serverless-offline keeps one cookie per name (hapi's response state), so a login that sets the
 * session cookie on its domain and removes the host-only one of the same name would lose the
 * first. The entries travel in this header instead, which the edge turns back into one Set-Cookie
 * each (local/hapi-edge.ts).
 */
export const SET_COOKIES_HEADER = 'x-offline-set-cookies';

function cookiesToEdge(result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const { cookies, ...answer } = result as { cookies?: unknown; headers?: object };
  if (!Array.isArray(cookies) || cookies.length === 0) return result;
  return {
    ...answer,
    headers: { ...answer.headers, [SET_COOKIES_HEADER]: JSON.stringify(cookies) },
  };
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
      return cookiesToEdge(await handler(toApiGatewayEvent(event, context), context));
    } catch (error) {
      return report(context, 'failed', error);
    }
  };
}
