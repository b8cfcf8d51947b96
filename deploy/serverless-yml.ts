/**
 * serverless.yml as written (variables unresolved): what the local stage, the packaging check, the
 * tests and the bench read of it without starting the framework, which takes seconds. Its
 * functions come from the route table (deploy/route-resources.ts `functionDefinitions`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';

// CloudFormation's short forms (`!Ref x`, `!If [a, b, c]`), kept as the plain value or list they
// tag: what is read here is the structure around them, not them.
const SHORT_FORMS = ['!GetAtt', '!Sub', '!Ref', '!If', '!Equals', '!Not', '!And', '!Condition'];
const cloudFormationTags: Tags = SHORT_FORMS.flatMap((tag): Tags => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq', resolve: (value): unknown => value.toJSON() },
]);

export interface ServerlessYml {
  service: string;
  params: Record<string, Record<string, unknown> | undefined>;
  provider: { environment?: Record<string, unknown> };
  custom: Record<string, unknown>;
  resources: { Resources: Record<string, { Properties: unknown }> };
}

export const SERVICE_DIR = join(__dirname, '..');

export function serverlessYml(): ServerlessYml {
  const text = readFileSync(join(SERVICE_DIR, 'serverless.yml'), 'utf8');
  return parse(text, { customTags: cloudFormationTags }) as ServerlessYml;
}
