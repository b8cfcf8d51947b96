/**
 * The environment that serverless.yml gives the functions of the `local` stage (`npm start`),
 * resolved from its `params` and this process's environment without starting the framework,
 * which takes seconds. Only the variable forms serverless.yml uses are understood (`env`, `param`,
 * `self`, `sls:stage`, each with an optional fallback); any other is an error, and
 * tests/ops/local-stage.test.ts checks the result against `serverless print`.
 */
import { functionDefinitions } from '../deploy/route-resources';
import { serverlessYml, type ServerlessYml } from '../deploy/serverless-yml';

type Env = Record<string, string | undefined>;

const STAGE = 'local';
/** The innermost `${...}`: nested variables resolve from the inside out, as the framework does. */
const VARIABLE = /\$\{([^${}]+)\}/u;

function pathIn(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[key]
          : undefined,
      root,
    );
}

function unquote(text: string): string {
  return text.trim().replace(/^'(.*)'$|^"(.*)"$/u, '$1$2');
}

function resolver(yml: ServerlessYml, env: Env): (value: unknown) => string | undefined {
  const lookup = (expression: string): string | undefined => {
    const comma = expression.indexOf(',');
    const reference = (comma === -1 ? expression : expression.slice(0, comma)).trim();
    const fallback = comma === -1 ? undefined : unquote(expression.slice(comma + 1));
    const [source = '', address = ''] = reference.split(/:(.*)/su);
    let found: unknown;
    if (source === 'env') found = env[address];
    else if (source === 'param')
      found = yml.params[STAGE]?.[address] ?? yml.params.default?.[address];
    else if (source === 'self') found = pathIn(yml, address);
    else if (reference === 'sls:stage') found = STAGE;
    else throw new Error(`serverless.yml: \${${expression}} is not understood by ${__filename}`);
    return resolve(found) ?? fallback;
  };
  const resolve = (value: unknown): string | undefined => {
    if (value === undefined || value === null) return undefined;
    let text = typeof value === 'string' ? value : JSON.stringify(value);
    for (let match = VARIABLE.exec(text); match; match = VARIABLE.exec(text)) {
      const resolved = lookup(match[1] ?? '');
      if (resolved === undefined) return undefined;
      text = text.slice(0, match.index) + resolved + text.slice(match.index + match[0].length);
    }
    return text;
  };
  return resolve;
}

/**
 * What the local stage's functions find in their environment, given serverless-offline's `env`:
 * its AWS_* variables (the only ones it passes on), then `provider.environment`, then every
 * function's own `environment` (so the settings of all of them are covered).
 */
export function localStageEnv(env: Env = process.env): Env {
  const yml = serverlessYml();
  const resolve = resolver(yml, env);
  const declared = [
    yml.provider.environment ?? {},
    ...Object.values(functionDefinitions()).map((fn) => fn.environment ?? {}),
  ];
  const result: Env = Object.fromEntries(
    Object.entries(env).filter(([name]) => name.startsWith('AWS_')),
  );
  for (const variables of declared) {
    for (const [name, value] of Object.entries(variables)) result[name] = resolve(value);
  }
  return result;
}
