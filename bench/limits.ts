/**
 * Issue 21: what the per-client budget adds to a login, and what a login from a trusted device
 * (one presenting its device cookie) asks of DynamoDB instead of the account's failure count.
 * The budget check alone is timed over many calls, since on a login it is a few milliseconds
 * beside a bcrypt compare's hundreds; logins with and without it are timed alternately too.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clientBudgetOf, withLimits } from '../lib/http/client-budget';
import { lambdaHandler } from '../lib/http/lambda';
import { httpEvent } from '../tests/support/events';
import { callsPerRequest, type CapacityRecorder, type DynamoCall } from './capacity';
import { measurePair, type Iterations } from './routes';
import type { Service } from './service';
import { PRICES } from './cost';
import { median, ms, quantile, table } from './stats';

const WRITE_UNIT_PER_MILLION = PRICES.writeUnitPerMillion;

const PASSWORD = 'Bench-limits-password-1';

function total(calls: DynamoCall[], pick: (c: DynamoCall) => number | null): string {
  if (calls.some((c) => pick(c) === null)) return 'not reported';
  return String(calls.reduce((sum, c) => sum + (pick(c) ?? 0), 0));
}

export async function limitsSection(
  service: Service,
  recorder: CapacityRecorder,
  iterations: Iterations,
): Promise<string[]> {
  const login = service.definitions.get('login');
  if (login === undefined) throw new Error('the route table has no login function');
  const withBudget = lambdaHandler(service.env, withLimits(login, { clientBudget: true }));
  const withoutBudget = lambdaHandler(service.env, login);
  const email = `bench-limits-${Date.now()}@example.com`;
  await service.auth.registerUser(email, PASSWORD);
  const form = { email, password: PASSWORD };
  const loginWith =
    (handler: typeof withBudget, cookies: string[] = []) =>
    async () => {
      const answer = await handler(httpEvent('POST', '/sessions', { form, cookies }));
      if (answer.statusCode !== 200)
        throw new Error(`login: expected 200, got ${answer.statusCode}`);
      return answer;
    };

  // The budget check alone, as the handler spends it: one conditional UpdateItem.
  const budget = clientBudgetOf({ config: service.config, now: Date.now });
  const event = httpEvent('POST', '/sessions', { sourceIp: '198.51.100.200' });
  const spend = () => Promise.resolve(() => budget.spend(event));
  // Its floor: the same conditional UpdateItem sent with the SDK directly, on an item of its own.
  const floor = () =>
    Promise.resolve(async () => {
      await service.documentClient.send(
        new UpdateCommand({
          TableName: service.config.usersTable,
          Key: { id: 'budget#bench-floor' },
          UpdateExpression: 'SET #ttl = :ttl ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':ttl': 0, ':one': 1, ':limit': Number.MAX_SAFE_INTEGER },
        }),
      );
    });
  const check = await measurePair(spend, floor, iterations.storage);
  const checkCalls = await recorder.record(() => budget.spend(event));
  const floorCalls = await recorder.record(await floor());

  const timed = (handler: typeof withBudget) => () =>
    Promise.resolve(async () => {
      await loginWith(handler)();
    });
  const logins = await measurePair(timed(withBudget), timed(withoutBudget), iterations.password);
  const withCalls = await recorder.record(loginWith(withBudget));
  const withoutCalls = await recorder.record(loginWith(withoutBudget));
  // A trusted device: the cookie a login earned, presented with the next.
  const earned = (await loginWith(withBudget)()).cookies?.find((c) => c.startsWith('device='));
  const cookie = (earned ?? '').split(';')[0] ?? '';
  const trustedCalls = await recorder.record(loginWith(withBudget, [cookie]));

  const rows: [string, number[], DynamoCall[]][] = [
    ['budget check alone (ClientBudget.spend)', check.aMs, checkCalls],
    ['its floor: the same UpdateItem sent with the SDK', check.bMs, floorCalls],
    ['POST /sessions with the budget (as deployed)', logins.aMs, withCalls],
    ['POST /sessions without it', logins.bMs, withoutCalls],
    ['POST /sessions from a trusted device (with the budget)', [], trustedCalls],
  ];
  const difference = median(logins.aMs) - median(logins.bMs);
  const spread = quantile(logins.bMs, 0.9) - quantile(logins.bMs, 0.1);
  return [
    '### Issue 21: what the per-client budget adds to a login',
    table(
      ['request', 'n', 'p50 ms', 'DynamoDB calls', 'items written', 'capacity units'],
      rows.map(([what, samples, calls]) => [
        what,
        samples.length === 0 ? '1' : String(samples.length),
        samples.length === 0 ? '' : ms(median(samples)),
        callsPerRequest(calls),
        total(calls, (c) => c.itemsWritten),
        total(calls, (c) => c.capacityUnits),
      ]),
    ),
    `The check is one conditional UpdateItem (1 write unit, $${WRITE_UNIT_PER_MILLION} per million ` +
      `requests on demand), ${ms(median(check.aMs))} ms at p50 here against ` +
      `${ms(median(check.bMs))} ms for the UpdateItem alone. The logins' medians differ by ` +
      `${ms(difference)} ms; the logins without it spread over ${ms(spread)} ms (p10 to p90). ` +
      `A login from a trusted device reads its device's item instead of counting on the user's.`,
  ];
}
