/**
 * How serverless-esbuild builds each function, as serverless.yml's `custom.esbuild` says, for the
 * bench and the tests that build a function as it is packaged (what it bundles, app.js inside it).
 */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import esbuildPlugins from './esbuild-plugins';
import { functionDefinitions, writeEntries } from './route-resources';
import { serverlessYml } from './serverless-yml';

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

/** serverless.yml's `custom.esbuild`. */
export function declaredEsbuild(): EsbuildSettings {
  return (serverlessYml().custom as { esbuild: EsbuildSettings }).esbuild;
}

function sameList(a: readonly string[] = [], b: readonly string[] = []): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The variant serverless.yml packages, if it is one of these. */
export function deployedVariant(): SdkVariant | undefined {
  const { exclude, mainFields } = declaredEsbuild();
  return SDK_VARIANTS.find(
    (v) => sameList(v.external, exclude) && sameList(v.mainFields, mainFields),
  );
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
  const settings = declaredEsbuild();
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
