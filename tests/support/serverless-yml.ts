import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';

// CloudFormation's short forms (`!Ref x`, `!If [a, b, c]`), kept as the plain value or list they
// tag: the tests read the structure around them, not them.
const SHORT_FORMS = ['!GetAtt', '!Sub', '!Ref', '!If', '!Equals', '!Not', '!And', '!Condition'];
const cloudFormationTags: Tags = SHORT_FORMS.flatMap((tag): Tags => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq', resolve: (value): unknown => value.toJSON() },
]);

interface HttpApiEvent {
  /** A route, or `'*'`: API Gateway's catch-all `$default` route. */
  httpApi?: { method: string; path: string } | '*';
}

export interface ServerlessYml {
  functions: Record<string, { handler: string; events?: HttpApiEvent[] }>;
  resources: { Resources: Record<string, { Properties: unknown }> };
}

/** serverless.yml as written (variables unresolved). */
export function serverlessYml(): ServerlessYml {
  const text = readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8');
  return parse(text, { customTags: cloudFormationTags }) as ServerlessYml;
}

/** The `httpApi` routes of every function, as `METHOD /path` or `$default`. */
export function declaredRoutes(): string[] {
  return Object.values(serverlessYml().functions).flatMap((fn) =>
    (fn.events ?? []).flatMap(({ httpApi }) => {
      if (httpApi === undefined) return [];
      if (httpApi === '*') return ['$default'];
      return [`${httpApi.method.toUpperCase()} ${httpApi.path}`];
    }),
  );
}
