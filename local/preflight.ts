/**
 * What `npm start` checks before it starts anything, each problem in one line naming the variable
 * to change: its ports, the Java that runs DynamoDB Local, and the whole configuration the
 * functions will load.
 */
import { createServer } from 'node:net';
import { configProblem } from '../deploy/check-config';
import { javaProblem } from './java';
import { givenSesEndpoint } from './local-mail';
import { localStageEnv } from './local-stage';

type Env = Record<string, string | undefined>;

export interface LocalPorts {
  HTTP_PORT: number;
  LAMBDA_PORT: number;
  DYNAMODB_PORT: number;
  /** The local SES emulator's, unless SES_ENDPOINT names another endpoint. */
  MAIL_PORT: number;
}

const DEFAULT_PORTS: LocalPorts = {
  HTTP_PORT: 3000,
  LAMBDA_PORT: 3002,
  DYNAMODB_PORT: 8000,
  MAIL_PORT: 8005,
};

type PortName = keyof LocalPorts;

/** The ports npm start listens on: MAIL_PORT only when it runs the mail emulator itself. */
function portNames(env: Env): PortName[] {
  const names = Object.keys(DEFAULT_PORTS) as PortName[];
  return givenSesEndpoint(env) === undefined ? names : names.filter((name) => name !== 'MAIL_PORT');
}

function portValue(env: Env, name: PortName): number | string {
  const raw = env[name]?.trim() || String(DEFAULT_PORTS[name]);
  const port = /^\d+$/u.test(raw) ? Number(raw) : NaN;
  return port >= 1 && port <= 65_535
    ? port
    : `${name} must be a port number from 1 to 65535, got "${raw}"`;
}

/** The ports, from the environment or their defaults (valid once `preflight` passed). */
export function localPorts(env: Env = process.env): LocalPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const name of portNames(env)) {
    const value = portValue(env, name);
    if (typeof value === 'string') throw new Error(value);
    ports[name] = value;
  }
  return ports;
}

/** Why `port` cannot be listened on (on every address, as the services will), if it cannot. */
function bindProblem(name: PortName, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'is in use by another program: stop it or'
          : `cannot be listened on (${error.code}):`;
      resolve(`${name} ${port} ${why} choose another port, e.g. ${name}=${port + 1} npm start`);
    });
    server.listen(port, () => {
      server.close(() => {
        resolve(undefined);
      });
    });
  });
}

async function portProblems(env: Env): Promise<string[]> {
  const names = portNames(env);
  const values = names.map((name) => portValue(env, name));
  const invalid = values.filter((value) => typeof value === 'string');
  if (invalid.length > 0) return invalid;
  const problems: string[] = [];
  for (const [i, name] of names.entries()) {
    const port = values[i] as number;
    const twin = names.find((other, j) => j < i && values[j] === port);
    if (twin !== undefined) {
      problems.push(`${name} and ${twin} are both ${port}: each needs a port of its own`);
      continue;
    }
    const problem = await bindProblem(name, port);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** Every problem found, one line each; empty when the service can start. */
export async function preflight(env: Env = process.env): Promise<string[]> {
  const config = configProblem(localStageEnv(env));
  const [ports, java] = await Promise.all([portProblems(env), javaProblem(env)]);
  return [...ports, ...[java, config].filter((problem) => problem !== undefined)];
}
