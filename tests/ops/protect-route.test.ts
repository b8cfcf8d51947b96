/**
 * README.md, "Protect your own routes", followed as a newcomer would: on a copy of the service,
 * its three snippets go where it says (an entry in the route table, a handler, an operation in
 * docs/openapi.yaml), then the commands it gives run. The snippets are read from the README itself,
 * so the section cannot drift from the code unnoticed.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const SERVICE = [
  'serverless.yml',
  'package.json',
  'tsconfig.json',
  'vitest.config.mts',
  'handlers',
  'lib',
  'deploy',
  'local',
  'bench',
  'docs',
  'tests',
];

/** The section's code blocks, by the comment on their first line (their file and place). */
function snippets(): Map<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Protect your own routes');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const found = new Map<string, string>();
  for (const [, indent = '', body = ''] of section.matchAll(/^( *)```\w+\n([\s\S]*?)^ *```$/gmu)) {
    const lines = body.split('\n').map((line) => line.slice(indent.length));
    const [first = '', ...rest] = lines;
    found.set(first.replace(/^(\/\/|#) /u, ''), rest.join('\n'));
  }
  return found;
}

function insertBefore(text: string, marker: string, insert: string): string {
  const at = text.indexOf(marker);
  if (at === -1) throw new Error(`no "${marker}"`);
  return text.slice(0, at) + insert + text.slice(at);
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'user-auth-protect-'));
  for (const entry of SERVICE) cpSync(join(root, entry), join(work, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('README, "Protect your own routes", on a copy of the service', () => {
  it('gives three snippets: a table entry, a handler and an OpenAPI operation', () => {
    expect([...snippets().keys()]).toEqual(
      expect.arrayContaining([
        'handlers/table.ts, in ENTRIES',
        'handlers/notes.ts',
        'docs/openapi.yaml, under paths',
      ]),
    );
  });

  it('adds GET /notes with them alone, and the checks it names pass', async () => {
    // prepare: the three edits, where the README says
    const code = snippets();
    const table = join(work, 'handlers', 'table.ts');
    writeFileSync(
      table,
      insertBefore(
        readFileSync(table, 'utf8'),
        "  // API Gateway's $default route",
        `  ${code.get('handlers/table.ts, in ENTRIES')?.trim() ?? ''}\n`,
      ),
    );
    writeFileSync(join(work, 'handlers', 'notes.ts'), code.get('handlers/notes.ts') ?? '');
    const openapi = join(work, 'docs', 'openapi.yaml');
    const operation = (code.get('docs/openapi.yaml, under paths') ?? '')
      .split('\n')
      .map((line) => (line === '' ? line : `  ${line}`))
      .join('\n');
    writeFileSync(
      openapi,
      readFileSync(openapi, 'utf8').replace(/^paths:\n/mu, `paths:\n${operation}`),
    );

    // act: what the README says to run
    const env = {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    };
    const bin = (name: string) => join(root, 'node_modules', '.bin', name);
    await run(bin('tsc'), ['--noEmit'], { cwd: work, env });
    const { stdout } = await run(
      bin('vitest'),
      ['run', 'tests/ops/openapi.test.ts', 'tests/ops/template.test.ts', '--reporter=verbose'],
      { cwd: work, env, timeout: 500_000, maxBuffer: 16 * 1024 * 1024 },
    );

    // assess: both files passed, with the new route among what they checked
    expect(stdout).toMatch(/Test Files\s+2 passed/u);
    // Every test of both files passed: as many passed as ran.
    expect(stdout).toMatch(/Tests\s+(\d+) passed \(\1\)/u);
    expect(stdout).toContain("'GET /notes' answers a live session, and 403 without one");
    expect(stdout).toContain('answers another method on /notes 405');
  }, 600_000);
});
