/**
 * What a client's author reads before relying on a behaviour: the deliberate differences from the
 * Flask original are said where they look, in the README and in docs/openapi.yaml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenApiContract } from '../support/openapi';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README section under a `###` heading, up to the next heading. */
function section(heading: string): string {
  const start = readme.indexOf(`### ${heading}\n`);
  expect(start, `README has no "### ${heading}"`).toBeGreaterThan(-1);
  const rest = readme.slice(start + heading.length + 5);
  return rest.slice(0, rest.search(/^#/mu) === -1 ? undefined : rest.search(/^#/mu));
}

describe('the deliberate differences from the Flask original', () => {
  it('are listed in the README, each with what differs in bold and why after it', () => {
    const items = section('Deliberate differences from the Flask original').split('\n- ').slice(1);
    expect(items.length).toBeGreaterThanOrEqual(5);
    for (const item of items) {
      // "**What differs**, what Flask does, and why the service does otherwise."
      expect(item).toMatch(/^\*\*[^*]+\*\*(?=[^]*Flask)[^]{80,}/u);
    }
    expect(
      items.some((item) => item.startsWith("**A password reset ends the user's session**")),
    ).toBe(true);
  });

  it('include a reset ending the sessions, in the routes table and on PUT /reset_password', () => {
    const row = readme.split('\n').find((line) => line.startsWith('| `PUT /reset_password`'));
    expect(row).toMatch(/ends the user's session/u);
    const contract = new OpenApiContract();
    const put = contract.document.paths['/reset_password']?.put as { description?: string };
    expect(put.description).toMatch(/ends the user's session[^]*unlike the Flask original/u);
  });
});
