/**
 * fast-check runs that can be replayed. The seed is chosen here (or taken from FUZZ_SEED), so a
 * test can print it with its figures; a failure adds to fast-check's own report the command that
 * replays it: FUZZ_SEED and FUZZ_PATH (the shrunk counterexample), for that one test.
 */
import { relative } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';

/** The seed of this run: FUZZ_SEED when set, to replay a run, otherwise a new one. */
function runSeed(): number {
  const given = process.env.FUZZ_SEED;
  if (given === undefined) return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(given);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${given}"`);
  return seed;
}

/** The shell command that runs the current test alone with the given replay settings. */
function replayCommand(seed: number, path: string): string {
  const { testPath = '', currentTestName = '' } = expect.getState();
  // vitest matches -t against the test's name as a regular expression
  const name = (currentTestName.split(' > ').at(-1) ?? '').replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  const quoted = `'${name.replaceAll("'", "'\\''")}'`;
  return `FUZZ_SEED=${seed} FUZZ_PATH=${path} npx vitest run ${relative(process.cwd(), testPath)} -t ${quoted}`;
}

/**
 * Checks the property over `numRuns` runs, as fc.assert does, and returns the seed it used. On
 * failure it throws fast-check's report (seed, path, counterexample, error) and how to replay it.
 */
export async function assertReplayable<Ts>(
  property: fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<number> {
  const seed = runSeed();
  const path = process.env.FUZZ_PATH;
  const details = await fc.check(property, { numRuns, seed, ...(path !== undefined && { path }) });
  if (details.failed) {
    const replay = replayCommand(details.seed, details.counterexamplePath ?? '');
    console.error(`[fuzz] failed; replay: ${replay}`);
    throw new Error(`${fc.defaultReportMessage(details)}\nReplay: ${replay}`, {
      cause: details.errorInstance,
    });
  }
  return seed;
}
