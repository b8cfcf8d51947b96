/**
 * What each function's bundle carries, built with serverless.yml's esbuild settings and the SDK
 * shipped as deployed: a function imports only what its route runs.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { buildOptions, deployedVariant, functionEntries } from '../../deploy/bundle-options';

const PASSWORD_CODE = ['node_modules/bcryptjs/', 'lib/auth/common-passwords.ts'];

/** The source files that went into the function's bundle. */
async function bundledFiles(entry: string): Promise<string[]> {
  const variant = deployedVariant();
  if (variant === undefined) throw new Error('serverless.yml ships the SDK in no known way');
  const { metafile } = await build({
    ...buildOptions(entry, variant),
    write: false,
    metafile: true,
  });
  return Object.keys(metafile.inputs);
}

describe('function bundles', () => {
  const entries = new Map(functionEntries());

  it.each(['profile', 'logout', 'pages'])(
    '%s reads sessions only: no bcryptjs, no password list',
    async (fn) => {
      const files = await bundledFiles(entries.get(fn) ?? '');
      expect(files.some((file) => file.startsWith('lib/auth/sessions.ts'))).toBe(true);
      for (const code of PASSWORD_CODE) expect(files.filter((f) => f.includes(code))).toEqual([]);
    },
  );

  it.each([
    ['register', true],
    ['updatePassword', true],
    ['login', false],
  ])(
    '%s hashes or compares passwords; it checks new ones against the list: %s',
    async (fn, list) => {
      const files = await bundledFiles(entries.get(fn) ?? '');
      const [bcryptjs, passwordList] = PASSWORD_CODE.map((code) =>
        files.some((f) => f.includes(code)),
      );
      expect({ bcryptjs, passwordList }).toEqual({ bcryptjs: true, passwordList: list });
    },
  );

  it('sessionAuthorizer only reads sessions: no bcryptjs, no password list, not Sessions', async () => {
    const files = await bundledFiles(entries.get('sessionAuthorizer') ?? '');
    expect(files).toContain('lib/auth/session-lookup.ts');
    // Sessions writes (it ends expired sessions); the authorizer's role could not.
    expect(files).not.toContain('lib/auth/sessions.ts');
    for (const code of PASSWORD_CODE) expect(files.filter((f) => f.includes(code))).toEqual([]);
  });

  // Issue 20: otplib makes and checks TOTP codes, qrcode draws the enrolment's QR code. Each is
  // bundled where it may run, and `npm run bench` (BENCH_ONLY=libraries) measures what it adds.
  // confirmEmailChange checks no code: it carries otplib (about 11 KB zipped) because its module,
  // lib/auth/email-changes.ts, also serves the request, which does. login asks only whether an
  // account has a factor (lib/auth/accounts.ts), and carries none.
  it("otplib only in the functions of the second factor and those that import it; qrcode in the pages' forms alone", async () => {
    const carriers = { otplib: [] as string[], qrcode: [] as string[] };
    for (const [fn, entry] of entries) {
      const files = await bundledFiles(entry);
      if (files.some((f) => /node_modules\/@?otplib\//u.test(f))) carriers.otplib.push(fn);
      if (files.some((f) => f.includes('node_modules/qrcode/'))) carriers.qrcode.push(fn);
    }
    expect(carriers.otplib.sort()).toEqual(
      [
        'confirmEmailChange',
        'confirmTotp',
        'deleteAccount',
        'disableTotp',
        'enrolTotp',
        'loginMfa',
        'pageForms',
        'replaceRecoveryCodes',
        'requestEmailChange',
      ].sort(),
    );
    // The enrolment's page, QR code drawn, is the answer to its form's POST.
    expect(carriers.qrcode).toEqual(['pageForms']);
    // Every function built once: a minute on a busy machine.
  }, 120_000);

  it.each(['home', 'unmatched'])('%s carries no AWS SDK', async (fn) => {
    const files = await bundledFiles(entries.get(fn) ?? '');
    expect(files.filter((f) => f.includes('@aws-sdk/'))).toEqual([]);
  });
});
