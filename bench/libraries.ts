/**
 * What the second factor's libraries add to the functions that bundle them (issue 20): otplib,
 * which makes and checks TOTP codes, and qrcode, which draws the enrolment's QR code. Each
 * function that should show it (the login, the login's second step, and whichever bundles
 * qrcode) is built as deployed and again with the libraries replaced by empty modules; the
 * difference in zip size and in cold-start init (fresh processes, interleaved with the floor's) is
 * what they add. Module init only evaluates the libraries' top level, which is what a cold start
 * pays before the first request.
 */
import { build, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOptions, deployedVariant, functionEntries } from '../deploy/bundle-options';
import { buildFunction, FLOOR, initTime } from './bundles';
import { kb, median, ms, table } from './stats';

/** The libraries, by the package a module imports and the folders its code comes from. */
const LIBRARIES = {
  otplib: ['node_modules/otplib/', 'node_modules/@otplib/'],
  qrcode: ['node_modules/qrcode/'],
} as const;

type Library = keyof typeof LIBRARIES;
const NAMES = Object.keys(LIBRARIES) as Library[];

/** The functions whose figures issue 20 asks for, whether or not they bundle a library. */
const ASKED = ['login', 'loginMfa'];

/** An esbuild plugin that makes `import ... from '<library>'` an empty module. */
const withoutLibraries: Plugin = {
  name: 'without-second-factor-libraries',
  setup(builder) {
    // esbuild runs filters as Go regular expressions, which take no flags.
    const filter = new RegExp(`^(${NAMES.join('|')})$`);
    builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stand-in' }));
    builder.onLoad({ filter: /.*/, namespace: 'stand-in' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

function deployed() {
  const variant = deployedVariant();
  if (variant === undefined) throw new Error('serverless.yml ships the SDK in no known way');
  return variant;
}

/** Which of the libraries each function's deployed bundle carries, by esbuild's metafile. */
export async function librariesByFunction(): Promise<Map<string, Library[]>> {
  const carried = new Map<string, Library[]>();
  for (const [fn, entry] of functionEntries()) {
    const { metafile } = await build({
      ...buildOptions(entry, deployed()),
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(metafile.inputs);
    carried.set(
      fn,
      NAMES.filter((name) => inputs.some((i) => LIBRARIES[name].some((d) => i.includes(d)))),
    );
  }
  return carried;
}

interface Figures {
  fn: string;
  libraries: Library[];
  zipped: { with: number; without: number };
  initMs: { with: number[]; without: number[] };
}

/** The section of `npm run bench`: which function carries what, and what it costs them. */
export async function librariesSection(runs: number): Promise<string[]> {
  const carried = await librariesByFunction();
  const measured = [...carried].filter(
    ([fn, libraries]) => ASKED.includes(fn) || libraries.includes('qrcode'),
  );
  const entries = new Map(functionEntries());
  const outRoot = mkdtempSync(join(tmpdir(), 'bench-libraries-'));
  try {
    const variant = deployed();
    const floor = await buildFunction(outRoot, 'floor', 'bench/floor.ts', variant);
    const figures: (Figures & { files: { with: string; without: string } })[] = [];
    for (const [fn, libraries] of measured) {
      const entry = entries.get(fn) ?? '';
      const full = await buildFunction(join(outRoot, 'with'), fn, entry, variant);
      const bare = await buildFunction(join(outRoot, 'without'), fn, entry, variant, [
        withoutLibraries,
      ]);
      figures.push({
        fn,
        libraries,
        zipped: { with: full.zippedBytes, without: bare.zippedBytes },
        initMs: { with: [], without: [] },
        files: { with: full.outfile, without: bare.outfile },
      });
    }
    // Interleaved, as the bundle table's are: each round visits every bundle once.
    const floorMs: number[] = [];
    for (let round = 0; round < runs; round++) {
      floorMs.push(await initTime(floor.outfile));
      for (const f of figures) {
        f.initMs.with.push(await initTime(f.files.with));
        f.initMs.without.push(await initTime(f.files.without));
      }
    }
    const floorP50 = median(floorMs);
    const rows = figures.map((f) => {
      const [withMs, withoutMs] = [median(f.initMs.with), median(f.initMs.without)];
      return [
        f.fn,
        f.libraries.join(', ') || 'none',
        kb(f.zipped.with),
        kb(f.zipped.without),
        kb(f.zipped.with - f.zipped.without),
        ms(withMs),
        ms(withoutMs),
        ms(withMs - withoutMs),
        (withMs / floorP50).toFixed(2),
        (withoutMs / floorP50).toFixed(2),
      ];
    });
    const carriers = (name: Library) =>
      [...carried].filter(([, libraries]) => libraries.includes(name)).map(([fn]) => fn);
    return [
      `### The second factor's libraries (issue 20): zip and cold-start init with and without them (median of ${runs} fresh processes, ${FLOOR} ${ms(floorP50)} ms)`,
      table(
        [
          'function',
          'bundles',
          'zip KB',
          'without them',
          'added KB',
          'init p50 ms',
          'without them',
          'added ms',
          'init / floor',
          'without / floor',
        ],
        rows,
      ),
      NAMES.map((name) => `- ${name} is bundled by: ${carriers(name).join(', ') || 'none'}`).join(
        '\n',
      ),
    ];
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}
