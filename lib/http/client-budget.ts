/**
 * Budgets per client (issue 21): on the routes that check or set a password or send a mail, each client
 * address may make `clientAttemptsPerMinute` requests a minute, all those routes together, counted
 * in DynamoDB so that every Lambda instance shares the count. `withLimits` spends one before the
 * route runs (after the cross-site check), so a client over its budget costs one conditional
 * write and no bcrypt work. The address is API Gateway's `requestContext.http.sourceIp`, the peer of the TCP
 * connection: never a header the client writes (`X-Forwarded-For`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isIPv4, isIPv6 } from 'node:net';
import { recordAuthEvent } from '../auth/events';
import type { Platform } from '../app';
import type { Config } from '../platform/config';
import { ClientBudgetStore } from '../store/client-budgets';
import { documentClientOf, type StoreSettings } from '../store/open';
import { TooManyRequests } from './errors';
import type { RouteDefinition, RouteLimits } from './lambda';

/** A fixed window: the count starts again at each minute of the clock. */
const WINDOW_SECONDS = 60;

/** An IPv4 address inside IPv6 (`::ffff:192.0.2.1`), as a dual-stack socket reports one. */
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/iu;

/** The eight groups of an IPv6 address, each in lower case without leading zeros. */
function ipv6Groups(address: string): string[] {
  // The URL parser writes the address in its canonical form (dotted tails in hex included).
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  return [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
}

/**
 * Whose budget a request spends: its IPv4 address, or the /64 prefix of its IPv6 address (one
 * subscriber's network, within which any address can be chosen freely). A request without an
 * address, which API Gateway never sends, shares one budget with every other such request.
 */
export function clientOf(sourceIp: string | undefined): string {
  const address = sourceIp?.trim() ?? '';
  const mapped = MAPPED_IPV4.exec(address)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (isIPv4(address)) return address;
  if (isIPv6(address))
    return `${ipv6Groups(address.split('%')[0] ?? '')
      .slice(0, 4)
      .join(':')}::/64`;
  return 'unknown';
}

export type ClientBudgetSettings = Pick<Config, 'clientAttemptsPerMinute'>;

/** Spends one attempt of the request's client, or refuses the request. */
export class ClientBudget {
  constructor(
    private readonly store: ClientBudgetStore,
    private readonly settings: ClientBudgetSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** TooManyRequests, with the seconds until the next window, when the client has none left. */
  async spend(event: APIGatewayProxyEventV2): Promise<void> {
    const client = clientOf(event.requestContext.http.sourceIp);
    const nowSeconds = this.now() / 1000;
    const windowStart = Math.floor(nowSeconds / WINDOW_SECONDS) * WINDOW_SECONDS;
    const windowEnd = windowStart + WINDOW_SECONDS;
    // Kept one window longer than it counts: DynamoDB deletes expired items within days anyway.
    const spent = await this.store.spend(
      client,
      windowStart,
      this.settings.clientAttemptsPerMinute,
      windowEnd + WINDOW_SECONDS,
    );
    if (spent) return;
    recordAuthEvent('client_over_budget');
    throw new TooManyRequests(Math.max(1, Math.ceil(windowEnd - nowSeconds)));
  }
}

/** The budget of one function, over its one DynamoDB client. */
export function clientBudgetOf(platform: {
  config: StoreSettings & ClientBudgetSettings;
  now: () => number;
}): ClientBudget {
  const { config, now } = platform;
  return new ClientBudget(
    new ClientBudgetStore(config.usersTable, documentClientOf(platform)),
    config,
    now,
  );
}

/**
 * The route as its table entry's limits make it run: with a client budget, each request spends
 * one attempt of its address before the route sees it. The generated Lambda entry of a route
 * with limits calls this (deploy/route-resources.ts); the tests and the bench call it for every
 * route, with the limits the table gives it (handlers/table.ts, limitsOf).
 */
export function withLimits<S>(route: RouteDefinition<S>, limits: RouteLimits): RouteDefinition<S> {
  if (!limits.clientBudget) return route;
  return {
    ...route,
    handle: (app: Platform & S) => {
      const budget = clientBudgetOf(app);
      const handle = route.handle(app);
      return async (event) => {
        await budget.spend(event);
        return handle(event);
      };
    },
  };
}
