import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Every executable file called `name` on PATH, in PATH's order (what `which -a` lists). */
export function executablesOnPath(
  name: string,
  env: Record<string, string | undefined> = process.env,
): string[] {
  return (env.PATH ?? '').split(delimiter).flatMap((dir) => {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return [file];
    } catch {
      return [];
    }
  });
}
