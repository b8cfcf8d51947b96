import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Server, ServerOptions } from '@hapi/hapi';

/*
 * local/plugins/offline-edge.js finds serverless-offline's CORS extension by its source text and
 * installs the service's edge (local/hapi-edge.ts) in its place. When serverless-offline changes
 * and the extension never comes, npm start must stop rather than serve with the emulator's edge.
 * Through npm start, tests/e2e/emulator-edge.test.ts and tests/security/cors.test.ts show the edge.
 */

interface Plugin {
  hooks: Record<string, () => void>;
  replaced: number;
}
type PluginClass = new (serverless: unknown) => Plugin;

const load = createRequire(import.meta.url);
const OfflineEdge = load('../../local/plugins/offline-edge.js') as PluginClass;
const { Server: hapiServer } = load('@hapi/hapi') as {
  Server: (options?: ServerOptions) => Server;
};

/** What serverless-offline 13.10.1 registers: it reflects any Origin, with credentials. */
function reflectOrigins(server: Server): void {
  server.ext('onPreResponse', (request, h) => {
    const { response } = request;
    if ('isBoom' in response) return h.continue;
    response.header('access-control-allow-origin', String(request.headers.origin));
    return h.continue;
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('local/plugins/offline-edge.js', () => {
  it('stops npm start with a message when serverless-offline registered no CORS extension', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const plugin = new OfflineEdge({});
    plugin.hooks['before:offline:start:ready']?.();
    expect(exit).toHaveBeenCalledWith(1);
    expect(String(write.mock.calls[0]?.[0])).toContain('serverless-offline changed');
  });

  it("replaces serverless-offline's CORS extension by the service's edge", async () => {
    const plugin = new OfflineEdge({});
    plugin.hooks['before:offline:start:init']?.();
    const server = hapiServer({ host: 'localhost', port: 0 });
    reflectOrigins(server);
    server.route({
      method: 'GET',
      path: '/seen',
      handler: (request) => request.raw.req.rawHeaders,
    });
    expect(plugin.replaced).toBe(1);
    await server.start();
    try {
      const seen = await fetch(`${server.info.uri}/seen`, {
        headers: { origin: 'https://attacker.example', 'sls-offline-authorizer-override': '{}' },
      });
      expect(seen.headers.get('access-control-allow-origin')).toBeNull();
      expect(JSON.stringify(await seen.json())).not.toContain('sls-offline');

      const missing = await fetch(`${server.info.uri}/nowhere`);
      expect({
        status: missing.status,
        body: await missing.text(),
        type: missing.headers.get('content-type'),
        cache: missing.headers.get('cache-control'),
        sniff: missing.headers.get('x-content-type-options'),
      }).toEqual({
        status: 404,
        body: '{"message":"Not Found"}',
        type: 'application/json',
        cache: 'no-store',
        sniff: 'nosniff',
      });
    } finally {
      await server.stop();
    }
  });
});
