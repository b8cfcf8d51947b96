import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openapiPath } from '../support/openapi';

/*
 * `npm run docs` builds a page that reads offline: no script, nothing fetched from anywhere, and
 * every route of docs/openapi.yaml on it with each of its answers.
 */

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('the API reference page (npm run docs)', () => {
  let directory: string;
  let html: string;

  beforeAll(async () => {
    // act: the npm script's command, into a directory of the test's own
    directory = await mkdtemp(join(tmpdir(), 'api-docs-'));
    const page = join(directory, 'api.html');
    await run(join(root, 'node_modules', '.bin', 'tsx'), ['docs/api-docs.ts', page], {
      cwd: root,
    });
    html = await readFile(page, 'utf8');
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('needs no JavaScript and requests nothing', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\(/iu);
    // Every link stays on the page.
    const targets = [...html.matchAll(/\b(?:href|src)="([^"]*)"/gu)].map(([, target]) => target);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target).toMatch(/^#/u);
  });

  it('shows every route with each answer the document describes', async () => {
    const { paths } = parse(await readFile(openapiPath, 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string; responses: object }>>;
    };
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const section =
          html.split(`<section id="${operation.operationId}">`)[1]?.split('</section>')[0] ?? '';
        expect(section).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
        for (const status of Object.keys(operation.responses)) {
          expect(section).toContain(`>${status}</h4>`);
        }
      }
    }
  });
});
