/**
 * `tsx scripts/check-config.ts`: validates this process's environment with the service's own
 * `loadConfig`, as a function's cold start does. Prints nothing and exits 0 when it holds; prints
 * the one line that says what is wrong and exits 1 when not.
 *
 * It runs as a child process given exactly the environment to check (`configProblem`), so that
 * neither `npm start` nor the framework's plugin needs that environment in its own.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

const root = join(__dirname, '..');

/** What is wrong with `env` as a function's configuration, in one line; undefined when nothing. */
export function configProblem(env: Env): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    // One process (the `tsx` command would start a second one): about a second less.
    const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(undefined);
      else if (code === 1) resolve(printed.trim());
      else reject(new Error(`${__filename} exited with ${code}: ${printed.trim()}`));
    });
  });
}

async function main(): Promise<void> {
  try {
    // Imported here, not at the top: the module may validate the environment as it loads.
    const { loadConfig } = await import('../lib/config');
    loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ConfigError') throw error;
    console.log(error.message);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(2); // not a configuration problem: a bug, shown in full
  });
}
