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
import { build, type BuildOptions } from 'esbuild';
import esbuildPlugins from '../deploy/esbuild-plugins';
import { functionDefinitions, writeEntries } from '../deploy/route-resources';
import { serverlessYml } from '../deploy/serverless-yml';
import { median } from './stats';

const run = promisify(execFile);
const root = join(__dirname, '..');

export interface SdkVariant {
  name: string;
  slug: string;
  external: string[];
  /** esbuild's default for node is `main` first: the SDK's CommonJS builds, which do not shake. */
  mainFields?: string[];
}

export const SDK_VARIANTS: readonly SdkVariant[] = [
  { name: 'SDK from the runtime', slug: 'runtime-sdk', external: ['@aws-sdk/*'] },
  { name: 'SDK bundled', slug: 'bundled-sdk', external: [] },
  {
    name: 'SDK bundled from its ES modules',
    slug: 'bundled-sdk-esm',
    external: [],
    mainFields: ['module', 'main'],
  },
];

interface EsbuildSettings {
  bundle?: boolean;
  minify?: boolean;
  sourcemap?: BuildOptions['sourcemap'];
  sourcesContent?: boolean;
  target?: string;
  platform?: BuildOptions['platform'];
  format?: BuildOptions['format'];
  mainFields?: string[];
  exclude?: string[];
  keepNames?: boolean;
  /** The file serverless-esbuild loads its plugins from: deploy/esbuild-plugins.js. */
  plugins?: string;
}

interface Declared {
  custom: { esbuild: EsbuildSettings };
  provider: { environment: { NODE_OPTIONS?: string } };
}

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

function declared(): Declared {
  return serverlessYml() as unknown as Declared;
}

function sameList(a: readonly string[] = [], b: readonly string[] = []): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The variant serverless.yml packages, if it is one of these. */
export function deployedVariant(): SdkVariant | undefined {
  const { exclude, mainFields } = declared().custom.esbuild;
  return SDK_VARIANTS.find(
    (v) => sameList(v.external, exclude) && sameList(v.mainFields, mainFields),
  );
}

function deflated(path: string): number {
  return deflateRawSync(readFileSync(path), { level: 9 }).length;
}

/** Each function serverless.yml declares, with the TypeScript file its handler is in. */
export function functionEntries(): [string, string][] {
  writeEntries(root);
  return Object.entries(functionDefinitions()).map(([fn, { handler }]) => [
    fn,
    `${handler.slice(0, handler.lastIndexOf('.'))}.ts`,
  ]);
}

/** esbuild's options for an entry file, as serverless.yml gives them, with the variant's SDK. */
export function buildOptions(entry: string, variant: SdkVariant): BuildOptions {
  const settings = declared().custom.esbuild;
  return {
    entryPoints: [join(root, entry)],
    bundle: settings.bundle ?? true,
    minify: settings.minify ?? false,
    keepNames: settings.keepNames ?? false,
    sourcemap: settings.sourcemap ?? false,
    sourcesContent: settings.sourcesContent ?? true,
    target: settings.target ?? 'node22',
    platform: settings.platform ?? 'node',
    format: settings.format ?? 'cjs',
    external: variant.external,
    ...(variant.mainFields && { mainFields: variant.mainFields }),
    ...(settings.plugins !== undefined && { plugins: esbuildPlugins }),
    logLevel: 'error',
  };
}

async function buildFunction(outRoot: string, fn: string, entry: string, variant: SdkVariant) {
  const settings = declared().custom.esbuild;
  const outfile = join(outRoot, variant.slug, `${fn.replace(/\W+/gu, '-')}.js`);
  await build({ ...buildOptions(entry, variant), outfile });
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
    NODE_OPTIONS: declared().provider.environment.NODE_OPTIONS ?? '',
    AWS_REGION: 'us-east-1',
    STAGE: 'bench',
    RESET_DELIVERY: 'email',
    MAIL_FROM: 'bench@example.com',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

async function initTime(bundle: string): Promise<number> {
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
