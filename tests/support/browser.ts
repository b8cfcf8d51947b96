import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it), or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumInstalled = existsSync(CHROMIUM_PATH);

/**
 * Headless Chromium, driven by playwright-core (which downloads no browser of its own). Each launch
 * gets a fresh, empty profile directory from Playwright. The flags keep it off the network: this
 * machine reaches only the npm registry and Debian, and Chromium's background fetches would fail.
 * `extraArgs` are added (a host resolver rule, for instance).
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Times named steps and prints them as a table. */
export class StepTimer {
  private readonly steps: [string, number][] = [];

  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.steps.push([name, performance.now() - started]);
    }
  }

  table(): string {
    const width = Math.max(...this.steps.map(([name]) => name.length));
    const rows = this.steps.map(
      ([name, ms]) => `| ${name.padEnd(width)} | ${Math.round(ms).toString().padStart(6)} |`,
    );
    return [
      `| ${'step'.padEnd(width)} |     ms |`,
      `|${'-'.repeat(width + 2)}|-------:|`,
      ...rows,
    ].join('\n');
  }
}
