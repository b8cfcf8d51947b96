import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The per-client budget counts in windows of a clock minute (lib/http/client-budget.ts). A test
 * whose requests must fall in one window starts them early in one: when less than `marginMs` is
 * left of the current minute, this waits for the next to begin.
 */
export async function earlyInABudgetWindow(marginMs = 15_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await sleep(left + 100);
}
