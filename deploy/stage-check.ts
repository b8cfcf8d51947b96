/**
 * Before `serverless package` or `deploy` (deploy/plugins/check-stage.js): the configuration each
 * function of the stage will load, checked with the service's own validator, then the stage's
 * custom domain (deploy/custom-domain.ts). A stage whose settings cannot work then fails to
 * package, with one line naming the parameter to set, instead of deploying functions that all
 * refuse to start or a domain that cannot serve them.
 */
import { configProblem } from './check-config';
import { domainProblem, type DomainSettings } from './custom-domain';
import { functionDefinitions } from './route-resources';
import { serverlessYml, type ServerlessYml } from './serverless-yml';

type Environment = Record<string, unknown>;

/** The parts of the framework's resolved configuration read here. */
export interface ServiceConfig {
  provider: { environment?: Environment; region?: string };
  functions?: Record<string, { environment?: Environment } | undefined>;
  custom?: { domain?: DomainSettings };
}

const PARAM = /^\$\{param:(\w+)/u;

/** Each function's environment on Lambda (which adds AWS_REGION), the same ones checked once. */
function functionEnvironments(config: ServiceConfig): Record<string, string>[] {
  const distinct = new Map<string, Record<string, string>>();
  for (const fn of Object.values(config.functions ?? {})) {
    const declared = { ...config.provider.environment, ...fn?.environment };
    const env = Object.fromEntries(
      Object.entries(declared)
        // A CloudFormation expression (the stack's own PAGES_URL) has its value once deployed.
        .filter(([, value]) => typeof value !== 'object')
        .map(([name, value]) => [name, String(value)]),
    );
    env.AWS_REGION = config.provider.region ?? 'us-east-1';
    distinct.set(JSON.stringify(env), env);
  }
  return [...distinct.values()];
}

function parameter(name: string): string {
  return `parameter ${name} (--param="${name}=...")`;
}

/** Where a variable's value comes from in serverless.yml, as the person packaging can set it. */
function origin(variable: string, written: ServerlessYml): string {
  const raw = [
    written.provider.environment?.[variable],
    ...Object.values(functionDefinitions()).map((fn) => fn.environment?.[variable]),
  ].find((value) => value !== undefined);
  const param = PARAM.exec(typeof raw === 'string' ? raw : '')?.[1];
  return param === undefined ? `${variable} in serverless.yml` : parameter(param);
}

/** What makes the stage unable to work, in one line naming its parameter; undefined if nothing. */
export function stageProblem(stage: string, resolved: ServiceConfig): string | undefined {
  const environments = functionEnvironments(resolved);
  const problem = environments
    .map((env) => configProblem(env))
    .find((found) => found !== undefined);
  if (problem !== undefined) {
    // Every message of lib/platform/config.ts starts with the variable it is about.
    const variable = /^[A-Z][A-Z0-9_]*/u.exec(problem)?.[0] ?? '';
    return `Stage ${stage} cannot work: ${problem}; set ${origin(variable, serverlessYml())}`;
  }
  const domain = resolved.custom?.domain;
  const region = resolved.provider.region ?? 'us-east-1';
  const cookieDomain = environments[0]?.COOKIE_DOMAIN ?? '';
  const found = domain && domainProblem(domain, region, cookieDomain);
  return found && `Stage ${stage} cannot work: ${found.problem}; set ${parameter(found.parameter)}`;
}
