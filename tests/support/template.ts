import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

/** What the service's CloudFormation template holds, as far as the tests read it. */
export interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

export interface Resource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties: Record<string, unknown>;
}

/**
 * The template `serverless package --stage <stage>` writes, with `--param` for each of `params`.
 * No AWS account is needed. It packages a copy of the service (sharing node_modules), so what it
 * writes stays out of the checkout.
 */
export async function packageTemplate(
  stage: string,
  params: Record<string, string> = {},
): Promise<Template> {
  const work = mkdtempSync(join(tmpdir(), 'user-auth-package-'));
  try {
    const service = ['serverless.yml', 'package.json', 'tsconfig.json', 'handlers', 'lib'];
    // The framework's plugins and the code they run: the packaging check and the local stage.
    for (const entry of [...service, 'deploy', 'local']) {
      cpSync(join(root, entry), join(work, entry), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
    const output = join(work, 'package');
    await run(
      join(root, 'node_modules', '.bin', 'serverless'),
      [
        'package',
        '--stage',
        stage,
        '--package',
        output,
        ...Object.entries(params).map(([name, value]) => `--param=${name}=${value}`),
      ],
      {
        cwd: work,
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
        timeout: 120_000,
      },
    );
    return JSON.parse(
      readFileSync(join(output, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Evaluates a template condition, as CloudFormation would once the parameters are known. */
export function condition(template: Template, name: string): boolean {
  const evaluate = (node: unknown): boolean => {
    const [[fn, args]] = Object.entries(node as Record<string, unknown>) as [[string, unknown]];
    const list = args as unknown[];
    switch (fn) {
      case 'Fn::Equals':
        return JSON.stringify(list[0]) === JSON.stringify(list[1]);
      case 'Fn::Not':
        return !evaluate(list[0]);
      case 'Fn::And':
        return list.every(evaluate);
      case 'Fn::Or':
        return list.some(evaluate);
      case 'Condition':
        return condition(template, args as string);
      default:
        throw new Error(`condition function ${fn} is not supported here`);
    }
  };
  const node = template.Conditions?.[name];
  if (node === undefined) throw new Error(`no condition ${name}`);
  return evaluate(node);
}

/** A value with its `Fn::If`s decided and `AWS::NoValue` entries dropped. */
export function decide(template: Template, value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => decide(template, item)).filter((item) => item !== undefined);
  }
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.Ref === 'AWS::NoValue') return undefined;
  const choice = record['Fn::If'] as [string, unknown, unknown] | undefined;
  if (choice !== undefined) {
    return decide(template, condition(template, choice[0]) ? choice[1] : choice[2]);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decide(template, v)]));
}
