import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROUTES, type Route } from '../../handlers/table';
import type { RouteDefinition } from '../../lib/http/lambda';

/**
 * Each route of the table with its definition, loaded from the module the table names for it
 * (handlers/<module>.ts), as the generated Lambda entries import it. By file URL: tsx runs the
 * bench as CommonJS, whose import() resolves no relative path.
 */
export async function loadRouteDefinitions(): Promise<Map<Route, RouteDefinition<unknown>>> {
  return new Map(
    await Promise.all(
      ROUTES.map(async (route) => {
        const url = pathToFileURL(join(__dirname, '..', '..', 'handlers', `${route.module}.ts`));
        const loaded = (await import(url.href)) as { route: RouteDefinition<unknown> };
        return [route, loaded.route] as const;
      }),
    ),
  );
}
