import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { executablesOnPath } from '../../local/executables';

const run = promisify(execFile);

/** What installs `requests` for Debian's python3, the one `.ci/run` installs it for. */
export const INSTALL_REQUESTS = 'apt-get install -y python3-requests';

/** Every `python3` on PATH, then Debian's. */
export function pythons(): string[] {
  return [...new Set([...executablesOnPath('python3'), '/usr/bin/python3'])];
}

/**
 * The Python that runs the Flask project's own client: the first of `candidates` that can import
 * `requests`; failing that, an error with the command that installs it.
 */
export async function pythonWithRequests(candidates = pythons()): Promise<string> {
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import requests']);
      return python;
    } catch {
      // no requests there (or no such python): try the next one
    }
  }
  throw new Error(
    `no python3 here can import requests (${candidates.join(', ')}): ${INSTALL_REQUESTS}`,
  );
}
