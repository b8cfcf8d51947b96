/**
 * Bundle sizes and cold-start module init with the AWS SDK left external and taken from the Lambda
 * runtime (nodejs22.x ships SDK v3), or bundled (from its CommonJS or its ES module builds). Each
 * function is built with esbuild using the other options serverless.yml gives serverless-esbuild,
 * and its init is timed as a fresh `node` process requiring the built file, as the Lambda runtime
 * does at a cold start.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import {
  buildOptions,
  declaredEsbuild,
  functionEntries,
  SDK_VARIANTS,
  type SdkVariant,
} from '../deploy/bundle-options';
import { serverlessYml } from '../deploy/serverless-yml';
import { median } from './stats';

const run = promisify(execFile);
const root = join(__dirname, '..');

/** The name under which the floor bundle (bench/floor.ts) appears among the functions. */
export const FLOOR = 'floor: document client only';

export interface BundleFigures {
  fn: string;
  variant: SdkVariant;
  jsBytes: number;
  mapBytes: number;
  /** What the .js and .map weigh compressed as a zip stores them (deflate). */
  zippedBytes: number;
  initMs: number[];
}

function deflated(path: string): number {
  return deflateRawSync(readFileSync(path), { level: 9 }).length;
}

/**
 * Builds `entry` as serverless.yml would, with `plugins` added to its own (the bench's stand-ins);
 * its sizes, of the .js and .map alone and as a zip stores them.
 */
export async function buildFunction(
  outRoot: string,
  fn: string,
  entry: string,
  variant: SdkVariant,
  plugins: Plugin[] = [],
) {
  const settings = declaredEsbuild();
  const outfile = join(outRoot, variant.slug, `${fn.replace(/\W+/gu, '-')}.js`);
  const options = buildOptions(entry, variant);
  await build({ ...options, plugins: [...(options.plugins ?? []), ...plugins], outfile });
  const map = `${outfile}.map`;
  const mapBytes = settings.sourcemap ? statSync(map).size : 0;
  const zippedBytes = deflated(outfile) + (settings.sourcemap ? deflated(map) : 0);
  return { outfile, jsBytes: statSync(outfile).size, mapBytes, zippedBytes };
}

// Timed inside the child, around the require alone: Node's own start-up is not the bundle's.
const PROBE =
  'const t = performance.now(); require(process.argv[1]); process.stdout.write(String(performance.now() - t));';

/** The environment of a deployed function, as far as module init reads it. */
function lambdaEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // As on Lambda, where NODE_PATH includes /var/runtime/node_modules: an external `@aws-sdk/*`
    // resolves from there (here, from our node_modules).
    NODE_PATH: join(root, 'node_modules'),
    NODE_OPTIONS: (serverlessYml().provider.environment?.NODE_OPTIONS as string | undefined) ?? '',
    AWS_REGION: 'us-east-1',
    STAGE: 'bench',
    RESET_DELIVERY: 'email',
    MAIL_FROM: 'bench@example.com',
    // The functions that use the service key are given its parameter's name; it is read from SSM
    // at the first request that needs it, never at init.
    SERVICE_KEY_PARAMETER: '/bench/service-key',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** One cold init of the bundle: a fresh `node` process timing its `require`. */
export async function initTime(bundle: string): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', PROBE, bundle], { env: lambdaEnv() });
  return Number(stdout);
}

/**
 * Builds every function each way and times `runs` cold inits of each. The runs are interleaved
 * (each round visits every bundle once) so that noise from other work on the machine falls on
 * all of them alike.
 */
export async function measureBundles(runs: number): Promise<BundleFigures[]> {
  // Outside the checkout, where serverless-esbuild (npm start, the e2e test) may clear .esbuild/.
  const outRoot = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    const figures: (BundleFigures & { outfile: string })[] = [];
    const floor: [string, string] = [FLOOR, 'bench/floor.ts'];
    for (const [fn, entry] of [floor, ...functionEntries()]) {
      for (const variant of SDK_VARIANTS) {
        const built = await buildFunction(outRoot, fn, entry, variant);
        figures.push({ fn, variant, initMs: [], ...built });
      }
    }
    for (let round = 0; round < runs; round++) {
      for (const figure of figures) figure.initMs.push(await initTime(figure.outfile));
    }
    return figures;
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

export function medianInit(figure: BundleFigures): number {
  return median(figure.initMs);
}
