/**
 * Memory and cost (issue 17): each function's memory size chosen by a rule applied to what one
 * request measures in process (CPU time at bcrypt cost 12, DynamoDB calls), and what a million
 * requests cost at that size. The model and the rule are pure functions below; costSection runs
 * them on the bench's measurements.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTHORIZER, FUNCTIONS, ROUTES, type ThrottleClass } from '../handlers/table';
import type { CapacityRecorder, DynamoCall } from './capacity';
import type { RouteBench } from './routes';
import { median, ms, table } from './stats';

/**
 * us-east-1 list prices as issue 17 quotes them (read 2026-12-02; not re-read from this machine,
 * which has no internet): aws.amazon.com/lambda/pricing (arm64, first 7.5 billion GB-s a month),
 * aws.amazon.com/dynamodb/pricing/on-demand, aws.amazon.com/api-gateway/pricing (HTTP API, first
 * 300 million requests a month).
 */
export const PRICES = {
  lambdaGbSecond: 0.0000133334,
  lambdaPerMillion: 0.2,
  readUnitPerMillion: 0.125,
  writeUnitPerMillion: 0.625,
  httpApiPerMillion: 1.0,
} as const;

/**
 * What a DynamoDB call is assumed to wait on AWS, from a function in the table's region (DynamoDB
 * Local on loopback says nothing about it): single-item calls and queries a few milliseconds, a
 * transaction about twice that.
 */
export const CALL_LATENCY_MS = { single: 5, transaction: 10 } as const;

/** Lambda gives one full vCPU at 1,769 MB and CPU in proportion to memory below it. */
export const FULL_VCPU_MB = 1769;
export const CANDIDATE_MB = [128, 256, 512, 1024, 1769, 3008] as const;

/**
 * The choosing rule's latency allowance: a size may make a warm request this much slower than at
 * a full vCPU, whichever is larger of the two bounds. 10 ms is below what a person notices on a
 * page or a client on an API call; 10 % keeps a bcrypt route from losing its full vCPU.
 */
export const ALLOWANCE = { ms: 10, ratio: 0.1 } as const;

const MONTH_SECONDS = 30 * 24 * 3600;

/**
 * What a month of one route at its throttle may cost: the ceiling serverless.yml's route
 * throttles are chosen to keep each route under (custom.throttling). An assumption about what a
 * team can afford for a flood it would be alarmed about within minutes, not a measurement:
 * change it and the throttles together.
 */
export const AFFORDABLE_MONTH_DOLLARS = 1000;

/** Read units: 4 KB per unit, rounded up, half a unit when eventually consistent (GSI queries). */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

/** Write units: 1 KB per unit, rounded up, per item; a transaction bills each item twice. */
export function writeUnits(itemBytes: number, transactional: boolean): number {
  const units = Math.max(1, Math.ceil(itemBytes / 1024));
  return transactional ? 2 * units : units;
}

export interface Units {
  read: number;
  write: number;
}

/**
 * A call's units on AWS on-demand. Written items are taken as at most 1 KB each (a user item is a
 * few hundred bytes: the largest read is printed with the table); GSI writes are one unit each,
 * and a transaction bills them twice too (DynamoDB Local reports the same).
 */
export function unitsOf(call: DynamoCall): Units {
  if (call.operation.startsWith('GetItem') || call.operation.startsWith('Query')) {
    return { read: readUnits(call.bytesRead, call.consistent), write: 0 };
  }
  // A batch bills each item it reads on its own; its items' sizes are recorded only as a sum, so
  // each is billed at their mean (session items, all far below 4 KB).
  if (call.operation.startsWith('BatchGetItem')) {
    const items = Math.max(1, call.itemsRead);
    return { read: items * readUnits(call.bytesRead / items, call.consistent), write: 0 };
  }
  const transactional = call.operation.startsWith('Transact');
  return { read: 0, write: (call.itemsWritten + call.indexWrites) * writeUnits(0, transactional) };
}

export function ioMsOf(calls: readonly DynamoCall[]): number {
  return calls.reduce(
    (sum, c) =>
      sum +
      (c.operation.startsWith('Transact') ? CALL_LATENCY_MS.transaction : CALL_LATENCY_MS.single),
    0,
  );
}

/** Billed duration at `memoryMb`: the CPU work stretched below a full vCPU, plus the waits, per 1 ms. */
export function durationMs(cpuMs: number, ioMs: number, memoryMb: number): number {
  return Math.ceil(cpuMs * Math.max(1, FULL_VCPU_MB / memoryMb) + ioMs);
}

export function gbSeconds(memoryMb: number, billedMs: number): number {
  return (memoryMb / 1024) * (billedMs / 1000);
}

export interface RequestCost {
  memoryMb: number;
  billedMs: number;
  units: Units;
  /** Whether the request comes through the HTTP API (not so for the authorizer's invocation). */
  httpApi: boolean;
}

/** Dollars per million requests: the Lambda invocation and its GB-s, DynamoDB, the HTTP API. */
export function pricePerMillion(cost: RequestCost): number {
  return (
    gbSeconds(cost.memoryMb, cost.billedMs) * 1e6 * PRICES.lambdaGbSecond +
    PRICES.lambdaPerMillion +
    cost.units.read * PRICES.readUnitPerMillion +
    cost.units.write * PRICES.writeUnitPerMillion +
    (cost.httpApi ? PRICES.httpApiPerMillion : 0)
  );
}

export interface Choice {
  memoryMb: number;
  reason: string;
}

/**
 * The rule: the cheapest candidate whose warm duration stays within the allowance of the duration
 * at a full vCPU. Below a full vCPU the CPU part's GB-s stay the same while the waits get
 * cheaper, so small sizes are cheaper until the stretched CPU time breaks the allowance.
 */
export function chooseMemory(cpuMs: number, ioMs: number): Choice {
  const fastest = durationMs(cpuMs, ioMs, FULL_VCPU_MB);
  const bound = fastest + Math.max(ALLOWANCE.ms, ALLOWANCE.ratio * fastest);
  const price = (memoryMb: number) =>
    gbSeconds(memoryMb, durationMs(cpuMs, ioMs, memoryMb)) * PRICES.lambdaGbSecond;
  const fits = CANDIDATE_MB.filter((m) => durationMs(cpuMs, ioMs, m) <= bound);
  const memoryMb = fits.reduce((best, m) => (price(m) < price(best) ? m : best));
  const slower = durationMs(cpuMs, ioMs, memoryMb) - fastest;
  const smaller = CANDIDATE_MB.filter((m) => m < memoryMb);
  const below = smaller.at(-1);
  const why =
    below === undefined
      ? 'the smallest size'
      : `${below} MB would take ${durationMs(cpuMs, ioMs, below)} ms`;
  return {
    memoryMb,
    reason: `${slower === 0 ? 'as fast as a full vCPU' : `+${slower} ms over a full vCPU`} (≤ +${Math.round(bound - fastest)} ms); ${why}`,
  };
}

/** The route throttles of serverless.yml's custom.throttling (requests per second). */
export function throttleRates(serverlessYml: string): Record<ThrottleClass, number> {
  const block = /^ {2}throttling:\n((?: {4}\w+: \d+\n)+)/mu.exec(serverlessYml)?.[1] ?? '';
  const value = (name: string) => {
    const found = new RegExp(`^ {4}${name}: (\\d+)$`, 'mu').exec(block)?.[1];
    if (found === undefined) throw new Error(`serverless.yml: no custom.throttling.${name}`);
    return Number(found);
  };
  return { default: value('rate'), credential: value('credentialRate') };
}

/** Dollars for a 30-day month of requests at `rps`, each at `perMillion`. */
export function monthAt(rps: number, perMillion: number): number {
  return ((rps * MONTH_SECONDS) / 1e6) * perMillion;
}

/** The whole requests a second that AFFORDABLE_MONTH_DOLLARS pays for at `perMillion`. */
export function affordableRps(perMillion: number): number {
  return Math.floor((AFFORDABLE_MONTH_DOLLARS * 1e6) / (MONTH_SECONDS * perMillion));
}

interface Measured {
  route: string;
  fn: string;
  cpuMs: number;
  calls: DynamoCall[];
}

/** CPU milliseconds of this process for `work` (not wall time: the waits on DynamoDB are modeled). */
async function cpuMsOf(work: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function measure(
  bench: RouteBench,
  recorder: CapacityRecorder,
  iterations: { password: number; storage: number },
): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (const c of await bench.cases()) {
    const n = c.password ? iterations.password : iterations.storage;
    const warmup = Math.max(2, Math.ceil(n / 10));
    const samples: number[] = [];
    for (let i = 0; i < warmup + n; i++) {
      const cpu = await cpuMsOf(await c.prepare());
      if (i >= warmup) samples.push(cpu);
    }
    const calls = await recorder.record(await c.prepare());
    measured.push({ route: c.route, fn: c.fn, cpuMs: median(samples), calls });
  }
  return measured;
}

function sumUnits(calls: readonly DynamoCall[]): Units {
  return calls
    .map(unitsOf)
    .reduce((a, b) => ({ read: a.read + b.read, write: a.write + b.write }), {
      read: 0,
      write: 0,
    });
}

function reported(calls: readonly DynamoCall[]): number | null {
  if (calls.some((c) => c.capacityUnits === null)) return null;
  return calls.reduce((sum, c) => sum + (c.capacityUnits ?? 0), 0);
}

const dollars = (value: number) => `$${value.toFixed(2)}`;

/** The section's markdown: the cost table, the candidates behind each choice, the ceilings. */
export async function costSection(
  bench: RouteBench,
  recorder: CapacityRecorder,
  iterations: { password: number; storage: number },
): Promise<string[]> {
  const measured = await measure(bench, recorder, iterations);
  const rows = measured.map((m) => {
    const fn = FUNCTIONS.find((f) => f.fn === m.fn);
    if (fn === undefined) throw new Error(`the route table has no function ${m.fn}`);
    const ioMs = ioMsOf(m.calls);
    const choice = chooseMemory(m.cpuMs, ioMs);
    const units = sumUnits(m.calls);
    const billedMs = durationMs(m.cpuMs, ioMs, choice.memoryMb);
    const httpApi = fn !== AUTHORIZER;
    return { ...m, table: fn.memoryMb, ioMs, choice, units, billedMs, httpApi };
  });
  const authorizer = rows.find((r) => r.fn === AUTHORIZER.fn);
  if (authorizer === undefined) throw new Error('the bench measured no session authorizer');
  const authorizerPrice = pricePerMillion({
    memoryMb: authorizer.choice.memoryMb,
    billedMs: authorizer.billedMs,
    units: authorizer.units,
    httpApi: false,
  });
  const priceOf = (row: (typeof rows)[number]) => {
    const guarded = ROUTES.find((r) => r.fn === row.fn)?.guarded === true;
    const own = pricePerMillion({
      memoryMb: row.choice.memoryMb,
      billedMs: row.billedMs,
      units: row.units,
      httpApi: row.httpApi,
    });
    return own + (guarded ? authorizerPrice : 0);
  };

  const costTable = table(
    [
      'route',
      'function',
      'memory MB',
      'why',
      'RRU',
      'WRU',
      'DynamoDB Local units',
      'CPU ms',
      'wait ms',
      'billed ms',
      'GB-s',
      '$ per million',
    ],
    rows.map((r) => {
      const local = reported(r.calls);
      const modeled = r.units.read + r.units.write;
      return [
        `\`${r.route}\``,
        r.fn,
        String(r.choice.memoryMb),
        r.choice.reason,
        String(r.units.read),
        String(r.units.write),
        local === null ? 'not reported' : local === modeled ? String(local) : `${local} (differs)`,
        ms(r.cpuMs),
        String(r.ioMs),
        String(r.billedMs),
        gbSeconds(r.choice.memoryMb, r.billedMs).toPrecision(3),
        priceOf(r).toFixed(3),
      ];
    }),
  );
  const candidates = table(
    ['function', ...CANDIDATE_MB.map((m) => `${m} MB: ms, $/M`)],
    rows.map((r) => [
      r.fn,
      ...CANDIDATE_MB.map((m) => {
        const billedMs = durationMs(r.cpuMs, r.ioMs, m);
        const price = pricePerMillion({
          memoryMb: m,
          billedMs,
          units: r.units,
          httpApi: r.httpApi,
        });
        return `${billedMs}, ${price.toFixed(3)}`;
      }),
    ]),
  );
  const changes = rows
    .filter((r) => r.table !== r.choice.memoryMb)
    .map(
      (r) =>
        `- **${r.fn}: handlers/table.ts says ${r.table} MB, the rule chooses ${r.choice.memoryMb} MB.**`,
    );
  const rates = throttleRates(readFileSync(join(__dirname, '..', 'serverless.yml'), 'utf8'));
  const routeRows = rows.filter((r) => r.httpApi);
  const ceilings = table(
    [
      'route',
      'throttle',
      'rps',
      'requests a month',
      '$ a month at the limit',
      `rps $${AFFORDABLE_MONTH_DOLLARS} a month pays for`,
    ],
    routeRows.map((r) => {
      const throttle = ROUTES.find((route) => route.fn === r.fn)?.throttle ?? 'default';
      const rps = rates[throttle];
      const affordable = affordableRps(priceOf(r));
      return [
        `\`${r.route}\``,
        throttle,
        String(rps),
        `${((rps * MONTH_SECONDS) / 1e6).toFixed(1)} M`,
        dollars(monthAt(rps, priceOf(r))),
        `${affordable}${rps > affordable ? ' (the throttle is above it)' : ''}`,
      ];
    }),
  );
  const allRoutes = routeRows.reduce((sum, r) => {
    const throttle = ROUTES.find((route) => route.fn === r.fn)?.throttle ?? 'default';
    return sum + monthAt(rates[throttle], priceOf(r));
  }, 0);
  const largestRead = Math.max(...rows.flatMap((r) => r.calls.map((c) => c.bytesRead)));
  return [
    '### Memory and cost (one warm request; bcrypt cost 12)',
    [
      `- CPU ms: the median CPU time of this process per request (process.cpuUsage), bcrypt at the`,
      `  deployed cost; one core here is taken as one Lambda vCPU.`,
      `- Wait: ${CALL_LATENCY_MS.single} ms per DynamoDB call on AWS, ${CALL_LATENCY_MS.transaction} ms per transaction (assumed, not measured).`,
      `- Billed ms at size M: ceil(CPU ms × max(1, ${FULL_VCPU_MB} / M) + wait); GB-s = M / 1024 × billed s.`,
      `- RRU: 1 per 4 KB read, rounded up, half for a GSI query (eventually consistent). WRU: 1 per`,
      `  item written (each ≤ 1 KB; the largest item read was ${largestRead} bytes) and per GSI write,`,
      `  twice in a transaction. "DynamoDB Local units": what Local reports for the same calls.`,
      `- Rule: the cheapest size whose billed ms stays within max(${ALLOWANCE.ms} ms, ${ALLOWANCE.ratio * 100} %) of a full vCPU's.`,
      `- Prices (us-east-1): Lambda arm64 $${PRICES.lambdaGbSecond} per GB-s and $${PRICES.lambdaPerMillion} per million`,
      `  requests, DynamoDB on-demand $${PRICES.readUnitPerMillion} per million RRU and $${PRICES.writeUnitPerMillion} per million WRU, HTTP API`,
      `  $${PRICES.httpApiPerMillion.toFixed(2)} per million. A guarded route's price includes the session authorizer's`,
      `  invocation; the authorizer's own row has no HTTP API request of its own.`,
    ].join('\n'),
    costTable,
    '#### Each candidate size: billed ms and $ per million requests',
    candidates,
    changes.length === 0
      ? 'Every function in handlers/table.ts has the size the rule chooses.'
      : changes.join('\n'),
    `#### The route throttles as a cost ceiling (30-day month at serverless.yml's limits)`,
    ceilings,
    `Every route at its limit at once: ${dollars(allRoutes)} a month.`,
  ];
}
