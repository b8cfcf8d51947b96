/**
 * `npm run bench`: the performance figures of issue 4 (and issue 3's login timing), printed as
 * markdown tables ready for docs/BENCHMARKS.md.
 *
 *   npm run bench                     in-process routes vs floors, DynamoDB use, memory and
 *                                     cost, bundles, init
 *   BENCH_ONLY=cost npm run bench     memory and cost alone (a few minutes)
 *   BENCH_ONLY=routes npm run bench   the routes, their DynamoDB calls and the login timing alone
 *   BENCH_ONLY=limits npm run bench   what the per-client budget adds to a login (issue 21) alone
 *   BENCH_ONLY=libraries npm run bench   what otplib and qrcode add to the login functions'
 *                                     zip and cold-start init (issue 20) alone
 *   npm run bench -- --http           also drives `npm start` over HTTP with autocannon
 *   BCRYPT_COST=4 npm run bench       a quick run (the figures are quoted at 12, the default)
 *   FLASK_ORIGINAL_DIR=dir npm run bench   also the course flow against the Flask original in dir
 *
 * Iterations: BENCH_ITERATIONS (storage routes, 300), BENCH_PASSWORD_ITERATIONS (30),
 * BENCH_TIMING_ITERATIONS (login timing, 60), BENCH_COST_ITERATIONS and
 * BENCH_COST_PASSWORD_ITERATIONS (CPU time per request, 100 and 10), BENCH_INIT_RUNS (cold inits per bundle, 15),
 * BENCH_HTTP_SECONDS (10 per HTTP scenario, after a 3-second warm-up), BENCH_FLOW_ROUNDS (course
 * flow rounds per service, 20; always at bcrypt cost 12, the original's).
 */
import { cpus, loadavg } from 'node:os';
import { deployedVariant, SDK_VARIANTS } from '../deploy/bundle-options';
import { FLOOR, measureBundles, medianInit } from './bundles';
import { callsPerRequest, CapacityRecorder, type DynamoCall } from './capacity';
import { costSection } from './cost';
import { librariesSection } from './libraries';
import { limitsSection } from './limits';
import { courseFlowSection } from './course-flow';
import { runHttp, type HttpFigures } from './http';
import { RouteBench, type PairFigures, type RouteFigures } from './routes';
import { benchEnv, loadService, startStorage } from './service';
import { kb, median, ms, percentiles, table, verdict } from './stats';

// Each function's module init against the lowest floor measured in the same run (issue 10).
const INIT_TARGET_RATIO = 1.25;
const BUNDLE_TARGET_BYTES = 250 * 1024;
const TIMING_TARGET_PERCENT = 5;

function count(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** BENCH_ONLY: one part of the bench alone. */
const PARTS = ['cost', 'routes', 'limits', 'libraries'] as const;
type Only = (typeof PARTS)[number] | undefined;

function onlyPart(value: string | undefined): Only {
  const part = PARTS.find((p) => p === value);
  if (value === undefined || part !== undefined) return part;
  throw new Error(`BENCH_ONLY must be ${PARTS.join(', ')}`);
}

function routeTable(figures: RouteFigures[]): string {
  return table(
    ['route', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'floor', 'floor p50 ms', 'route/floor', 'target'],
    figures.map((f) => {
      const p = percentiles(f.routeMs);
      const floor = median(f.floorMs);
      const ratio = p.p50 / floor;
      const target =
        f.target === null ? '' : `≤ ${f.target.toFixed(2)}: ${verdict(ratio <= f.target)}`;
      return [
        `\`${f.route}\``,
        String(f.routeMs.length),
        ms(p.p50),
        ms(p.p95),
        ms(p.p99),
        f.floor ?? 'none',
        ms(floor),
        f.floor === null ? '' : ratio.toFixed(3),
        target,
      ];
    }),
  );
}

function sum(calls: DynamoCall[], pick: (c: DynamoCall) => number | null): string {
  if (calls.some((c) => pick(c) === null)) return 'not reported';
  return String(calls.reduce((total, c) => total + (pick(c) ?? 0), 0));
}

function dynamoTable(figures: RouteFigures[]): string {
  return table(
    ['route', 'calls per request', 'p50 ms', 'items read', 'items written', 'capacity units'],
    figures.map((f) => [
      `\`${f.route}\``,
      callsPerRequest(f.calls),
      ms(median(f.routeMs)),
      sum(f.calls, (c) => c.itemsRead),
      sum(f.calls, (c) => c.itemsWritten),
      sum(f.calls, (c) => c.capacityUnits),
    ]),
  );
}

function timingTable(figures: PairFigures): string {
  const known = median(figures.aMs);
  const unknown = median(figures.bMs);
  const difference = (Math.abs(known - unknown) / Math.min(known, unknown)) * 100;
  return table(
    ['login (401)', 'n', 'p50 ms'],
    [
      ['known email, wrong password', String(figures.aMs.length), ms(known)],
      ['unknown email', String(figures.bMs.length), ms(unknown)],
      [
        'difference',
        '',
        `${difference.toFixed(1)} % (target < ${TIMING_TARGET_PERCENT} %: ${verdict(difference < TIMING_TARGET_PERCENT)})`,
      ],
    ],
  );
}

async function bundleTable(runs: number): Promise<string> {
  const figures = await measureBundles(runs);
  const deployed = deployedVariant();
  const floors = figures.filter((f) => f.fn === FLOOR);
  const lowestFloor = Math.min(...floors.map(medianInit));
  const functions = [...new Set(figures.map((f) => f.fn))];
  const header = ['function'];
  for (const v of SDK_VARIANTS) {
    const mark = v === deployed ? ' (deployed)' : '';
    header.push(`${v.name}${mark}: zip KB`, 'init p50 ms', 'init / lowest floor');
  }
  header.push(
    `targets (deployed: zip ≤ ${kb(BUNDLE_TARGET_BYTES)} KB, init ≤ ${INIT_TARGET_RATIO} × lowest floor)`,
  );
  const rows = functions.map((fn) => {
    const row = [fn];
    for (const v of SDK_VARIANTS) {
      const f = figures.find((x) => x.fn === fn && x.variant === v);
      if (f === undefined) throw new Error(`no figures for ${fn}`);
      row.push(kb(f.zippedBytes), ms(medianInit(f)), (medianInit(f) / lowestFloor).toFixed(2));
    }
    const d = figures.find((x) => x.fn === fn && x.variant === deployed);
    row.push(
      d === undefined
        ? 'serverless.yml packages none of these'
        : `size ${verdict(d.zippedBytes <= BUNDLE_TARGET_BYTES)}, init ${verdict(medianInit(d) <= INIT_TARGET_RATIO * lowestFloor)}`,
    );
    return row;
  });
  return table(header, rows);
}

function httpTable(figures: HttpFigures[]): string {
  return table(
    ['scenario', 'connections', 'seconds', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'unexpected'],
    figures.map((f) => [
      f.scenario,
      String(f.connections),
      String(f.seconds),
      f.requestsPerSecond.toFixed(1),
      ms(f.p50),
      ms(f.p99),
      String(f.requests),
      String(f.unexpected),
    ]),
  );
}

/** The sections that run the service in-process against one DynamoDB Local. */
async function inProcess(bcryptCost: string, only: Only): Promise<string[]> {
  const { dynamodb, table: usersTable } = await startStorage();
  try {
    const recorder = new CapacityRecorder();
    const sections: string[] = [];
    const iterations = {
      storage: count('BENCH_ITERATIONS', 300),
      password: count('BENCH_PASSWORD_ITERATIONS', 30),
    };
    if (only === undefined || only === 'limits') {
      const service = await loadService(benchEnv(dynamodb.endpoint, usersTable, bcryptCost));
      sections.push(...(await limitsSection(service, recorder, iterations)));
      if (only === 'limits') return sections;
    }
    if (only !== 'cost') {
      const service = await loadService(benchEnv(dynamodb.endpoint, usersTable, bcryptCost));
      const bench = new RouteBench(service, recorder);
      const routes = await bench.run(iterations);
      const timing = await bench.loginTiming(count('BENCH_TIMING_ITERATIONS', 60));
      sections.push(
        '### Routes in-process against their floors (p50 ratio)',
        routeTable(routes),
        '### DynamoDB calls per request (one call of each route; reads: (c) consistent, (e) eventually consistent)',
        dynamoTable(routes),
        '### Login timing: known email with a wrong password vs unknown email',
        timingTable(timing),
      );
    }
    if (only === 'routes') return sections;
    // Quoted at the deployed bcrypt cost whatever BCRYPT_COST says: measured, not extrapolated.
    const deployed = await loadService(benchEnv(dynamodb.endpoint, usersTable));
    const cost = await costSection(new RouteBench(deployed, recorder), recorder, {
      storage: count('BENCH_COST_ITERATIONS', 100),
      password: count('BENCH_COST_PASSWORD_ITERATIONS', 10),
    });
    return [...sections, ...cost];
  } finally {
    await dynamodb.stop();
  }
}

async function main(): Promise<void> {
  // The SDK's notice that its 2027 releases need Node 22 (Lambda runs 22): noise in the table.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const http = process.argv.includes('--http');
  const bcryptCost = process.env.BCRYPT_COST ?? '12';
  const [load1] = loadavg();
  console.log(
    `npm run bench${http ? ' -- --http' : ''}: ${new Date().toISOString()}, Node ${process.version}, ` +
      `${cpus().length} CPUs, load ${load1?.toFixed(2)}, BCRYPT_COST=${bcryptCost}\n`,
  );
  const only = onlyPart(process.env.BENCH_ONLY);
  const runs = count('BENCH_INIT_RUNS', 15);
  if (only === 'libraries') {
    console.log((await librariesSection(runs)).join('\n\n'));
    return;
  }
  const sections = await inProcess(bcryptCost, only);
  if (only === undefined) {
    sections.push(`### Bundles and cold-start module init (median of ${runs} fresh processes)`);
    sections.push(await bundleTable(runs));
    sections.push(...(await librariesSection(runs)));
    if (http) {
      sections.push('### Over HTTP (npm start, serverless-offline, autocannon on loopback)');
      sections.push(httpTable(await runHttp(bcryptCost, count('BENCH_HTTP_SECONDS', 10))));
    }
    sections.push(...(await courseFlowSection(count('BENCH_FLOW_ROUNDS', 20))));
  }
  console.log(sections.join('\n\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
