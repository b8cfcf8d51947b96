import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type ScalarTag } from 'yaml';

// CloudFormation's short forms, kept as plain values: the tests read the structure, not them.
const cloudFormationTags: ScalarTag[] = ['!GetAtt', '!Sub', '!Ref', '!If', '!Equals', '!Not'].map(
  (tag) => ({ tag, resolve: (value: string) => value }),
);

interface HttpApiEvent {
  httpApi?: { method: string; path: string };
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

/** The `httpApi` routes of every function, as `METHOD /path`. */
export function declaredRoutes(): string[] {
  return Object.values(serverlessYml().functions).flatMap((fn) =>
    (fn.events ?? []).flatMap((event) =>
      event.httpApi === undefined
        ? []
        : [`${event.httpApi.method.toUpperCase()} ${event.httpApi.path}`],
    ),
  );
}
