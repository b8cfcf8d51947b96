/**
 * What `npm start` shows of serverless-offline's standard output: the functions' log lines and
 * any warning, without the box listing its routes (printed whatever the log level, and half of it
 * the Lambda-invoke URLs nobody calls; README.md lists the routes) and without blank lines.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export function forwardOffline(output: Readable, to: Writable): void {
  let inRouteBox = false;
  createInterface({ input: output, crlfDelay: Infinity }).on('line', (line) => {
    const start = line.trimStart();
    if (start.startsWith('┌')) inRouteBox = true;
    const shown = !inRouteBox && start !== '';
    if (start.startsWith('└')) inRouteBox = false;
    if (shown) to.write(`${line}\n`);
  });
}
